#!/bin/bash
# cellulos run threads: two thread PDs run in their creator's process; the
# dump shows them holding the creator's very ADS (and each its own VCPU),
# passes `osmosis check --strict`, and the processing split leaves them whole;
# a thread's fault ends its whole process (and the thread PD with it).
source "$TOP/tests/cli/lib.sh"

expect_status 0 "$CELLULOS" run threads --dump state.csv --debug-invariants --verbose
expect_contains "$out" 'PD_1 read "written by PD_2" in place'
expect_contains "$out" 'PD_1 read "written by PD_3" in place'
expect_contains "$out" "scenario threads: ok"
# a fault in a thread killed its process: both PDs ended with SIGSEGV
expect_contains "$err" "PD_4 (threads.crasher) ended with status -11"
expect_contains "$err" "PD_5 (threads.crasher.thread) ended with status -11"
# the live threads ended by returning, and their PD with them
expect_contains "$err" "PD_2 (threads.thread) thread exit 40"
expect_contains "$err" "PD_3 (threads.thread) thread exit 41"
expect_contains "$err" "PD_1 (threads) ended with status 0"
# each thread tried to open a file: denied, and recorded against the thread PD;
# creating threads is no escape attempt (clone for a thread is allowed, clone3
# fails unrecorded)
expect_contains "$err" "DENIED PD_2 (threads.thread) syscall openat"
expect_contains "$err" "DENIED PD_3 (threads.thread) syscall openat"
expect_contains "$out" "(2 denial(s) recorded)"
case "$err" in *"syscall clone"*) fail "thread creation was recorded as denied" ;; esac
expect_status 0 "$OSMOSIS" check --strict state.csv
expect_status 0 "$OSMOSIS" check --strict --process state.csv

# PD_1's address space is held by both thread PDs, and by nobody else but the root
ads=$(grep '^,,RW,HOLD,PD_1,ADS_SPACE_' state.csv | cut -d, -f6)
[ -n "$ads" ] || fail "PD_1 holds no ADS"
expect_eq "$(grep -c "^,,RW,HOLD,PD_[0-9]*,$ads,\$" state.csv)" 3 "holders of $ads"
expect_eq "$(grep -c '^PD,PD_[0-9]*,threads.thread,' state.csv)" 2 "thread PDs"
for t in PD_2 PD_3; do
    expect_contains "$(cat state.csv)" ",,RW,HOLD,$t,$ads,"
    expect_eq "$(grep -c "^,,RWT,HOLD,$t,VCPU_" state.csv)" 1 "$t's own VCPU"
    # the VMRs a thread holds are all in the shared ADS
    for vmr in $(grep "^,,RW,HOLD,$t,VMR_" state.csv | cut -d, -f6); do
        expect_contains "$(cat state.csv)" ",,NONE,SUBSET,$vmr,$ads,"
    done
done
# one address space, one set of mappings: every VMR in it (the page each
# thread mapped, the process' heap) is held by the process and both threads
vmrs=$(grep ",,NONE,SUBSET,VMR_[0-9a-f_]*,$ads,\$" state.csv | cut -d, -f5)
[ "$(echo "$vmrs" | wc -w)" -ge 3 ] || fail "fewer than 3 VMRs in $ads: $vmrs"
for vmr in $vmrs; do
    for p in PD_1 PD_2 PD_3; do
        grep -q "^,,R[W]*,HOLD,$p,$vmr,\$" state.csv || fail "$p does not hold $vmr of the shared ADS"
    done
done
expect_eq "$(grep -c '^RESOURCE_SPACE,ADS_SPACE_' state.csv)" 2 "ADS spaces (root's and PD_1's)"
# the processing split finds no PD to split: the shared ADS is nobody's own
expect_status 0 "$OSMOSIS" info --process --json state.csv
expect_contains "$out" '"processing_pds": 0'

