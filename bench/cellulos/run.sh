#!/bin/bash
# CellulOS benchmarks, each against a baseline measured in the same run:
#   null RPC to the root task      vs a raw SEQPACKET ping-pong   (target <= 1.5x)
#   MO alloc + attach              vs memfd_create+ftruncate+mmap (target <= 3x)
#   PD spawn (create, HELLO, exit, wait) vs fork+exec+wait of the same binary (<= 2x)
#   dump of a ~100k-node state into a memfd                          (<= 50 ms)
set -u
# Root task and PDs share one CPU (taskset), as do both sides of the baseline:
# on an idle 2-core VM a cross-CPU wake-up can cost 20-70 us, which would
# measure the idle states of the machine rather than the IPC path.
BUILD=${BUILD:-build}
N=${CEL_BENCH_N:-20000}
cel=$(taskset -c 0 "$BUILD/bin/cellulos" run bench 2>&1 <<<"" | sed -n 's/^\([a-z0-9_]*\) \([0-9]*\)$/\1=\2/p') || true
base=$(taskset -c 0 "$BUILD/bench/cel-bench-base" "$N" "$BUILD/bin/cel-bench" | sed -n 's/^\([a-z0-9_]*\) \([0-9]*\)$/\1=\2/p')
eval "$cel"
eval "$base"
if [ -z "${null_rpc:-}" ] || [ -z "${pingpong:-}" ]; then
    echo "cellulos bench: a measurement failed" >&2
    exit 1
fi
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
us() { awk -v a="$1" 'BEGIN { printf "%.1f us", a / 1000 }'; }
printf '%-28s %12s %12s %7s %s\n' "measurement" "cellulos" "baseline" "ratio" "target"
printf '%-28s %12s %12s %7s %s\n' "null RPC" "$(us "$null_rpc")" "$(us "$pingpong")" \
    "$(ratio "$null_rpc" "$pingpong")x" "<= 1.5x"
printf '%-28s %12s %12s %7s %s\n' "MO alloc+attach" "$(us "$mo_alloc_attach")" "$(us "$memfd_map")" \
    "$(ratio "$mo_alloc_attach" "$memfd_map")x" "<= 3x"
printf '%-28s %12s %12s %7s %s\n' "PD spawn" "$(us "$pd_spawn")" "$(us "$fork_exec")" \
    "$(ratio "$pd_spawn" "$fork_exec")x" "<= 2x"
printf '%-28s %12s %12s %7s %s\n' "dump of 100k nodes" \
    "$(awk -v a="$dump_100k" 'BEGIN { printf "%.1f ms", a / 1e6 }')" "-" "-" "<= 50 ms"
printf '%-28s %12s\n' "(MO alloc+attach+detach+free)" "$(us "$mo_alloc_attach_detach_free")"
