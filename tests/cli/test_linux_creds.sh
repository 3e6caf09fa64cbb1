#!/bin/bash
# Credentials: a seccomp-strict process requests nothing from the kernel;
# a process with every capability dropped has none and cannot ptrace full
# root; a process of another uid is not controlled by an unprivileged one.
source "$TOP/tests/cli/lib.sh"
source "$TOP/tests/cli/linux_lib.sh"

mkfifo strict_in
"$HELPERS/linux_seccomp_strict" <strict_in & SC=$!; LX_PIDS+=($SC)
exec 3>strict_in        # keeps the helper's read(2) blocked
for _ in $(seq 1 100); do grep -q '^Seccomp:.*1' /proc/$SC/status && break; sleep 0.05; done
setpriv --inh-caps=-all --ambient-caps=-all --bounding-set=-all -- sleep 1000 & NC=$!; LX_PIDS+=($NC)
setpriv --reuid 1000 --regid 1000 --clear-groups -- sleep 1000 & U1=$!; LX_PIDS+=($U1)
setpriv --reuid 1001 --regid 1001 --clear-groups -- sleep 1000 & U2=$!; LX_PIDS+=($U2)
# no descriptors at all: what it may request must not depend on what it holds
sleep 1000 <&- >&- 2>&- & R=$!; LX_PIDS+=($R)
sleep 0.2

expect_status 0 "$OSMOSIS" extract linux --pid "$SC,$NC,$U1,$U2,$R" --no-phys -o c.csv
expect_status 0 "$OSMOSIS" check c.csv

expect_contains "$(node_extra c.csv "PD_$SC")" "seccomp=strict"
expect_eq "$(awk -F, -v p="PD_$SC" '$4 == "REQUEST" && $5 == p' c.csv | wc -l)" "0" "requests of the strict process"
for t in FILE PIPE SOCKET; do
    expect_eq "$(awk -F, -v p="PD_$R" -v t=$t '$3 == t && $4 == "REQUEST" && $5 == p' c.csv | wc -l)" "1" "root sleep requests $t"
done

expect_contains "$(node_extra c.csv "PD_$NC")" "caps=none"
expect_contains "$(node_extra c.csv "PD_$NC")" "cap_eff=0000000000000000"
expect_eq "$(edge_perms c.csv HOLD "PD_$NC" PD_kernel)" "" "capless process holds the kernel"
expect_eq "$(edge_perms c.csv HOLD "PD_$R" PD_kernel)" "RWT" "full root over the kernel (CAP_SYS_MODULE)"
# same uid 0: may signal full root, but not ptrace it (permitted caps not a subset)
expect_eq "$(edge_perms c.csv HOLD "PD_$NC" "PD_$R")" "T" "capless root over full root"
expect_eq "$(edge_perms c.csv HOLD "PD_$R" "PD_$NC")" "RWT" "full root over capless root"

expect_eq "$(edge_perms c.csv HOLD "PD_$U1" "PD_$U2")" "" "uid 1000 over uid 1001"
expect_eq "$(edge_perms c.csv HOLD "PD_$U2" "PD_$U1")" "" "uid 1001 over uid 1000"
expect_eq "$(edge_perms c.csv HOLD "PD_$U1" "PD_$R")" "" "uid 1000 over root"
expect_eq "$(edge_perms c.csv HOLD "PD_$R" "PD_$U1")" "RWT" "root over uid 1000"
expect_eq "$(edge_perms c.csv HOLD PD_kernel "PD_$U1")" "RWT" "kernel over uid 1000"

# describe says the same in words
expect_status 0 "$OSMOSIS" describe c.csv "PD_$NC"
expect_contains "$out" "capabilities (effective): none"
expect_status 0 "$OSMOSIS" describe c.csv "PD_$SC"
expect_contains "$out" "seccomp: strict"
expect_status 0 "$OSMOSIS" describe c.csv "PD_$U1" --json
ctl=$(echo "$out" | grep -o '"controlled_by":\[[^]]*\]')
expect_not_contains "$ctl" "\"PD_$U2\"" "controlled_by of uid 1000"
expect_contains "$ctl" "\"PD_$R\"" "controlled_by of uid 1000"
expect_status 2 "$OSMOSIS" describe c.csv PD_nosuch
echo ok
