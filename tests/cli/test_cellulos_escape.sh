#!/bin/bash
# cellulos run escape: a confined PD tries to get resources behind the root
# task's back, and a PD that is not the driver tries to end the scenario;
# each attempt is denied and recorded, and the root task goes on serving.
source "$TOP/tests/cli/lib.sh"

expect_status 0 "$CELLULOS" run escape --debug-invariants
expect_not_contains "$out" "NOT DENIED"
expect_not_contains "$out" "NOT SERVED"
expect_contains "$out" "victim attaches its MO                   served"
for what in "syscall openat" "syscall socket" "syscall mmap" "syscall clone" \
            "syscall ptrace" "syscall kill" "syscall execve" "badge: 0x" \
            "malformed: bad magic" "malformed: MO size out of range" \
            "malformed: short message" "oversized: oversized message"; do
    expect_contains "$err" "DENIED PD_1 (escape) $what" "denial log"
done
# exactness: what runs is what the model says (no executable MO memory, no
# thread that is not a thread PD)
expect_contains "$out" "mprotect an MO to RWX                    denied"
expect_contains "$out" "map a received memfd R|X                 denied"
expect_contains "$out" "start a thread without THREAD_CREATE     denied"
expect_contains "$err" "DENIED PD_1 (escape) syscall mprotect"
expect_contains "$err" "DENIED PD_1 (escape) syscall clone: a thread not asked for with THREAD_CREATE"
# a verdict from a PD other than the driver is refused and recorded
expect_contains "$out" "a verdict from a PD not the driver       denied"
expect_contains "$err" "(escape.forger) done: only the scenario's driver PD may report its verdict"
# a PD that floods requests and never reads the replies is stopped, and
# the root task never blocked on it (the scenario ended, the wait was answered)
expect_contains "$out" "a PD that never reads its replies        denied"
expect_contains "$err" "(escape.flood) flood: 64 replies waiting unread: stopped"
# 5000 denials in a row are all counted, but the log keeps to 20 lines a
# second for that PD and sums up the rest
expect_contains "$out" "5000 denied system calls in a row        denied"
lines=$(grep -c "(escape.spam) syscall openat" <<<"$err")
[ "$lines" -le 100 ] || fail "$lines log lines for 5000 denials (rate limit: 20 a second)"
expect_contains "$err" "(escape.spam) "
expect_contains "$err" "more denials not logged (over 20 a second)"
# nothing was recorded against the well-behaved victim
expect_not_contains "$err" "DENIED PD_2"
