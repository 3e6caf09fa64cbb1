#!/bin/bash
# Linux extractor benchmark (run by `make bench`):
#  1. 200 processes each holding a file, a socket pair, a pipe, /dev/null and a
#     shared memfd: `osmosis extract linux --pid ...` vs `lsof -n -P -p ...`
#     on the same processes in the same run (target: >= 10x faster).
#  2. `--pages` extraction of one process with 4 GiB of touched memory
#     (target: <= 1 s).
# Needs root (pagemap frames) and lsof.
set -u
: "${OSMOSIS:?}" "${BUILD:?}"
H=$BUILD/helpers/linux_hold
N=${LINUX_BENCH_PROCS:-200}
GIB=${LINUX_BENCH_GIB:-4}
REPS=${LINUX_BENCH_REPS:-5}
[ -x "$H" ] || { echo "linux bench: $H missing (make all)"; exit 1; }
command -v lsof >/dev/null || { echo "linux bench: lsof not installed (make deps)"; exit 1; }
tmp=$(mktemp -d)
cleanup() { [ -n "${hp:-}" ] && kill "$hp" 2>/dev/null; [ -n "${bp:-}" ] && kill "$bp" 2>/dev/null; wait 2>/dev/null; rm -rf "$tmp"; }
trap cleanup EXIT

now() { date +%s%N; }
# best_of CMD...: the fastest of REPS runs, in ms (output discarded)
best_of() {
    local best=0 t0 t1 d
    for _ in $(seq 1 "$REPS"); do
        t0=$(now); "$@" >/dev/null 2>&1; t1=$(now)
        d=$(( (t1 - t0) / 1000 ))
        if [ "$best" -eq 0 ] || [ "$d" -lt "$best" ]; then best=$d; fi
    done
    echo "$best"
}
ms() { awk -v u="$1" 'BEGIN { printf "%.1f ms", u / 1000 }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1fx", a / (b ? b : 1) }'; }

"$H" "$N" 0 >"$tmp/pids" & hp=$!
for _ in $(seq 1 400); do [ -s "$tmp/pids" ] && break; sleep 0.05; done
pids=$(cat "$tmp/pids")
[ -n "$pids" ] || { echo "linux bench: helper did not start"; exit 1; }

"$OSMOSIS" extract linux --pid "$pids" -o "$tmp/x.csv" 2>/dev/null || { echo "extract failed"; exit 1; }
nodes=$(grep -c -v '^,,' "$tmp/x.csv"); edges=$(grep -c '^,,' "$tmp/x.csv")
lsof_lines=$(lsof -n -P -p "$pids" 2>/dev/null | wc -l)
t_osm=$(best_of "$OSMOSIS" extract linux --pid "$pids" -o "$tmp/y.csv")
t_nophys=$(best_of "$OSMOSIS" extract linux --pid "$pids" --no-phys -o "$tmp/z.csv")
t_lsof=$(best_of lsof -n -P -p "$pids")
echo "$N processes ($nodes nodes, $edges edges; lsof prints $lsof_lines lines), best of $REPS:"
echo "  osmosis extract linux --pid ...            $(ms "$t_osm")"
echo "  osmosis extract linux --pid ... --no-phys  $(ms "$t_nophys")"
echo "  lsof -n -P -p ...                          $(ms "$t_lsof")"
echo "  ratio lsof / osmosis: $(ratio "$t_lsof" "$t_osm") (with frames), $(ratio "$t_lsof" "$t_nophys") (--no-phys); target >= 10x"
kill "$hp"; wait "$hp" 2>/dev/null; hp=

"$H" 1 $((GIB * 1024)) >"$tmp/big" & bp=$!
for _ in $(seq 1 1200); do [ -s "$tmp/big" ] && break; sleep 0.05; done
big=$(cat "$tmp/big")
[ -n "$big" ] || { echo "linux bench: big helper did not start"; exit 1; }
"$OSMOSIS" extract linux --pid "$big" --pages -o "$tmp/p.csv" 2>/dev/null || { echo "pages extract failed"; exit 1; }
mos=$(grep -c '^RESOURCE,MO_' "$tmp/p.csv")
R1=$REPS; REPS=3
t_pages=$(best_of "$OSMOSIS" extract linux --pid "$big" --pages -o "$tmp/p.csv")
t_runs=$(best_of "$OSMOSIS" extract linux --pid "$big" -o "$tmp/r.csv")
REPS=$R1
echo "one process with $GIB GiB touched ($mos MO pages), best of 3:"
echo "  --pages: $(ms "$t_pages") (target <= 1000 ms; $(ratio 1000000 "$t_pages") of budget headroom)"
echo "  runs:    $(ms "$t_runs")"
