#!/bin/bash
# Churn: while a helper spawns and reaps short-lived processes (1000 per
# round), 20 extractions of every process in a row all succeed, write a
# complete file (never a partial one) and say only known things on stderr.
source "$TOP/tests/cli/lib.sh"
source "$TOP/tests/cli/linux_lib.sh"

( while :; do "$HELPERS/linux_churn" 1000 || exit 1; done ) & CH=$!
LX_PIDS+=($CH)
skipped=0
for i in $(seq 1 20); do
    "$OSMOSIS" extract linux --all -o "x$i.csv" 2>"err$i" || fail "extraction $i failed: $(cat "err$i")"
    [ -s "x$i.csv" ] || fail "extraction $i wrote nothing"
    ls x$i.csv.tmp.* 2>/dev/null && fail "temporary file left behind"
    expect_status 0 "$OSMOSIS" import "x$i.csv" -o /dev/null
    # only the report's own lines on stderr (a filter is unreadable while
    # another tracer holds its process: a concurrent extraction, strace)
    if grep -v -E '^osmosis extract linux: (skipped [0-9]+ processes that exited during the scan|could not read the (memory maps|descriptors|page maps|seccomp filters) of [0-9]+ processes.*)$' "err$i"; then
        fail "unexpected stderr in extraction $i"
    fi
    grep -q 'exited during the scan' "err$i" && skipped=$((skipped + 1))
    tail -c 1 "x$i.csv" | od -c | grep -q '\\n' || fail "extraction $i does not end with a newline"
done
kill -0 "$CH" 2>/dev/null || fail "the churn helper died"
expect_status 0 "$OSMOSIS" check x20.csv
echo "ok ($skipped of 20 extractions reported processes that exited mid-scan)"
