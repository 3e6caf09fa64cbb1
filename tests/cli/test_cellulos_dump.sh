#!/bin/bash
# cellulos serve / cellulos dump: the state of a running root task, with a
# live PD that attached an MO, as CellulOS CSV that passes the strict check.
source "$TOP/tests/cli/lib.sh"

sock="$TMPDIR/cellulos.sock"
"$CELLULOS" serve --socket "$sock" --start cel-hello:idle --debug-invariants 2>serve.err &
pid=$!
trap 'kill $pid 2>/dev/null' EXIT
# wait until the PD has attached its MO (the root task reports it as it happens)
for _ in $(seq 300); do
    "$CELLULOS" dump --socket "$sock" >state.csv 2>/dev/null && grep -q ',MAP,VMR_' state.csv && break
    sleep 0.1
done
expect_status 0 "$CELLULOS" dump --socket "$sock"
expect_contains "$out" "PD,PD_1,hello.idle,"
expect_contains "$out" ",,RW,MAP,VMR_"
expect_contains "$out" ",,RW,HOLD,PD_1,MO_1_1,"
echo "$out" >state.csv
expect_status 0 "$OSMOSIS" check --strict state.csv
kill -TERM $pid
wait $pid
expect_eq "$?" 0 "serve exit status"
trap - EXIT
# nobody serves any more
expect_status 2 "$CELLULOS" dump --socket "$sock"
expect_contains "$err" "no root task answers"
expect_status 2 "$CELLULOS" dump --bogus
