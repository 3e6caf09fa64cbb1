#!/bin/bash
# osmosis compare (docs/compare.md): two hand-built states that differ in
# who shares the store's file and who shares its kernel pools; the table,
# the members only on one side, the JSON shape, the errors, and the HTML
# page rendered in headless Chromium.
source "$TOP/tests/cli/lib.sh"

# A: the store (PD_1) shares its database file with its client (PD_2); it
# draws from a pid pool scoped to its cgroup, which MAPs to the global pid
# table the client draws from directly.
cat > a.csv <<'EOF'
NODE_TYPE,NODE_ID,DATA,EDGE_TYPE,EDGE_FROM,EDGE_TO,EXTRA
PD,PD_0,ROOT_TASK,,,,
PD,PD_1,kvstore,,,,
PD,PD_2,kvclient,,,,
RESOURCE_SPACE,FS_1,FILE,,,,
RESOURCE,FILE_db,FILE,,,,
RESOURCE_SPACE,POOL_PID,POOL_PID,,,,limit=4194304;used=100;scope=global
RESOURCE_SPACE,POOL_pid@CG_kv,POOL_PID,,,,limit=64;used=2;scope=cgroup:/kv
,,RW,HOLD,PD_0,FS_1,
,,,SUBSET,FILE_db,FS_1,
,,RW,HOLD,PD_1,FILE_db,
,,R,HOLD,PD_2,FILE_db,
,,RW,HOLD,PD_0,POOL_PID,
,,RW,HOLD,PD_0,POOL_pid@CG_kv,
,,RW,HOLD,PD_1,POOL_pid@CG_kv,
,,,MAP,POOL_pid@CG_kv,POOL_PID,
,,RW,HOLD,PD_2,POOL_PID,
EOF
# B: the client keeps to itself (its log in a file space of its own); a spy (PD_3) shares the file and, like the
# store, draws from the global pid table.
cat > b.csv <<'EOF'
NODE_TYPE,NODE_ID,DATA,EDGE_TYPE,EDGE_FROM,EDGE_TO,EXTRA
PD,PD_0,ROOT_TASK,,,,
PD,PD_1,kvstore,,,,
PD,PD_2,kvclient,,,,
PD,PD_3,spy,,,,
RESOURCE_SPACE,FS_1,FILE,,,,
RESOURCE,FILE_db,FILE,,,,
RESOURCE_SPACE,FS_2,FILE,,,,
RESOURCE,FILE_log,FILE,,,,
RESOURCE_SPACE,POOL_PID,POOL_PID,,,,limit=4194304;used=100;scope=global
,,RW,HOLD,PD_0,FS_1,
,,,SUBSET,FILE_db,FS_1,
,,RW,HOLD,PD_0,FS_2,
,,,SUBSET,FILE_log,FS_2,
,,RW,HOLD,PD_1,FILE_db,
,,RW,HOLD,PD_3,FILE_db,
,,RW,HOLD,PD_2,FILE_log,
,,RW,HOLD,PD_0,POOL_PID,
,,RW,HOLD,PD_1,POOL_PID,
,,RW,HOLD,PD_3,POOL_PID,
EOF

expect_status 0 "$OSMOSIS" compare --pd kvstore --pair kvclient a.csv b.csv
text=$out
expect_contains "$text" "A: a.csv"
expect_contains "$text" "PD_1 (kvstore)"
# sizes side by side: TCB_A of the store is {PD_0, PD_2} in A, {PD_0, PD_3} in B
echo "$text" | grep -Eq '^TCB_A +2 +2$' || fail "TCB_A row: $(echo "$text" | grep TCB_A)"
# FR and RSI only with a pair: the pair shares the file in A, nothing in B
echo "$text" | grep -Eq '^RSI FILE +1\.000 +0\.000$' || fail "RSI FILE row: $(echo "$text" | grep 'RSI FILE')"
# the members only on one side, with names and reasons
tcb=$(echo "$text" | sed -n '/^TCB_A:/,/^TCB_I:/p')
expect_contains "$tcb" "in every state: PD_0 (ROOT_TASK)"
expect_contains "$tcb" "only in A:
    PD_2 (kvclient)  [shared-resources"
expect_contains "$tcb" "only in B:
    PD_3 (spy)  [shared-resources"
# pools: in A the store's cgroup pool MAPs to the global table the client
# (and the root task) draws from; in B it shares the global table directly
pools=$(echo "$text" | sed -n '/^pools shared:/,/^Legend/p')
expect_contains "$pools" "PD_2 (kvclient)  [POOL_PID]"
expect_contains "$pools" "PD_3 (spy)  [POOL_PID]"
echo "$text" | grep -Eq '^pools shared +2 +2$' || fail "pools row: $(echo "$text" | grep '^pools')"
# the legend says what RSI and FR are, their range and which way is better
expect_contains "$text" "Legend"
expect_contains "$text" "0 (nothing shared, better isolated) to 1 (everything shared)"
expect_contains "$text" "inf (never,"

# per-state PD and pair by ID override --pd/--pair
expect_status 0 "$OSMOSIS" compare a.csv:PD_2:PD_1 b.csv:kvclient:PD_1
expect_contains "$out" "PD_2 (kvclient)"

# JSON: one object per state, sorted keys, members with in_all
expect_status 0 "$OSMOSIS" compare --json --pd kvstore --pair kvclient a.csv b.csv
/usr/bin/python3 - "$out" <<'PY' || fail "compare --json shape"
import json, sys
d = json.loads(sys.argv[1])
assert list(d) == ["states"], list(d)
a, b = d["states"]
keys = ["can_control", "control_by", "file", "fr", "ib_a", "ib_c", "ib_i", "label", "n_pds",
        "pair", "pd", "pd_name", "pools", "pools_shared", "rsi", "tcb_a", "tcb_c", "tcb_i"]
for s in (a, b):
    assert list(s) == keys, list(s)
    for k in ("tcb_a", "tcb_i", "tcb_c", "ib_a", "can_control", "pools_shared"):
        for m in s[k]:
            assert list(m) == ["id", "in_all", "name", "reason"], m
assert [m["id"] for m in a["tcb_a"]] == ["PD_0", "PD_2"], a["tcb_a"]
assert [m["id"] for m in b["tcb_a"]] == ["PD_0", "PD_3"], b["tcb_a"]
assert [m["in_all"] for m in a["tcb_a"]] == [True, False]
assert a["rsi"]["FILE"] == 1.0 and b["rsi"]["FILE"] == 0.0, (a["rsi"], b["rsi"])
assert a["fr"] == 0 or isinstance(a["fr"], int) or a["fr"] == "inf"
assert a["pools"] == ["POOL_PID", "POOL_pid@CG_kv"], a["pools"]
assert [m["id"] for m in a["pools_shared"]] == ["PD_0", "PD_2"], a["pools_shared"]
assert [m["id"] for m in b["pools_shared"]] == ["PD_0", "PD_3"], b["pools_shared"]
assert a["can_control"][0]["id"] == "PD_0" and a["control_by"] == []
print("ok")
PY
# without a pair, no RSI/FR; without pools in the state, pools are null
expect_status 0 "$OSMOSIS" compare --json "$GPIKV:PD_4" a.csv:PD_1
/usr/bin/python3 - "$out" <<'PY' || fail "compare --json without pair/pools"
import json, sys
g, a = json.loads(sys.argv[1])["states"]
assert g["pair"] is None and g["rsi"] is None and g["fr"] is None, g
assert g["pools"] is None and g["pools_shared"] is None, g
assert a["pools"] is not None
PY

# errors: the file, the PD, an ambiguous name with its candidates
cat > amb.csv <<'EOF'
PD,PD_7,worker,,,,
PD,PD_8,worker,,,,
EOF
expect_status 2 "$OSMOSIS" compare amb.csv:worker
expect_contains "$err" "amb.csv: the name 'worker' is ambiguous: 2 PDs carry it: PD_7 PD_8"
expect_status 2 "$OSMOSIS" compare a.csv:nobody
expect_contains "$err" "a.csv: no PD with ID or name 'nobody'"
expect_status 2 "$OSMOSIS" compare missing.csv:PD_1
expect_contains "$err" "missing.csv:PD_1: no such file"
expect_status 2 "$OSMOSIS" compare a.csv
expect_contains "$err" "which PD?"
printf 'PD,PD_1,x,,,,\nGARBAGE,,\n' > bad.csv
expect_status 0 "$OSMOSIS" compare bad.csv:PD_1
expect_contains "$err" "bad.csv:2:"
expect_status 0 "$OSMOSIS" compare --help
expect_contains "$out" "usage: osmosis compare"

# HTML: self-contained, rendered by headless Chromium
expect_status 0 "$OSMOSIS" compare --pd kvstore --pair kvclient --html cmp.html a.csv b.csv
expect_contains "$out" "HTML page written: cmp.html"
for pat in 'src=' 'href=' '@import' 'url(' '<link' '<script'; do
    grep -qi -- "$pat" cmp.html && fail "page references something outside itself: $pat"
done
command -v chromium >/dev/null || fail "chromium is not installed (make deps)"
chrome() {
    timeout 120 chromium --headless --no-sandbox --disable-gpu --no-first-run \
        --disable-background-networking --disable-component-update --disable-sync \
        --user-data-dir="$TMPDIR/chrome-profile-cmp" "$@" 2>chrome.log
}
chrome --dump-dom "file://$PWD/cmp.html" > dom.html || fail "chromium failed: $(tail -5 chrome.log)"
/usr/bin/python3 - dom.html <<'PY' || fail "rendered DOM"
import sys
from html.parser import HTMLParser
class P(HTMLParser):
    def __init__(s):
        super().__init__(); s.rows = []; s.cell = None; s.table = None; s.lists = {}
    def handle_starttag(s, t, a):
        a = dict(a)
        if t == "table": s.table = a.get("id") or a.get("data-list"); s.lists.setdefault(s.table, [])
        if t == "tr": s.lists[s.table].append([])
        if t in ("td", "th"): s.cell = ""
    def handle_data(s, d):
        if s.cell is not None: s.cell += d
    def handle_endtag(s, t):
        if t in ("td", "th") and s.cell is not None:
            s.lists[s.table][-1].append(s.cell); s.cell = None
p = P(); p.feed(open(sys.argv[1]).read())
summ = {r[0]: r[1:] for r in p.lists["summary"]}
assert summ["state"] == ["A: a.csv", "B: b.csv"], summ["state"]
assert summ["TCB_A"] == ["2", "2"], summ["TCB_A"]
assert summ["RSI FILE"] == ["1.000", "0.000"], summ["RSI FILE"]
tcb = {r[0]: r[2:] for r in p.lists["tcb_a"][1:]}
assert set(tcb) == {"PD_0", "PD_2", "PD_3"}, tcb
assert tcb["PD_2"][1] == "not a member" and tcb["PD_3"][0] == "not a member", tcb
print("ok")
PY
chrome --window-size=1200,1600 --screenshot="$PWD/cmp.png" "file://$PWD/cmp.html" >/dev/null ||
    fail "screenshot failed: $(tail -5 chrome.log)"
[ "$(head -c 8 cmp.png | od -An -tx1 | tr -d ' \n')" = 89504e470d0a1a0a ] || fail "cmp.png is not a PNG"
# a blank page of that size compresses to a few kB; text and tables do not
[ "$(stat -c %s cmp.png)" -gt 20000 ] || fail "screenshot suspiciously small (blank?)"
mkdir -p "$BUILD/test-artifacts" && cp cmp.png "$BUILD/test-artifacts/compare.png"
exit 0
