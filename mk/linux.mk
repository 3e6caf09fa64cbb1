# Linux extractor (src/extract/linux): libcap for capability names, test
# helpers under tests/helpers/ (real processes for tests/cli/test_linux_*.sh).
OSMOSIS_LDLIBS += -lcap

LINUX_HELPERS := $(patsubst tests/helpers/%.c,$(BUILD)/helpers/%,$(wildcard tests/helpers/linux_*.c))
BINS += $(LINUX_HELPERS)

$(BUILD)/helpers/%: tests/helpers/%.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $< $(OSMOSIS_LDLIBS)
