# Virtual machines as PDs (issue 8, docs/vm.md): the join lives in
# src/extract/vm (picked up by the osmosis wildcard) and frames guest output
# with zlib's CRC-32.
OSMOSIS_LDLIBS += -lz

# The guest side: a static osmosis (no shared libraries in a busybox
# initramfs).  Everything but the HTML report, which needs Graphviz (no
# static libgvc in Debian).  Built without sanitizers in every build: it
# runs inside the guest, and ASan does not link statically.
STATIC_SRC := $(LIB_SRC) $(filter-out src/cli/osmosis/verb_report.c,$(OSMOSIS_SRC))
STATIC_OBJ := $(STATIC_SRC:%.c=$(BUILD)/static/obj/%.o)
OSMOSIS_STATIC := $(BUILD)/bin/osmosis-static
STATIC_LDLIBS := -lcap -lexpat -lz -lm
BINS += $(OSMOSIS_STATIC)

$(BUILD)/static/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_BASE) -O2 $(CFLAGS) -c $< -o $@

$(OSMOSIS_STATIC): $(STATIC_OBJ)
	@mkdir -p $(dir $@)
	$(CC) -static -o $@ $(STATIC_OBJ) $(STATIC_LDLIBS)
# Header dependencies of the static objects (the Makefile includes only
# $(BUILD)/obj's): without them a changed struct leaves stale objects.
-include $(shell find $(BUILD)/static/obj -name '*.d' 2>/dev/null)

# Guest test programs: static too (the guest has no libc).
VM_HELPERS := $(patsubst tests/helpers/%.c,$(BUILD)/helpers/%,$(wildcard tests/helpers/vm_*.c))
BINS += $(VM_HELPERS)
$(VM_HELPERS): $(BUILD)/helpers/%: tests/helpers/%.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_BASE) -O2 $(CFLAGS) -static -o $@ $<

# Unit tests of the frame and cpio code.
TEST_EXTRA_OBJ += $(BUILD)/obj/src/extract/vm/vm_frame.o $(BUILD)/obj/src/extract/vm/vm_cpio.o
