#!/bin/bash
# SQLite over the CellulOS FS server over the ramdisk server (kv001: the
# store as a library in the client PD) against plain SQLite on tmpfs, for
# the same workload (N puts in transactions of 100, N verified gets, N/10
# deletes, N gets), timed the same way (the workload only, database open).
set -u
BUILD=${BUILD:-build}
N=${KV_BENCH_N:-10000}
dir=$(mktemp -d /dev/shm/kv-bench.XXXXXX 2>/dev/null || mktemp -d)
trap 'rm -rf "$dir"' EXIT
best() { sort -n | head -1; }
cel=$(for i in 1 2 3; do
    # one CPU for the root task and its PDs, as in bench/cellulos (wake-ups)
    CEL_KV_TIMING=1 taskset -c 0 "$BUILD/bin/cellulos" run kv001 2>/dev/null | sed -n 's/^kv_workload_ns //p'
done | best)
base=$(for i in 1 2 3; do "$BUILD/bench/kv-base" "$dir" "$N" | sed -n 's/^kv_workload_ns //p'; done | best)
if [ -z "$cel" ] || [ -z "$base" ]; then
    echo "kv bench: a measurement failed" >&2
    exit 1
fi
ms() { awk -v a="$1" 'BEGIN { printf "%.1f ms", a / 1e6 }'; }
printf '%-40s %12s %12s %7s\n' "measurement (best of 3)" "cellulos" "tmpfs" "ratio"
printf '%-40s %12s %12s %7s\n' "kv workload, $N keys (kv001)" "$(ms "$cel")" "$(ms "$base")" \
    "$(awk -v a="$cel" -v b="$base" 'BEGIN { printf "%.2fx", a / b }')"
