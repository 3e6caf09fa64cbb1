# VM PDs in CellulOS (issue 8 part 4, docs/cellulos.md "VM PDs"): the root
# task links the guest join of `osmosis extract vm` (src/extract/vm) and the
# /proc/PID/maps parser it uses to find QEMU's guest-RAM mapping.
# (CEL_EXTRA_* are expanded when mk/cellulos.mk's link rule runs.)
CEL_EXTRA_OBJ += $(addprefix $(BUILD)/obj/src/extract/,vm/vm_join.o vm/vm_host.o vm/vm_frame.o \
                 linux/procparse_maps.o linux/procparse_util.o)
CEL_EXTRA_LDLIBS += -lz

# The guest's key-value workload for `cellulos compare --vm`: kv-linux
# (src/scenarios/linux) linked statically with Debian's libsqlite3.a, for the
# busybox initramfs.  No sanitizers (it runs in the guest).
KV_LINUX_STATIC := $(BUILD)/bin/kv-linux-static
BINS += $(KV_LINUX_STATIC)
$(KV_LINUX_STATIC): src/scenarios/linux/kv_linux.c $(KV_SHARED_DEP)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_BASE) -O2 $(CFLAGS) -static -o $@ src/scenarios/linux/kv_linux.c \
	    $(KV_SHARED_SRC) -lsqlite3 -lm
