# Resource servers and the key-value scenarios (docs/servers.md).
#
# libcellulos gains the server framework and the FS client (no outside
# dependencies, so every PD program may carry them).  The servers' logic,
# the SQLite VFS and the KV store go into libcelkv.a, linked (with SQLite)
# only into the programs that use them.

KV_LIB_SRC := src/cellulos/lib/server.c src/cellulos/lib/fs_client.c src/cellulos/proto/srv_proto.c
KV_LIB_OBJ := $(KV_LIB_SRC:%.c=$(BUILD)/obj-pd/%.o)
$(CEL_LIB_A): $(KV_LIB_OBJ)

CEL_KV_SRC := $(sort $(wildcard src/cellulos/servers/*.c)) src/scenarios/kv/kv.c \
              src/scenarios/kv/kv_sql.c src/scenarios/kv/sqlite_vfs.c src/scenarios/kv/workload.c
CEL_KV_OBJ := $(CEL_KV_SRC:%.c=$(BUILD)/obj-pd/%.o)
CEL_KV_A   := $(BUILD)/libcelkv.a
CEL_KV_PROGS := $(addprefix $(BUILD)/bin/cel-,ramdisk fs kvstore kvclient kvdrv)
BINS += $(CEL_KV_A)

$(CEL_KV_A): $(CEL_KV_OBJ)
	rm -f $@ && ar rcs $@ $^

$(CEL_KV_PROGS): $(BUILD)/bin/cel-%: $(BUILD)/obj-pd/src/cellulos/progs/cel_%.o $(CEL_KV_A) $(CEL_LIB_A)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $< $(CEL_KV_A) -Wl,--whole-archive $(CEL_LIB_A) -Wl,--no-whole-archive \
	    -lsqlite3 -lseccomp

# Baseline of bench/kv: the same workload on plain SQLite over tmpfs.
KV_BENCH_BASE := $(BUILD)/bench/kv-base
BINS += $(KV_BENCH_BASE)
# The SQL and the workload both sides run.
KV_SHARED_SRC := src/scenarios/kv/kv_sql.c src/scenarios/kv/workload.c
KV_SHARED_DEP := $(KV_SHARED_SRC) src/scenarios/kv/kv_sql.h src/scenarios/kv/workload.h
$(KV_BENCH_BASE): bench/kv/base.c $(KV_SHARED_DEP)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $< $(KV_SHARED_SRC) -lsqlite3

# kv-linux (src/scenarios/linux): the kv002 pair as plain Linux processes, for
# `cellulos compare --linux`.  A fixture of the comparison, built without
# sanitizers even in the ASan build (like tests/helpers: an ASan process'
# shadow mappings would swamp the extraction of its memory).
KV_LINUX := $(BUILD)/bin/kv-linux
BINS += $(KV_LINUX)
$(KV_LINUX): src/scenarios/linux/kv_linux.c $(KV_SHARED_DEP)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_BASE) -O2 $(CFLAGS) -o $@ src/scenarios/linux/kv_linux.c $(KV_SHARED_SRC) \
	    -lsqlite3
