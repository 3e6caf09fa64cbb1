#!/bin/bash
# Linux extractor benchmark (run by `make bench`):
#  1. 200 processes each holding a file, a socket pair, a pipe, /dev/null and a
#     shared memfd: `osmosis extract linux --pid ...` vs `lsof -n -P -p ...`
#     on the same processes in the same run (target: >= 10x faster).  Both
#     write their output to /dev/null (osmosis with `-o -`); osmosis writing
#     a file is timed too.  osmosis gathers with one thread per CPU; the
#     serial scan (OSMOSIS_LX_WORKERS=1) is timed too.
#     The /proc floor: build/bench/procfloor (bench/linux/procfloor.c) makes
#     only the /proc system calls the extractor makes for those processes
#     (no parsing, no model, no output, one thread).  lsof/floor says how far
#     /proc itself lets any single-threaded tool go; osmosis/floor is what
#     osmosis spends beyond reading /proc.
#  2. `--pages` extraction of one process with 4 GiB of touched memory
#     (target: <= 1 s).
#  3. The BPF source (--source bpf, iterators pinned in a bpffs mounted for
#     the bench) on 200 and on 2000 such processes (LINUX_BENCH_BPF_PROCS):
#     vs `lsof -n -P -p ...` (target >= 10x) and vs the BPF floor
#     (build/bench/bpffloor: the two iterators run and their bytes
#     discarded, no /proc, no model; target osmosis/floor <= 1.5x).  The
#     first (loading, pinning) run is timed once on its own.
# Needs root (pagemap frames) and lsof.
set -u
: "${OSMOSIS:?}" "${BUILD:?}"
H=$BUILD/helpers/linux_hold
FLOOR=$BUILD/bench/procfloor
N=${LINUX_BENCH_PROCS:-200}
GIB=${LINUX_BENCH_GIB:-4}
REPS=${LINUX_BENCH_REPS:-5}
[ -x "$H" ] && [ -x "$FLOOR" ] || { echo "linux bench: $H or $FLOOR missing (make all)"; exit 1; }
command -v lsof >/dev/null || { echo "linux bench: lsof not installed (make deps)"; exit 1; }
tmp=$(mktemp -d)
cleanup() {
    [ -n "${hp:-}" ] && kill "$hp" 2>/dev/null; [ -n "${bp:-}" ] && kill "$bp" 2>/dev/null
    wait 2>/dev/null
    mountpoint -q "$tmp/bpffs" 2>/dev/null && umount "$tmp/bpffs"
    rm -rf "$tmp"
}
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
X=("$OSMOSIS" extract linux --pid "$pids")
t_osm=$(best_of "${X[@]}" -o -)
t_nophys=$(best_of "${X[@]}" --no-phys -o -)
t_osm1=$(best_of env OSMOSIS_LX_WORKERS=1 "${X[@]}" -o -)
t_nophys1=$(best_of env OSMOSIS_LX_WORKERS=1 "${X[@]}" --no-phys -o -)
t_file=$(best_of "${X[@]}" -o "$tmp/y.csv")
t_lsof=$(best_of lsof -n -P -p "$pids")
t_floor=$(best_of "$FLOOR" --frames "$pids")
t_floor_np=$(best_of "$FLOOR" "$pids")
workers=$(nproc); [ "$workers" -gt 8 ] && workers=8
echo "$N processes ($nodes nodes, $edges edges; lsof prints $lsof_lines lines), best of $REPS:"
echo "  osmosis extract linux --pid ... -o -                 $(ms "$t_osm") ($workers threads)"
echo "  osmosis extract linux --pid ... --no-phys -o -       $(ms "$t_nophys")"
echo "  the same with OSMOSIS_LX_WORKERS=1 (serial scan)     $(ms "$t_osm1"), $(ms "$t_nophys1") --no-phys"
echo "  osmosis extract linux --pid ... -o FILE (replaced)   $(ms "$t_file")"
echo "  lsof -n -P -p ...                                    $(ms "$t_lsof")"
echo "  /proc floor (procfloor --frames / without frames)    $(ms "$t_floor") / $(ms "$t_floor_np")"
echo "  ratio lsof / osmosis: $(ratio "$t_lsof" "$t_osm") (with frames), $(ratio "$t_lsof" "$t_nophys") (--no-phys); target >= 10x"
echo "  ratio osmosis / floor: $(ratio "$t_osm" "$t_floor") (with frames), $(ratio "$t_nophys" "$t_floor_np") (--no-phys); serial: $(ratio "$t_osm1" "$t_floor"), $(ratio "$t_nophys1" "$t_floor_np")"
echo "  ratio lsof / floor: $(ratio "$t_lsof" "$t_floor_np") (the most a one-thread /proc reader could beat lsof by)"
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
kill "$bp"; wait "$bp" 2>/dev/null; bp=

# 3. the BPF source
BPFFLOOR=$BUILD/bench/bpffloor
mkdir "$tmp/bpffs"
if ! "$BPFFLOOR" >/dev/null 2>"$tmp/floor.err"; then
    echo "BPF source: skipped ($(cat "$tmp/floor.err"))"
    exit 0
fi
mount -t bpf bpf "$tmp/bpffs" || { echo "BPF source: skipped (cannot mount a bpffs)"; exit 0; }
export OSMOSIS_BPF_PIN=$tmp/bpffs
for n in ${LINUX_BENCH_BPF_PROCS:-200 2000}; do
    rm -f "$tmp/pids"
    "$H" "$n" 0 >"$tmp/pids" & hp=$!
    for _ in $(seq 1 1200); do [ -s "$tmp/pids" ] && break; sleep 0.05; done
    pids=$(cat "$tmp/pids")
    [ -n "$pids" ] || { echo "linux bench: helper did not start ($n)"; exit 1; }
    rm -f "$tmp/bpffs"/osmosis_*            # the first run loads and pins
    X=("$OSMOSIS" extract linux --pid "$pids")
    t0=$(now); "${X[@]}" --source bpf -o - >/dev/null 2>&1 || { echo "bpf extract failed"; exit 1; }
    t_cold=$(( ($(now) - t0) / 1000 ))
    fallbacks=$("${X[@]}" --source bpf --no-phys --verbose -o - 2>&1 >/dev/null |
                sed -n 's/.*: \([0-9]*\) maps or descriptor tables read from .*/\1/p')
    t_bpf=$(best_of "${X[@]}" --source bpf -o -)
    t_bpf_np=$(best_of "${X[@]}" --source bpf --no-phys -o -)
    t_proc_np=$(best_of "${X[@]}" --source proc --no-phys -o -)
    t_lsof=$(best_of lsof -n -P -p "$pids")
    t_bfloor=$(best_of "$BPFFLOOR")
    echo "$n processes, BPF source (iterators pinned; ${fallbacks:-?} maps/fd tables still read from /proc), best of $REPS:"
    echo "  osmosis --source bpf -o -                            $(ms "$t_bpf") (first run, loading: $(ms "$t_cold"))"
    echo "  osmosis --source bpf --no-phys -o -                  $(ms "$t_bpf_np") (--source proc: $(ms "$t_proc_np"))"
    echo "  lsof -n -P -p ...                                    $(ms "$t_lsof")"
    echo "  BPF floor (bpffloor: the iterators alone)            $(ms "$t_bfloor")"
    echo "  ratio lsof / osmosis bpf: $(ratio "$t_lsof" "$t_bpf") (with frames), $(ratio "$t_lsof" "$t_bpf_np") (--no-phys); target >= 10x"
    echo "  ratio osmosis bpf / BPF floor: $(ratio "$t_bpf" "$t_bfloor") (with frames), $(ratio "$t_bpf_np" "$t_bfloor") (--no-phys); target <= 1.5x"
    echo "  ratio proc / bpf (--no-phys): $(ratio "$t_proc_np" "$t_bpf_np")"
    kill "$hp"; wait "$hp" 2>/dev/null; hp=
done
