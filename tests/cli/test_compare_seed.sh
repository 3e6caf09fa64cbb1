#!/bin/bash
# cellulos compare --seed-table (docs/compare.md): CanControl / ControlBy of
# the KVS, the VM's VMM and the guest's KVS on CellulOS and on Linux, from
# states the command runs and extracts (Linux: the whole host).
source "$TOP/tests/cli/lib.sh"

expect_status 0 "$CELLULOS" compare --seed-table --small --json --dir st
/usr/bin/python3 - "$out" <<'PY' || fail "seed table"
import json, sys
d = json.loads(sys.argv[1])
assert list(d) == ["cellulos", "linux"], list(d)
for side in d.values():
    assert list(side) == ["guest_kvs", "kvs", "vm"], list(side)
    for cell in side.values():
        assert list(cell) == ["can_control", "control_by", "pd"], cell
c, l = d["cellulos"], d["linux"]
# CellulOS: the root task alone controls the KVS and the VMM PD
assert c["kvs"]["can_control"] == ["PD_0"], c["kvs"]
assert c["vm"]["can_control"] == ["PD_0"], c["vm"]
# the VMM controls its guest: the guest kernel and the guest's KVS
assert "G_PD_kernel" in c["vm"]["control_by"] and c["guest_kvs"]["pd"] in c["vm"]["control_by"]
# the guest KVS: controlled from inside the guest and, through the VMM, by the root task
for m in ("G_PD_kernel", c["vm"]["pd"], "PD_0"):
    assert m in c["guest_kvs"]["can_control"], (m, c["guest_kvs"])
# Linux, whole host: the kernel and root's processes control the KVS; its
# client (same uid) too; the store controls its client.  (Not necessarily
# PD_1: in a sandbox whose PID 1 lies in a user namespace the extractor
# cannot read, PD_1's capabilities do not count and it may only signal root
# processes, and a signal-only edge ends a control chain: issue 20.)
roots = set()
for line in open("st/mech-processes.csv"):
    f = line.split(",", 6)
    if f[0] == "PD" and ";uid=0,0,0,0;" in line and "caps=ALL" in line:
        roots.add(f[1])
assert "PD_kernel" in l["kvs"]["can_control"] and roots & set(l["kvs"]["can_control"]), l["kvs"]
assert len(l["kvs"]["can_control"]) > len(c["kvs"]["can_control"])
assert l["kvs"]["control_by"] and all(x.startswith("PD_") for x in l["kvs"]["control_by"])
# QEMU is a root process: the kernel controls it, and it controls the guest
assert "PD_kernel" in l["vm"]["can_control"] and "G_PD_kernel" in l["vm"]["control_by"], l["vm"]
for m in ("G_PD_kernel", l["vm"]["pd"], "PD_kernel"):
    assert m in l["guest_kvs"]["can_control"], (m, l["guest_kvs"])
print("ok")
PY
exit 0
