# Import benchmark tools (bench/import): the state generator and the timed
# reader.  Built with `make all` so `make bench` finds them in $(BUILD)/bench.
BENCH_BINS := $(BUILD)/bench/gen_big $(BUILD)/bench/bench_import
BINS += $(BENCH_BINS)

$(BUILD)/bench/gen_big: bench/import/gen_big.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $<

$(BUILD)/bench/bench_import: bench/import/bench_import.c $(LIB_A)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $< $(LIB_A) -lm
