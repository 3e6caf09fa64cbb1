#!/bin/bash
# A VM PD (docs/cellulos.md "VM PDs"): `cellulos vm` boots a TCG guest whose
# QEMU is a PD of the root task and whose guest RAM is an MO of the root
# task; the dump shows the VMM PD holding a VMR over that MO, the guest
# joined (G_ IDs) with the VMM PD controlling the guest kernel, and passes
# `osmosis check`; teardown leaves the boot state (checked by the run).  A
# VMM that cannot start leaves no dump and a clean root task.
source "$TOP/tests/cli/lib.sh"
source "$TOP/tests/cli/vm_probe.sh"

# no boot: QEMU cannot start -> failure, no dump, teardown still clean
expect_status 1 "$CELLULOS" vm --qemu /nonexistent/qemu --dump none.csv
expect_contains "$err" "cannot start /nonexistent/qemu"
expect_not_contains "$err" "teardown left"
expect_not_contains "$err" "did not end"
expect_contains "$out" "cellulos: vm: FAILED"
[ ! -e none.csv ] || fail "a dump was written for a VM that never ran"
expect_status 2 "$CELLULOS" vm --mem 5
expect_status 0 "$CELLULOS" vm --help
expect_contains "$out" "usage: cellulos vm"

# one boot: two guest processes sharing memory (vm_share)
expect_status 0 "$CELLULOS" vm --add "$BUILD/helpers/vm_share" --console console.log \
    --cmd 'vm_share /tmp/ready & while [ ! -e /tmp/ready ]; do sleep 1; done' --dump vm.csv
expect_contains "$out" "cellulos: vm: ok"
expect_contains "$err" "is QEMU, pid"
P=$(sed -n 's/.*vm_share pid=\([0-9]*\) role=parent.*/\1/p' console.log | head -n 1)
C=$(sed -n 's/.*vm_share pid=\([0-9]*\) role=child.*/\1/p' console.log | head -n 1)
[ -n "$P" ] && [ -n "$C" ] || fail "vm_share did not report its processes: $(tail -c 2000 console.log)"

expect_status 0 "$OSMOSIS" check vm.csv
expect_contains "$out" "all 7 rules hold"
VMM=$(awk -F, '$1=="PD" && $3=="vmm.qemu" {print $2}' vm.csv)
[ -n "$VMM" ] || fail "no vmm.qemu PD in the dump"
# the guest-RAM VMR of the VMM PD maps the MO the root task allocated
VMR=$(awk -F, -v p="$VMM" '$4=="HOLD" && $5==p && $6 ~ /^VMR_/ {print $6}' vm.csv | head -n 1)
MO=$(awk -F, -v v="$VMR" '$4=="MAP" && $5==v {print $6}' vm.csv)
case "$MO" in MO_1_*) ;; *) fail "VMR $VMR of $VMM maps '$MO', not a root-task MO";; esac
grep -q "^,,[A-Z]*,HOLD,PD_0,$MO," vm.csv || fail "the root task does not hold $MO"
grep -q "^,,RWT,HOLD,$VMM,G_PD_kernel," vm.csv || fail "$VMM does not control the guest kernel"
# every guest-RAM slice is the VMM's and maps that MO
n_slices=$(grep -c "^RESOURCE,GRAM_" vm.csv)
[ "$n_slices" -gt 0 ] || fail "no guest-RAM slices"
n_maps=$(awk -F, -v m="$MO" '$4=="MAP" && $5 ~ /^GRAM_/ && $6==m' vm.csv | wc -l)
expect_eq "$n_maps" "$n_slices"

# the two guest processes share memory; their TCB has the guest kernel, the
# VMM PD and the root task; the VMM PD is controlled by the root task only
# (by guest frame, type GPA: at host granularity all guest RAM is one MO)
expect_status 0 "$OSMOSIS" shared-resources vm.csv "G_PD_$P" --types GPA --mode W
expect_contains "$out" "G_PD_$C "
expect_not_contains "$out" "G_PD_1 "
for pd in "G_PD_$P" "G_PD_$C"; do
    expect_status 0 "$OSMOSIS" tcb vm.csv "$pd"
    for m in G_PD_kernel "$VMM" PD_0; do expect_contains "$out" "$m "; done
done
expect_status 0 "$OSMOSIS" can-control vm.csv "$VMM"
expect_contains "$out" "1 PD"
expect_contains "$out" "PD_0 "
