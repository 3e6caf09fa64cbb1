# Query engine: the benchmark driver (needs libigraph-dev; built on demand by
# bench/query/run.sh, not by `make all`).
QUERY_BENCH := $(BUILD)/bench/query_bench
$(QUERY_BENCH): bench/query/query_bench.c $(LIB_A)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $$(pkg-config --cflags igraph) $(ALL_LDFLAGS) -o $@ $< $(LIB_A) $$(pkg-config --libs igraph) -lm
.PHONY: query-bench
query-bench: $(QUERY_BENCH)
