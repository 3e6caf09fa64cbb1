#!/bin/bash
# Query engine benchmark (issue 3).  On one generated state of about 10M
# edges, in one run: one TCB, TCB + IB for every PD, RSI + FR for a pair,
# against one plain igraph BFS over the whole graph (the floor).  networkx
# cannot hold 10M edges in reasonable time and memory, so it runs the same
# queries on a smaller generated state and we compare time per edge.
# QUERY_BENCH_RESOURCES / QUERY_BENCH_PDS shrink the big state for a quick run.
set -eu
TOP=${TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
BUILD=${BUILD:-$TOP/build}
OSMOSIS=${OSMOSIS:-$BUILD/bin/osmosis}
RES=${QUERY_BENCH_RESOURCES:-3300000}
PDS=${QUERY_BENCH_PDS:-2000}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
make -s -C "$TOP" BUILD="$BUILD" "$BUILD/bench/query_bench" >/dev/null
"$OSMOSIS" gen --seed 42 --pds "$PDS" --resources "$RES" -o "$work/big.csv"
X=PD_$((PDS - 1)); Y=PD_$((PDS - 2))
"$BUILD/bench/query_bench" "$work/big.csv" "$X" "$Y" | tee "$work/c.out"

# networkx on a small state, answers checked against osmosis on that state.
"$OSMOSIS" gen --seed 42 --pds 100 --resources 20000 -o "$work/small.csv"
/usr/bin/python3 "$TOP/bench/query/nx_bench.py" "$work/small.csv" PD_99 PD_98 > "$work/nx.out"
want=$("$OSMOSIS" tcb "$work/small.csv" PD_99 --json | sed 's/.*"result"://; s/}$//')
got=$(head -1 "$work/nx.out" | tr -d ' ')
[ "$want" = "$got" ] || { echo "networkx and osmosis disagree on TCB(PD_99): $got vs $want"; exit 1; }
echo "networkx agrees with osmosis on TCB(PD_99) of the small state"
"$BUILD/bench/query_bench" "$work/small.csv" PD_99 PD_98 > "$work/cs.out"
cat "$work/c.out" "$work/nx.out" "$work/cs.out" | grep RESULT | sed 's/.*RESULT //' > "$work/res"
awk '
NR == 1 { for (i = 1; i <= NF; i++) { split($i, kv, "="); c[kv[1]] = kv[2] } }
NR == 2 { for (i = 1; i <= NF; i++) { split($i, kv, "="); n[kv[1]] = kv[2] } }
NR == 3 { for (i = 1; i <= NF; i++) { split($i, kv, "="); s[kv[1]] = kv[2] } }
END {
    printf "\nratios (big state: %d edges; networkx vs osmosis on the same %d-edge state):\n", c["edges"], n["edges"]
    printf "  one TCB        / igraph BFS   %8.2fx  (target <= 1.5x)  %s\n", c["tcb"] / c["bfs"], (c["tcb"] / c["bfs"] <= 1.5 ? "ok" : "MISSED")
    printf "  all TCB+IB     / igraph BFS   %8.2fx  (target <= 20x)   %s\n", c["all"] / c["bfs"], (c["all"] / c["bfs"] <= 20 ? "ok" : "MISSED")
    split("tcb all pair", ks, " ")
    for (i = 1; i <= 3; i++) {
        k = ks[i]
        sp = n[k] / s[k]
        printf "  networkx / osmosis, %-4s       %8.0fx  (target >= 100x) %s\n", k, sp, (sp >= 100 ? "ok" : "MISSED")
    }
    printf "  (pair = RSI for every type; FR has no networkx counterpart here)\n"
}' "$work/res"
