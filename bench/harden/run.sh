#!/bin/bash
# harden benchmark (issue 15): on a 1000-PD generated state, osm_harden_rank
# against re-running the TCB once per candidate cut, in the same process; and
# `osmosis harden` end to end against the 2 s target.
set -eu
TOP=${TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
BUILD=${BUILD:-$TOP/build}
OSMOSIS=${OSMOSIS:-$BUILD/bin/osmosis}
PDS=${HARDEN_BENCH_PDS:-1000}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
make -s -C "$TOP" BUILD="$BUILD" "$BUILD/libosmosis.a" >/dev/null
cc -std=gnu11 -O2 -I"$TOP/include" -o "$work/harden_bench" "$TOP/bench/harden/harden_bench.c" \
    "$BUILD/libosmosis.a" -lm
"$OSMOSIS" gen --seed 42 --pds "$PDS" --resources $((PDS * 20)) --shared 10 --servers 8 \
    -o "$work/g.csv"
X=PD_$((PDS - 1))
"$work/harden_bench" "$work/g.csv" "$X" | tee "$work/out"
t0=$(date +%s.%N)
"$OSMOSIS" harden "$work/g.csv" "$X" >/dev/null
t1=$(date +%s.%N)
awk -v t="$(echo "$t1 - $t0" | bc)" '/RESULT/ {
    for (i = 2; i <= NF; i++) { split($i, kv, "="); r[kv[1]] = kv[2] }
    printf "\nratios:\n  harden / tcb per cut      %8.3fx  (%s)\n", r["harden"] / r["plain"],
           r["best_harden"] == r["best_plain"] ? "same best cut" : "DISAGREE"
    printf "  osmosis harden (end to end, with load) %.2f s  (target < 2 s)  %s\n", t,
           t < 2 ? "ok" : "MISSED"
}' "$work/out"
