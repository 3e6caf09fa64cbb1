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
