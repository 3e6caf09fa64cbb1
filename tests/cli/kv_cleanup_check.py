#!/usr/bin/python3
"""Compare what the CellulOS runtime destroyed after a crash with what
`osmosis cleanup --json` predicted (test_kv_cleanup.sh).

usage: kv_cleanup_check.py PRE.csv POST.csv CLEANUP_JSON
Destroyed = nodes in PRE missing from POST.  PDs and spaces must match the
prediction exactly; resources must include every predicted one, and any
other destroyed resource must have been held, in PRE, only by destroyed
PDs and the root task (a destroyed PD's private memory, VCPU, endpoints)."""
import csv, json, sys

def load(path):
    nodes, holders = {}, {}
    with open(path, newline="") as f:
        for row in csv.reader(f):
            if len(row) < 7 or row[0] == "NODE_TYPE":
                continue
            if row[0]:
                nodes[row[1]] = (row[0], row[2])
            elif row[3] == "HOLD":
                holders.setdefault(row[5], set()).add(row[4])
    return nodes, holders

pre, holders = load(sys.argv[1])
post, _ = load(sys.argv[2])
pred = json.loads(sys.argv[3])["result"]
root = next(i for i, (k, d) in pre.items() if k == "PD" and d == "ROOT_TASK")
gone = {i for i in pre if i not in post}
kind = lambda k: {i for i in gone if pre[i][0] == k}
bad = []
if kind("PD") != set(pred["pds_destroyed"]):
    bad.append("PDs: runtime %s, predicted %s" % (sorted(kind("PD")), pred["pds_destroyed"]))
if kind("RESOURCE_SPACE") != set(pred["spaces_deleted"]):
    bad.append("spaces: runtime %s, predicted %s" % (sorted(kind("RESOURCE_SPACE")), pred["spaces_deleted"]))
res = kind("RESOURCE")
missing = set(pred["resources_deleted"]) - res
if missing:
    bad.append("predicted but kept: %s" % sorted(missing))
dead = kind("PD") | {root}
for r in sorted(res - set(pred["resources_deleted"])):
    if not holders.get(r, set()) <= dead:
        bad.append("destroyed %s, held by survivors %s" % (r, sorted(holders[r] - dead)))
for b in bad:
    print("kv_cleanup_check:", b, file=sys.stderr)
sys.exit(1 if bad else 0)
