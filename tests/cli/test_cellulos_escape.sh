#!/bin/bash
# cellulos run escape: a confined PD tries to get resources behind the root
# task's back; each attempt is denied and recorded, and the root task goes
# on serving it and the other PD.
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
# nothing was recorded against the well-behaved victim
expect_not_contains "$err" "DENIED PD_2"
