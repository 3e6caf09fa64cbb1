# Linux extractor (src/extract/linux): libcap for capability names, pthreads (parallel gather), test
# helpers under tests/helpers/ (real processes for tests/cli/test_linux_*.sh).
OSMOSIS_LDLIBS += -lcap -lpthread

LINUX_HELPERS := $(patsubst tests/helpers/%.c,$(BUILD)/helpers/%,$(wildcard tests/helpers/linux_*.c))
BINS += $(LINUX_HELPERS)

# Helpers are fixtures, built without sanitizers even in the ASan build: an
# ASan process has terabytes of shadow mappings that the ground-truth
# pagemap reader would walk page by page.
$(BUILD)/helpers/%: tests/helpers/%.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_BASE) -O2 $(CFLAGS) -o $@ $< $(OSMOSIS_LDLIBS) -lseccomp

# The /proc parsers are pure (no I/O, no store): unit tests link them directly.
TEST_EXTRA_OBJ += $(patsubst %.c,$(BUILD)/obj/%.o,$(wildcard src/extract/linux/procparse*.c))

# The /proc floor of the Linux bench (bench/linux/run.sh): plain -O2 like
# the helpers, whatever the build.
BINS += $(BUILD)/bench/procfloor
$(BUILD)/bench/procfloor: bench/linux/procfloor.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_BASE) -O2 $(CFLAGS) -o $@ $<

# The BPF source (--source bpf): scripts/gen-bpf.sh builds the iterators
# and their skeleton into $(BUILD)/gen when the machine has BTF, else a
# stub that compiles the BPF source out.  Whether libbpf is linked is
# decided by that recipe ($$: read when linking, not when make parses).
LX_BPF_GEN := $(BUILD)/gen/lx_iter_gen.h
$(LX_BPF_GEN): scripts/gen-bpf.sh src/extract/linux/bpf/lx_iter.bpf.c src/extract/linux/bpf/lx_rec.h
	scripts/gen-bpf.sh $(BUILD)/gen src/extract/linux/bpf/lx_iter.bpf.c
$(BUILD)/obj/src/extract/linux/linux_bpf.o: $(LX_BPF_GEN)
$(BUILD)/obj/src/extract/linux/linux_bpf.o: CFLAGS += -isystem $(BUILD)/gen
OSMOSIS_LDLIBS += $$(cat $(BUILD)/gen/lx_bpf.libs 2>/dev/null)
# osmosis-static (mk/vm.mk) runs in a guest with no libbpf: no BPF source.
$(BUILD)/static/obj/src/extract/linux/linux_bpf.o: CFLAGS += -DOSM_LX_NO_BPF

# The BPF floor of the Linux bench: the iterators alone (bench/linux/bpffloor.c).
BINS += $(BUILD)/bench/bpffloor
$(BUILD)/bench/bpffloor: bench/linux/bpffloor.c $(LX_BPF_GEN)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_BASE) -O2 $(CFLAGS) -isystem $(BUILD)/gen -o $@ $< $$(cat $(BUILD)/gen/lx_bpf.libs)
