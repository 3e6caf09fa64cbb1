#!/bin/bash
# Run every test binary and CLI test against each build directory given
# (e.g. `tests/run.sh build build/asan`).  Prints one line per test and the
# summary line "N passed, N failed".  Exit 1 if anything failed.
#
# Environment for CLI tests: OSMOSIS, CELLULOS (binaries), BUILD, SHARED
# (../shared), TOP (repo root), TMPDIR (a fresh scratch folder per test).
set -u
TOP=$(cd "$(dirname "$0")/.." && pwd)
export TOP
export SHARED=${SHARED:-$(cd "$TOP/../shared" 2>/dev/null && pwd)}
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
# hang_snapshot PID: the processes below PID with their state and wait
# channel, and a backtrace of each one that is ours (gdb, when there).
hang_snapshot() {
    local pids p
    pids=$(ps -e -o pid=,ppid= | awk -v root="$1" '
        { parent[$1] = $2 }
        END { for (p in parent) { q = p; while (q in parent && q != root && q > 1) q = parent[q]
                                  if (q == root) print p } }')
    echo "still running after 590 s:"
    # shellcheck disable=SC2086
    [ -n "$pids" ] && ps -o pid,ppid,stat,wchan:32,etime,args -p "$(echo $pids | tr ' ' ,)"
    for p in $pids; do
        case $(cat "/proc/$p/comm" 2>/dev/null) in cellulos|cel-*|osmosis|kv-*) ;; *) continue ;; esac
        echo "--- $p $(cat "/proc/$p/comm" 2>/dev/null): kernel stack"
        cat "/proc/$p/stack" 2>/dev/null | head -n 12
        command -v gdb >/dev/null &&
            timeout 20 gdb -p "$p" -batch -ex 'thread apply all bt 12' 2>/dev/null | grep '^#' | head -n 30
    done
}
pass=0
fail=0
failed=()
logdir=$(mktemp -d)
for build in "$@"; do
    case $build in /*) export BUILD=$build ;; *) export BUILD="$TOP/$build" ;; esac
    export OSMOSIS="$BUILD/bin/osmosis" CELLULOS="$BUILD/bin/cellulos"
    tests=()
    for t in "$BUILD"/tests/test_*; do [ -x "$t" ] && tests+=("$t"); done
    for t in "$TOP"/tests/cli/test_*.sh; do [ -f "$t" ] && tests+=("$t"); done
    for t in "${tests[@]}"; do
        name="$(basename "$t") [$build]"
        log="$logdir/$(basename "$t").$(echo "$build" | tr / _).log"
        scratch=$(mktemp -d)
        start=$SECONDS
        (cd "$scratch" && TMPDIR="$scratch" timeout 600 "$t") >"$log" 2>&1 &
        runner=$!
        # A hang must leave evidence: just before the timeout, record what
        # every process of the test is waiting on.  The watchdog holds none
        # of our output descriptors (a caller reading our output to its end
        # must not wait for it) and sleeps in short steps, so what is left
        # of it after the kill ends within 5 s.
        (exec </dev/null >/dev/null 2>&1
         for _ in $(seq 1 118); do sleep 5; kill -0 "$runner" 2>/dev/null || exit 0; done
         hang_snapshot "$runner" >"$log.hang" 2>&1) &
        dog=$!
        wait "$runner"
        rc=$?
        kill "$dog" 2>/dev/null
        took=$((SECONDS - start))
        if [ "$rc" -eq 0 ]; then
            pass=$((pass + 1))
            echo "PASS  $name (${took}s)"
        else
            fail=$((fail + 1))
            failed+=("$name")
            why="exit $rc"
            [ "$rc" -eq 124 ] && why="timed out after 600s"
            [ "$rc" -gt 128 ] && [ "$rc" -ne 124 ] && why="killed by signal $((rc - 128))"
            echo "FAIL  $name ($why, ${took}s)"
            sed -e 's/^/      | /' "$log" | tail -n 40
            [ -s "$log.hang" ] && sed -e 's/^/      # /' "$log.hang" | head -n 150
        fi
        rm -rf "$scratch"
    done
done
rm -rf "$logdir"
echo
[ "$fail" -gt 0 ] && printf 'failed: %s\n' "${failed[@]}"
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
