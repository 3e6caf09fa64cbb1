#!/bin/bash
# cellulos run stress: 1000 worker PDs with crashes, kills and revocations,
# every invariant re-checked after every transition (--debug-invariants);
# the root task's own end checks (exit 0) include: the model is back to its
# boot state and passes the strict check, no descriptor and no memfd leaked
# (counted in /proc/self/fd), every end was reported on the fault endpoint.
source "$TOP/tests/cli/lib.sh"

expect_status 0 "$CELLULOS" run stress --debug-invariants --policy 2b
expect_contains "$out" "1000 worker PDs ended (200 crashed"
expect_contains "$out" "scenario stress: ok"
expect_not_contains "$err" "refused"
expect_not_contains "$err" "descriptors"
