#!/bin/bash
# The first `make demo` / `make check` on a machine without the build-time
# packages (issue 12): nothing may ask the system for an install-time fact
# (pkg-config) while make parses, and deps must run strictly before any
# compilation, even under -j2.  Proved here without removing packages:
#  1. every $(shell ...) in the Makefile and mk/*.mk only lists build outputs;
#  2. a pkg-config that logs its calls is never called by a parse (make -n),
#     and a parse with no pkg-config on PATH at all still succeeds;
#  3. a fresh machine simulated: pkg-config knows libgvc only once a fake
#     `deps` has run, and that run happens after the parse; the report object,
#     which needs Graphviz's -I flag, compiles;
#  4. under -j2, `make -n demo` and `make -n check` print the deps step
#     before the first compiler line.
source "$TOP/tests/cli/lib.sh"
case "$BUILD" in
*asan*) echo "the Makefile is checked once, on the plain build"; exit 0 ;;
esac
T=$PWD
real_pc=$(command -v pkg-config) || fail "pkg-config is not installed"

# 1. $(shell) calls at parse time: only `find $(BUILD)...` (the .d files).
bad=$(grep -n '\$(shell' "$TOP/Makefile" "$TOP"/mk/*.mk | grep -v '\$(shell find \$(BUILD)' || true)
[ -z "$bad" ] || fail "parse-time \$(shell) that is not a listing of build outputs:
$bad"

# 2. A logging pkg-config first on PATH; a parse (make -n) must not call it.
mkdir -p stub nopc
cat > stub/pkg-config <<SH
#!/bin/sh
echo "\$*" >> "$T/pc.log"
if [ ! -e "$T/installed" ]; then
    case "\$*" in *libgvc*) echo "Package libgvc was not found" >&2; exit 1 ;; esac
fi
exec "$real_pc" "\$@"
SH
chmod +x stub/pkg-config
: > pc.log
PATH="$T/stub:$PATH" make -s -n -C "$TOP" BUILD="$T/b" all > parse.out 2>&1 \
    || fail "make -n all failed: $(clip "$(cat parse.out)")"
[ ! -s pc.log ] || fail "pkg-config was called while make parsed: $(cat pc.log)"
expect_contains "$(cat parse.out)" '$(pkg-config --cflags libgvc' "make -n all (the report's compile line)"
# No pkg-config at all (a PATH of symlinks to the tools make needs, not it).
for tool in sh bash find sed cc gcc ar rm mkdir cat; do
    p=$(command -v "$tool") && ln -sf "$p" "nopc/$tool"
done
PATH="$T/nopc" "$(command -v make)" -s -n -C "$TOP" BUILD="$T/b" all > nopc.out 2>&1 \
    || fail "make -n all without pkg-config failed: $(clip "$(cat nopc.out)")"

# 3. The fresh machine: pkg-config does not know libgvc until the fake deps
# (an order-only prerequisite of the report object, so it runs after the
# parse and before the compile) "installs" it.
cat > fresh.mk <<MK
fake-deps:
	touch $T/installed
$T/b/obj/src/report/report_svg.o: | fake-deps
MK
: > pc.log
PATH="$T/stub:$PATH" make -s -C "$TOP" -f Makefile -f "$T/fresh.mk" BUILD="$T/b" \
    "$T/b/obj/src/report/report_svg.o" > fresh.out 2>&1 \
    || fail "the report did not compile once deps had run: $(clip "$(cat fresh.out)")"
[ -e installed ] || fail "the fake deps did not run"
[ -s b/obj/src/report/report_svg.o ] || fail "no report object"
expect_contains "$(cat pc.log)" "--cflags libgvc" "pkg-config calls during the build"

# 4. Order under -j2: deps (DEPS_CMD) before the first compiler line.
for goal in demo check; do
    make -n -j2 -C "$TOP" BUILD="$T/b" CHECK_BUILD="$T/b" DEPS_CMD="echo FAKE-DEPS-STEP" \
        SHARED="$SHARED" "$goal" \
        > "order.$goal" 2>&1 || fail "make -n $goal failed: $(clip "$(cat "order.$goal")")"
    deps_line=$(grep -n 'FAKE-DEPS-STEP' "order.$goal" | head -n1 | cut -d: -f1)
    cc_line=$(grep -n -E '^(cc|gcc|clang) ' "order.$goal" | head -n1 | cut -d: -f1)
    [ -n "$deps_line" ] || fail "make $goal does not run deps: $(clip "$(cat "order.$goal")")"
    [ -n "$cc_line" ] || fail "make -n $goal printed no compile line"
    [ "$deps_line" -lt "$cc_line" ] || fail "make $goal compiles (line $cc_line) before deps (line $deps_line)"
done
exit 0
