#!/bin/bash
# osmosis report without a browser: options, errors, no partial output.
source "$TOP/tests/cli/lib.sh"
# Graphviz and the font stack keep per-process caches that LeakSanitizer
# would report under the ASan build; tests/cli/graphviz.supp names them.
export ASAN_OPTIONS="${ASAN_OPTIONS:-}:fast_unwind_on_malloc=0"
export LSAN_OPTIONS="suppressions=$TOP/tests/cli/graphviz.supp${LSAN_OPTIONS:+:$LSAN_OPTIONS}"

expect_status 0 "$OSMOSIS" report "$GPIKV"
[ -s report.html ] || fail "default output report.html missing"
expect_status 0 "$OSMOSIS" report "$GPIKV" -o a.html
expect_status 0 "$OSMOSIS" report "$GPIKV" -o b.html
cmp -s a.html b.html || fail "report is not byte-stable"
expect_eq "$(grep -c '<svg' a.html)" 5 "one picture per PD"

expect_status 0 "$OSMOSIS" report "$GPIKV" --types MO,VMR --mode W --property I -o t.html
expect_contains "$(cat t.html)" "view: integrity (I)"
expect_contains "$(cat t.html)" "resource types: MO,VMR"

expect_status 2 "$OSMOSIS" report "$GPIKV" --pd PD_99 -o x.html
expect_contains "$err" "PD_99"
expect_status 2 "$OSMOSIS" report "$GPIKV" --pd MO_4_5 -o x.html
expect_contains "$err" "not a PD"
expect_status 2 "$OSMOSIS" report "$GPIKV" --types NOPE -o x.html
expect_contains "$err" "NOPE"
expect_status 2 "$OSMOSIS" report "$GPIKV" --mode Q -o x.html
expect_status 2 "$OSMOSIS" report "$GPIKV" --property Z -o x.html
expect_status 2 "$OSMOSIS" report missing.csv -o x.html
expect_status 2 "$OSMOSIS" report "$GPIKV" -o /nonexistent/x.html
expect_contains "$err" "/nonexistent/x.html"
[ -e x.html ] && fail "partial report left behind"
expect_eq "$(ls -A | grep -c '\.tmp\.')" 0 "temporary files left behind"
expect_status 0 "$OSMOSIS" report --help
expect_contains "$out" "--no-collapse"
exit 0
