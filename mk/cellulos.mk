# CellulOS: the root task (build/bin/cellulos), libcellulos and the PD
# programs (build/bin/cel-*).
#
# PD programs and libcellulos are always built without sanitizers: a PD runs
# under a seccomp filter that denies anonymous mmap, clone and ptrace, which
# the ASan/LSan runtimes need.  The root task (and every test) does get the
# sanitizer build.

# The root task (src/cellulos/root, its objects, the wire protocol and the
# platform layer), then what drives it: the scenarios, the comparison of
# systems and the `cellulos` front end (docs/architecture.md).
CEL_ROOT_SRC := $(sort $(wildcard src/cellulos/root/*.c src/cellulos/root/objects/*.c \
                                  src/cellulos/proto/*.c src/cellulos/platform/*.c))
CEL_APP_SRC  := $(sort $(wildcard src/scenarios/*.c src/scenarios/mechanisms/*.c) \
                       $(filter-out $(COMPARE_VIEW_SRC),$(wildcard src/compare/*.c)))
CEL_MAIN_SRC := src/cli/cellulos/main.c
CEL_ROOT_OBJ := $(patsubst %.c,$(BUILD)/obj/%.o,$(CEL_ROOT_SRC) $(CEL_APP_SRC) $(CEL_MAIN_SRC))
CELLULOS     := $(BUILD)/bin/cellulos

# libcellulos: plain flags, its own object directory.
CEL_PD_CFLAGS := $(CFLAGS_BASE) -O2 $(CFLAGS)
CEL_LIB_SRC := $(sort $(wildcard src/cellulos/lib/*.c)) src/cellulos/platform/platform_linux.c \
               src/cellulos/proto/proto.c
CEL_LIB_OBJ := $(CEL_LIB_SRC:%.c=$(BUILD)/obj-pd/%.o)
CEL_LIB_A   := $(BUILD)/libcellulos.a
CEL_PROGS   := $(patsubst src/cellulos/progs/cel_%.c,$(BUILD)/bin/cel-%,$(sort $(wildcard src/cellulos/progs/cel_*.c)))
CEL_PROGS   := $(subst _,-,$(CEL_PROGS))

BINS += $(CELLULOS) $(CEL_LIB_A) $(CEL_PROGS)
# Unit tests reach the root task through an archive of the objects of
# `cellulos` (all but main), placed before libosmosis, which it needs.
CEL_ROOT_A := $(BUILD)/libcelroot.a
TEST_ARCHIVES := $(CEL_ROOT_A) $(TEST_ARCHIVES)
TEST_LDLIBS += -lseccomp

$(CEL_ROOT_A): $(filter-out $(BUILD)/obj/src/cli/cellulos/main.o,$(CEL_ROOT_OBJ))
	rm -f $@ && ar rcs $@ $^

$(CELLULOS): $(CEL_ROOT_OBJ) $(CEL_EXTRA_OBJ) $(LIB_A)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_LDFLAGS) -o $@ $(CEL_ROOT_OBJ) $(CEL_EXTRA_OBJ) $(LIB_A) -lseccomp -lm $(CEL_EXTRA_LDLIBS)

$(BUILD)/obj-pd/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CEL_PD_CFLAGS) -c $< -o $@

$(CEL_LIB_A): $(CEL_LIB_OBJ)
	rm -f $@ && ar rcs $@ $^

# The constructor lives in client.o: --whole-archive keeps it even in a
# program that calls nothing else.
$(BUILD)/bin/cel-%: $(BUILD)/obj-pd/src/cellulos/progs/cel_%.o $(CEL_LIB_A)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $< -Wl,--whole-archive $(CEL_LIB_A) -Wl,--no-whole-archive -lseccomp

-include $(shell find $(BUILD)/obj-pd -name '*.d' 2>/dev/null)

# Baselines of bench/cellulos (root-side code, so it links the root archive).
CEL_BENCH_BASE := $(BUILD)/bench/cel-bench-base
BINS += $(CEL_BENCH_BASE)
$(CEL_BENCH_BASE): bench/cellulos/base.c $(CEL_ROOT_A) $(LIB_A)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -Isrc $(ALL_LDFLAGS) -o $@ $< $(CEL_ROOT_A) $(LIB_A) -lseccomp -lm

# libFuzzer target of the message validation: it needs proto.c and the
# platform's receive path (not in LIB_SRC), so it has its own rule.
CEL_PROTO_FUZZ_SRC := src/cellulos/proto/proto.c src/cellulos/proto/srv_proto.c \
                      src/cellulos/platform/platform_linux.c
build/fuzz/fuzz_cellulos_proto: fuzz/fuzz_cellulos_proto.c $(CEL_PROTO_FUZZ_SRC) src/cellulos/proto/proto.h
	@mkdir -p $(dir $@)
	clang -std=gnu11 -D_GNU_SOURCE -g -O1 -Iinclude -Isrc -fsanitize=fuzzer,address,undefined \
	    -o $@ fuzz/fuzz_cellulos_proto.c $(CEL_PROTO_FUZZ_SRC) -lseccomp

# libFuzzer target of the root task's handlers and dump socket through its
# event loop: the root task's own sources (never the scenarios) and libosmosis.
build/fuzz/fuzz_cellulos_root: fuzz/fuzz_cellulos_root.c $(CEL_ROOT_SRC) $(LIB_SRC)
	@mkdir -p $(dir $@)
	clang -std=gnu11 -D_GNU_SOURCE -g -O1 -Iinclude -Isrc -fsanitize=fuzzer,address,undefined \
	    -o $@ fuzz/fuzz_cellulos_root.c $(CEL_ROOT_SRC) $(LIB_SRC) -lseccomp -lm

# The allocator must not have malloc+memset folded into a call to calloc
# (itself).
$(BUILD)/obj-pd/src/cellulos/lib/heap.o: CEL_PD_CFLAGS += -fno-builtin
