#!/bin/bash
# `cellulos compare --vm` (docs/cellulos.md "VM PDs"): the guest key-value
# pair (kv-linux, static SQLite) as a VM PD of the root task and under QEMU
# on plain Linux, from real runs (two TCG boots).  On CellulOS only the root
# task controls the VMM PD; on Linux QEMU is controlled by the host kernel;
# on both the store's controllers and TCB run from the guest through the
# VMM to the host's authority.
source "$TOP/tests/cli/lib.sh"
source "$TOP/tests/cli/vm_probe.sh"

expect_status 0 "$CELLULOS" compare --vm --json --dir .
json=$out
for f in vm.csv vm-linux.csv; do
    expect_status 0 "$OSMOSIS" check "$f"
done
/usr/bin/python3 - "$json" <<'PY' || fail "compare --vm JSON"
import json, sys
d = json.loads(sys.argv[1])
assert set(d) == {"scenarios", "vm"}, d.keys()
assert d["scenarios"] == {}, d["scenarios"]
c, l = d["vm"]["cellulos"], d["vm"]["linux"]
assert c["vmm"] == "PD_1" and c["can_control_vmm"] == ["PD_0"], c
assert l["vmm"].startswith("PD_") and "PD_kernel" in l["can_control_vmm"], l
for side, host in ((c, "PD_0"), (l, "PD_kernel")):
    assert side["store"].startswith("G_PD_"), side
    for k in ("can_control_store", "tcb_store"):
        for m in ("G_PD_kernel", side["vmm"], host):
            assert m in side[k], (k, m, side)
    assert "PD_0" not in l["can_control_store"]
print("ok")
PY
expect_status 0 "$CELLULOS" compare --vm
expect_contains "$out" "who can control the VMM (CanControl)"
expect_contains "$out" "CellulOS  1: PD_0 (root task)"
expect_contains "$out" "who can control the guest's store (CanControl)"
