#!/bin/bash
# cellulos compare --linux: the kv002 pair as two ordinary Linux processes
# (kv-linux: same workload, verified; SQLite on a tmpfs file) is extracted
# while alive, beside the CellulOS kv002 state.  On Linux the client (same
# uid) can control the store -- signal it: HOLD(T); not ptrace it, since both
# dropped root with setuid, which leaves a process non-dumpable -- and the
# kernel is in the store's TCB; on CellulOS only the root task can.
source "$TOP/tests/cli/lib.sh"

expect_status 0 "$CELLULOS" compare --small --linux --json --dir states kv002
json=$out
expect_status 0 "$OSMOSIS" check --strict states/kv002.csv
expect_status 0 "$OSMOSIS" check states/kv002-linux.csv
/usr/bin/python3 - "$json" states/kv002-linux.csv <<'PY' || fail "Linux vs CellulOS: $json"
import json, sys
d = json.loads(sys.argv[1])
assert list(d) == ["linux", "scenarios"], list(d)
assert list(d["scenarios"]) == ["kv002"]
for side in ("cellulos", "linux"):
    v = d["linux"][side]
    assert list(v) == ["can_control", "client", "control_by", "store", "tcb_store"], list(v)
cel, lin = d["linux"]["cellulos"], d["linux"]["linux"]
# CellulOS: the store and client are kv002's; only the root task controls the store
assert cel["store"] == d["scenarios"]["kv002"]["store"], cel
assert cel["client"] == d["scenarios"]["kv002"]["client"], cel
assert cel["can_control"] == ["PD_0"], cel["can_control"]
assert cel["control_by"] == [], cel["control_by"]
assert cel["tcb_store"] == d["scenarios"]["kv002"]["tcb_store"]
assert "PD_0" in cel["tcb_store"] and cel["client"] in cel["tcb_store"]
# Linux: the client (same uid) and the kernel control the store, and the
# store controls the client back (it may signal it)
c, s = lin["client"], lin["store"]
assert c != s and c.startswith("PD_") and s.startswith("PD_"), lin
assert sorted(lin["can_control"]) == sorted([c, "PD_kernel"]), lin["can_control"]
assert lin["control_by"] == [c], lin["control_by"]
assert "PD_kernel" in lin["tcb_store"] and c in lin["tcb_store"], lin["tcb_store"]
# the extracted edges say how: the client can signal the store, not ptrace it
# (the store is not dumpable: it changed its uid)
state = open(sys.argv[2]).read()
assert f",,T,HOLD,{c},{s}," in state, "no HOLD(T) client -> store"
assert f"PD,{c},kvclient," in state and f"PD,{s},kvstore," in state
assert "uid=65534,65534,65534,65534" in state     # an ordinary user when run as root
PY
# the processes are gone, and so is their tmpfs directory
ls -d /dev/shm/cellulos-kv-* 2>/dev/null && fail "kv-linux left its directory"
pid=$(/usr/bin/python3 -c 'import json,sys; print(json.loads(sys.argv[1])["linux"]["linux"]["store"][3:])' "$json")
[ ! -e /proc/$pid ] || fail "the Linux store process $pid is still alive"

# the table form names both sides
expect_status 0 "$CELLULOS" compare --small --linux kv002
expect_contains "$out" "CellulOS vs Linux"
expect_contains "$out" "    CellulOS  PD_0 (root task)"
expect_contains "$out" "(kvclient), PD_kernel (kernel)"
# the workload fixture on its own: usage errors
expect_status 2 "$BUILD/bin/kv-linux" 5 .
