# OSmosis / CellulOS — build, test, demo, bench, fuzz, install.
#
#   make            build libosmosis.a/.so and the tools into build/
#   make demo       install missing Debian packages, build, run the main job
#   make check      the full test suite, plain and again under ASan+UBSan
#   make bench      benchmarks (not part of check)
#   make fuzz       libFuzzer targets (FUZZ_TIME seconds each, default 60)
#   make soak       1000 PD lifecycles with crashes, revocations and floods
#                   under --debug-invariants; prints the root task's figures
#   make install    PREFIX=/usr/local DESTDIR= LIBDIR=$(PREFIX)/lib
#
# Components add themselves through mk/*.mk fragments (one per component,
# owned by it) so that the core rules here stay small.

BUILD   ?= build
PREFIX  ?= /usr/local
# Libraries and osmosis.pc; a multiarch system gives e.g.
# LIBDIR=$(PREFIX)/lib/x86_64-linux-gnu.  Helpers go to LIBEXECDIR, which the
# programs find relative to themselves (../libexec/osmosis), so it follows
# PREFIX and is not a setting of its own.
LIBDIR  ?= $(PREFIX)/lib
LIBEXECDIR = $(PREFIX)/libexec/osmosis
MANDIR  ?= $(PREFIX)/share/man
COMPLETIONDIR ?= $(PREFIX)/share/bash-completion/completions
CC      ?= cc
SHARED  ?= $(abspath ../shared)
FUZZ_TIME ?= 60

WARN    := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes
CFLAGS_BASE := -std=gnu11 -D_GNU_SOURCE $(WARN) -Iinclude -g -fPIC -MMD -MP
ifeq ($(SAN),1)
  OPT     := -O1 -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
  LDSAN   := -fsanitize=address,undefined
else
  OPT     := -O2
  LDSAN   :=
endif
ALL_CFLAGS = $(CFLAGS_BASE) $(OPT) $(CFLAGS)
ALL_LDFLAGS = $(LDSAN) $(LDFLAGS)

# ---- libosmosis: model, query, format (no Linux specifics) ----------------
LIB_SRC := $(sort $(wildcard src/model/*.c src/query/*.c src/format/*.c src/format/export/*.c))
LIB_OBJ := $(LIB_SRC:%.c=$(BUILD)/obj/%.o)
LIB_A   := $(BUILD)/libosmosis.a
LIB_SO  := $(BUILD)/libosmosis.so

# ---- osmosis CLI (front end + extractors) --------------------------------
# `osmosis compare`'s view (table, legend, JSON, page) lives with the rest of
# the comparison in src/compare/ (docs/architecture.md).
COMPARE_VIEW_SRC := src/compare/compare_lists.c src/compare/compare_table.c \
                    src/compare/compare_html.c
OSMOSIS_SRC := $(sort $(wildcard src/cli/osmosis/*.c src/extract/*.c src/extract/*/*.c) \
                      $(COMPARE_VIEW_SRC))
OSMOSIS_OBJ := $(OSMOSIS_SRC:%.c=$(BUILD)/obj/%.o)
OSMOSIS     := $(BUILD)/bin/osmosis
# Libraries the extractors need; fragments append.
OSMOSIS_LDLIBS :=

# Test binaries: tests/unit/test_*.c, each linked with TEST_ARCHIVES.
TEST_SRC := $(sort $(wildcard tests/unit/test_*.c))
TEST_BIN := $(TEST_SRC:tests/unit/%.c=$(BUILD)/tests/%)
TEST_ARCHIVES := $(LIB_A)
TEST_LDLIBS := -lcmocka -lm
TEST_EXTRA_OBJ :=

# `make` alone builds everything, whatever rules the fragments define first.
.DEFAULT_GOAL := all

# What `make all` builds; fragments append.
BINS := $(LIB_A) $(LIB_SO) $(OSMOSIS) $(BUILD)/osmosis.pc

-include mk/*.mk

.PHONY: all tests check demo bench fuzz soak install clean deps
all: $(BINS)
tests: $(TEST_BIN)

$(BUILD)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -c $< -o $@

$(LIB_A): $(LIB_OBJ)
	@mkdir -p $(dir $@)
	rm -f $@ && ar rcs $@ $^

$(LIB_SO): $(LIB_OBJ)
	$(CC) -shared $(ALL_LDFLAGS) -Wl,-soname,libosmosis.so.0 -o $@ $^ -lm

$(OSMOSIS): $(OSMOSIS_OBJ) $(LIB_A)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_LDFLAGS) -o $@ $(OSMOSIS_OBJ) $(LIB_A) $(OSMOSIS_LDLIBS) -lm

$(BUILD)/tests/%: tests/unit/%.c $(TEST_ARCHIVES) $(TEST_EXTRA_OBJ)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -Isrc $(ALL_LDFLAGS) -o $@ $< $(TEST_EXTRA_OBJ) $(TEST_ARCHIVES) $(OSMOSIS_LDLIBS) $(TEST_LDLIBS)

$(BUILD)/osmosis.pc: scripts/osmosis.pc.in Makefile
	@mkdir -p $(dir $@)
	sed -e 's|@PREFIX@|$(PREFIX)|g' -e 's|@LIBDIR@|$(LIBDIR)|g' -e 's|@VERSION@|0.1.0|g' $< > $@

# What installs the build-time packages (a test replaces it with a stub).
DEPS_CMD ?= scripts/deps.sh
deps:
	@$(DEPS_CMD)

# demo, check, bench and fuzz install the packages first and only then build,
# in a sub-make of a later recipe line: a prerequisite list (`demo: deps all`)
# would not order the two under -j, and nothing may compile before the
# headers exist.  Every install-time fact (pkg-config) is read by recipes,
# never while make parses (tests/cli/test_fresh_make.sh checks both).
# The suite builds into CHECK_BUILD and CHECK_BUILD/asan (a test points it
# at a fresh folder to see the order of a first build).
CHECK_BUILD ?= build
check:
	$(MAKE) deps
	$(MAKE) all tests BUILD=$(CHECK_BUILD)
	$(MAKE) all tests BUILD=$(CHECK_BUILD)/asan SAN=1
	SHARED=$(SHARED) tests/run.sh $(CHECK_BUILD) $(CHECK_BUILD)/asan

demo:
	$(MAKE) deps
	$(MAKE) all
	@SHARED=$(SHARED) BUILD=$(BUILD) scripts/demo.sh

# Not part of check (it takes a while): every transition re-checks the
# invariants, and the root task's descriptors, memfds and resident memory
# must be back at the end (docs/reliability.md).
soak:
	$(MAKE) deps
	$(MAKE) all
	$(BUILD)/bin/cellulos run soak --debug-invariants --policy 2b 2>$(BUILD)/soak.log
	@grep -c DENIED $(BUILD)/soak.log | sed 's/^/soak: denial log lines (rate-limited): /'

bench:
	$(MAKE) deps
	$(MAKE) all
	@SHARED=$(SHARED) BUILD=$(BUILD) bench/run.sh

# libFuzzer needs clang; fuzz/fuzz_NAME.c becomes build/fuzz/fuzz_NAME.
FUZZ_SRC := $(sort $(wildcard fuzz/fuzz_*.c))
FUZZ_BIN := $(FUZZ_SRC:fuzz/%.c=build/fuzz/%)
FUZZ_LIBSRC := $(LIB_SRC) $(sort $(wildcard src/extract/*/*parse*.c))
build/fuzz/%: fuzz/%.c $(FUZZ_LIBSRC)
	@mkdir -p $(dir $@)
	clang -std=gnu11 -D_GNU_SOURCE -g -O1 -Iinclude -Isrc -fsanitize=fuzzer,address,undefined -o $@ $< $(FUZZ_LIBSRC) $(OSMOSIS_LDLIBS) -lm
fuzz:
	$(MAKE) deps
	$(MAKE) $(FUZZ_BIN)
	@FUZZ_TIME=$(FUZZ_TIME) scripts/fuzz.sh $(FUZZ_BIN)

# The commands people type go to bin; the programs they start (PD programs,
# kv-linux, the guest's static osmosis) to LIBEXECDIR.
INSTALL_CMDS    := $(OSMOSIS) $(BUILD)/bin/cellulos
INSTALL_HELPERS := $(filter-out $(INSTALL_CMDS),$(filter $(BUILD)/bin/%,$(BINS)))
install: all
	install -d $(DESTDIR)$(LIBDIR)/pkgconfig $(DESTDIR)$(PREFIX)/include/osmosis \
	    $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(LIBEXECDIR) $(DESTDIR)$(MANDIR)/man1 \
	    $(DESTDIR)$(COMPLETIONDIR)
	install -m 644 $(LIB_A) $(DESTDIR)$(LIBDIR)/
	install -m 755 $(LIB_SO) $(DESTDIR)$(LIBDIR)/libosmosis.so.0
	ln -sf libosmosis.so.0 $(DESTDIR)$(LIBDIR)/libosmosis.so
	install -m 644 include/osmosis/*.h $(DESTDIR)$(PREFIX)/include/osmosis/
	sed -e 's|@PREFIX@|$(PREFIX)|g' -e 's|@LIBDIR@|$(LIBDIR)|g' -e 's|@VERSION@|0.1.0|g' \
	    scripts/osmosis.pc.in > $(DESTDIR)$(LIBDIR)/pkgconfig/osmosis.pc
	install -m 755 $(INSTALL_CMDS) $(DESTDIR)$(PREFIX)/bin/
	install -m 755 $(INSTALL_HELPERS) $(DESTDIR)$(LIBEXECDIR)/
	install -m 644 $(MAN_PAGES) $(DESTDIR)$(MANDIR)/man1/
	install -m 644 $(COMPLETIONS) $(DESTDIR)$(COMPLETIONDIR)/

clean:
	rm -rf build

-include $(shell find $(BUILD)/obj -name '*.d' 2>/dev/null)
