#!/bin/bash
# cellulos compare --mechanisms (docs/compare.md): the kv pair run for real
# under every mechanism, the whole machine extracted each time; each row's
# expected difference is asserted below with its reason.  Other tests may
# run processes at the same time, so sizes are never compared exactly:
# membership of the pair's own PDs is.
source "$TOP/tests/cli/lib.sh"

expect_status 0 "$CELLULOS" compare --mechanisms --small --json --dir st
echo "$out" > matrix.json
for f in st/mech-*.csv st/kv00*.csv; do
    expect_status 0 "$OSMOSIS" check "$f"
done

/usr/bin/python3 - matrix.json st <<'PY' || fail "the matrix's expected differences"
import json, sys, re
d = json.load(open(sys.argv[1])); st = sys.argv[2]
rows = {r["mechanism"]: r for r in d["rows"]}
assert [r["mechanism"] for r in d["rows"]] == ["threads", "processes", "uids", "namespaces",
    "seccomp", "bubblewrap", "podman", "vm", "kv001", "kv002", "kv003", "kv004", "kv006",
    "kv007", "kv008"], list(rows)
assert "kv005" in d and d["kv005"], "kv005 stays explained"

def state(m):
    """node rows of one mechanism's state: {id: (data, extra)}, holds: {pd: set(targets)}"""
    nodes, holds = {}, {}
    f = "%s/%s.csv" % (st, m if m.startswith("kv0") else "mech-" + m)
    import csv
    for row in csv.reader(open(f)):
        if len(row) < 7: continue
        if row[0] in ("PD", "RESOURCE", "RESOURCE_SPACE"): nodes[row[1]] = (row[2], row[6])
        # a membership resource "SPACE#PID" (namespace, cgroup, pool) counts as its space
        elif row[3] == "HOLD": holds.setdefault(row[4], set()).add(re.sub(r"#[0-9]+$", "", row[5]))
    return nodes, holds

def ns(holds, pd):
    return {t for t in holds.get(pd, ()) if re.match(r"NS_(user|pid|mnt|net|ipc|uts)_", t)}

expect = {}
for name, r in rows.items():
    if name == "podman" and r["status"] == "unavailable":
        # podman is optional: the reason must be said exactly
        assert r["why"], r
        print("podman not available here:", r["why"])
        continue
    assert r["status"] == "ok", (name, r)
    c, s = r["client"], r["store"]
    if r["system"] == "Linux" and name != "vm":
        # the whole machine, not just the pair: init and the kernel are in it
        nodes, holds = state(name)
        assert "PD_kernel" in nodes and any(i in nodes for i in ("PD_1", "PD_1.1")), name
        assert r["pds"] == r["host_pds"] and r["pds"] > 3, (name, r["pds"])
        assert "PD_kernel" in r["can_control"], (name, "the kernel controls every process")

# threads: one process, one address space -- every mapping shared, and the
# client thread controls the store thread (same process, same credentials)
t = rows["threads"]
assert t["rsi"]["VMR"] == 1.0, t["rsi"]
assert t["client"] in t["can_control"], t["can_control"]
# processes of one uid: own address spaces (no VMR shared), but the same
# uid lets each ptrace/kill the other: control edges both ways
p = rows["processes"]
assert p["rsi"]["VMR"] == 0.0, p["rsi"]
assert p["client"] in p["can_control"] and p["client"] in p["control_by"], p
# two uids: separate uids remove the ptrace/kill control edge between
# client and store; the store, unprivileged, controls nobody
u = rows["uids"]
assert u["client"] not in u["can_control"] and u["control_by"] == [], u
# namespaces + cgroups: still no control edge; the store holds user, pid,
# mnt, net, ipc and uts namespaces that neither the client nor init holds,
# and its own pids and memory cgroups with the limits set
n = rows["namespaces"]
assert n["client"] not in n["can_control"] and n["control_by"] == [], n
nodes, holds = state("namespaces")
mine = ns(holds, n["store"])
assert len(mine) == 6, mine
assert not mine & ns(holds, n["client"]), "store and client share a namespace"
assert not mine & ns(holds, "PD_1"), "the store shares a namespace with init"
cg = {t: nodes[t][1] for t in holds[n["store"]] if t.startswith("CG_") and "cellulos-kv" in t}
assert any("pids.max=64" in e for e in cg.values()), cg
assert any("memory.limit_in_bytes=268435456" in e for e in cg.values()), cg
# + seccomp, no capabilities: the filter refuses ptrace/kill/process_vm_*
# so the store controls no one; the state shows the filter and no caps
sc = rows["seccomp"]
assert sc["control_by"] == [] and sc["client"] not in sc["can_control"], sc
nodes, holds = state("seccomp")
ex = nodes[sc["store"]][1]
assert "seccomp=filter" in ex and "cap_eff=0000000000000000" in ex, ex
# bubblewrap: the pair shares one sandbox (one pid namespace, not init's)
# and one uid, so the client controls the store again
b = rows["bubblewrap"]
assert b["client"] in b["can_control"], b
nodes, holds = state("bubblewrap")
shared = ns(holds, b["store"]) & ns(holds, b["client"])
assert any(x.startswith("NS_pid_") for x in shared), shared
assert not {x for x in shared if x.startswith("NS_pid_")} & ns(holds, "PD_1"), "sandbox pid ns is init's"
# podman: the same in a container: one uid inside, own pid namespace
pm = rows["podman"]
if pm["status"] == "ok":
    assert pm["client"] in pm["can_control"], pm
    nodes, holds = state("podman")
    assert not {x for x in ns(holds, pm["store"]) if x.startswith("NS_pid_")} & ns(holds, "PD_1")
# the VM: the pair are guest PDs; the guest kernel, QEMU and the host
# kernel (and root above QEMU) can control the store: what the VM adds
v = rows["vm"]
assert v["store"].startswith("G_") and v["client"].startswith("G_"), v
assert v["host_pds"] < v["pds"], v
nodes, holds = state("vm")
qemu = [i for i in v["can_control"] if nodes.get(i, ("",))[0].startswith("qemu")]
assert "G_PD_kernel" in v["can_control"] and "PD_kernel" in v["can_control"] and qemu, v
# CellulOS: only the root task controls the store (kv001: the store is a
# library in the client, one PD)
for k in ("kv002", "kv003", "kv004", "kv006", "kv007", "kv008"):
    assert rows[k]["can_control"] == ["PD_0"], (k, rows[k]["can_control"])
assert rows["kv001"]["client"] == rows["kv001"]["store"]
# CellulOS vs Linux: fewer controllers than any Linux row (the root shells)
assert len(rows["kv002"]["can_control"]) < len(u["can_control"])

# Pools (the extractor's POOL_ spaces)
nodes, holds = state("processes")
assert any(v[0] == "POOL_PID" for v in nodes.values()), "no pid-table pool extracted"
# processes of one uid draw from the global pid table: the store shares
# that pool with the client
assert p["client"] in p["pools_shared"], p["pools_shared"]
# a pids cgroup removes the pid-table pool: the namespaces row's store
# holds a pid pool scoped to its cgroup, not the global table
nodes, holds = state("namespaces")
pools = [t for t in holds[n["store"]] if nodes.get(t, ("",))[0] == "POOL_PID"]
assert pools and all("scope=cgroup:" in nodes[t][1] for t in pools), pools
print("ok")
PY

# the table form: the matrix with its legend (and the reason for kv005)
expect_status 0 "$CELLULOS" compare --mechanisms --small --rows uids,kv002
expect_contains "$out" "mechanism              PDs TCB_A TCB_I TCB_C  Can   By"
expect_contains "$out" "Linux uids"
expect_contains "$out" "CellulOS kv002"
expect_contains "$out" "(the whole host)"
expect_contains "$out" "Legend"
expect_contains "$out" "0 = nothing
           of that type shared (better isolated) .. 1 = all shared."
expect_contains "$out" "kv005 is not in the matrix"
# bad row names are usage errors naming the row
expect_status 2 "$CELLULOS" compare --mechanisms --rows uids,nonsense
expect_contains "$err" "'nonsense' is neither a mechanism"
expect_status 2 "$CELLULOS" compare --rows uids
# the plain compare has a legend now
expect_status 0 "$CELLULOS" compare --small kv002
expect_contains "$out" "Legend: VMR .. BLOCK = RSI"
exit 0
