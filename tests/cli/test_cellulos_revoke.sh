#!/bin/bash
# cellulos run revoke: after revocation a complying PD's read of the memory
# faults (checked inside the PD) and the model has no VMR for it any more; a
# PD that ignores the request is killed.  Revocation does not block the root
# task: while it waits for the stubborn PD, a witness PD's calls are served
# (the PD counts them in shared memory and checks there were some).
source "$TOP/tests/cli/lib.sh"

expect_status 0 "$CELLULOS" run revoke --debug-invariants --verbose --revoke-timeout 2000
expect_contains "$out" "revoked the MO from PD_2; its read faults"
expect_contains "$out" "PD_3 ignored the revocation and was killed"
expect_contains "$out" "calls during the revocation"
expect_contains "$out" "scenario revoke: ok"
expect_contains "$err" "DENIED PD_3 (hello.stubborn) revoke: kept revoked memory: killed"
expect_contains "$err" "PD_3 (hello.stubborn) ended with status -9"
