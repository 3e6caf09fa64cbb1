#!/bin/bash
# cellulos compare: every key-value scenario runs its verified workload (the
# -small variants here), every dump passes the strict check, and the table
# shows the isolation differences the configurations are built for.
source "$TOP/tests/cli/lib.sh"

expect_status 0 "$CELLULOS" compare --small --json --dir states
json=$out
for s in kv001 kv002 kv003 kv004 kv007 kv008; do
    [ -s "states/$s.csv" ] || fail "no state for $s"
    expect_status 0 "$OSMOSIS" check --strict "states/$s.csv"
done

# field NAME KEY...: a value of the JSON, with the system python (stdlib only)
field() {
    /usr/bin/python3 -c 'import json,sys
v=json.loads(sys.argv[1])["scenarios"]
for k in sys.argv[2:]: v=v[k]
print(v)' "$json" "$@"
}
# exact schema
keys=$(/usr/bin/python3 -c 'import json,sys
d=json.loads(sys.argv[1]); s=d["scenarios"]
assert list(d)==["scenarios"], list(d)
for n,v in s.items():
    assert sorted(v)==["client","fr","rsi","store","tcb_client","tcb_store"], (n, sorted(v))
    assert sorted(v["rsi"])==["BLOCK","FILE","MO","PCPU","VCPU","VMR"], sorted(v["rsi"])
    assert v["fr"]=="inf" or isinstance(v["fr"], int)
    assert all(isinstance(x,str) for x in v["tcb_client"]+v["tcb_store"])
print(" ".join(s))' "$json") || fail "JSON schema: $json"
expect_eq "$keys" "kv001 kv002 kv003 kv004 kv007 kv008" "scenarios"

eqf() { /usr/bin/python3 -c 'import sys; sys.exit(0 if float(sys.argv[1]) == float(sys.argv[2]) else 1)' "$1" "$2" ||
        fail "$3: expected $2, got $1"; }
gt() { /usr/bin/python3 -c 'import sys; sys.exit(0 if float(sys.argv[1]) > float(sys.argv[2]) else 1)' "$1" "$2"; }

# kv001: the store is a library in the client: one PD, everything shared
expect_eq "$(field kv001 client)" "$(field kv001 store)" "kv001 pair"
for t in VMR MO VCPU FILE BLOCK; do eqf "$(field kv001 rsi $t)" 1.0 "kv001 RSI $t"; done
expect_eq "$(field kv001 fr)" 0 "kv001 FR"
# kv002: separate PDs sharing one namespace: files and blocks all shared,
# address spaces not, memory only partly (the session buffer, the ramdisk)
[ "$(field kv002 client)" != "$(field kv002 store)" ] || fail "kv002 pair is one PD"
eqf "$(field kv002 rsi FILE)" 1.0 "kv002 RSI FILE"
eqf "$(field kv002 rsi VMR)" 0.0 "kv002 RSI VMR"
eqf "$(field kv002 rsi VCPU)" 0.0 "kv002 RSI VCPU"
gt 1 "$(field kv002 rsi MO)" || fail "kv002 MO fully shared"
gt "$(field kv002 rsi MO)" 0 || fail "kv002 MO not shared at all"
gt "$(field kv002 fr)" "$(field kv001 fr)" || fail "FR kv002 not above kv001"
# kv003: separate namespaces: no file shared; blocks only through the FS
# superblock and the ramdisk label
eqf "$(field kv003 rsi FILE)" 0.0 "kv003 RSI FILE"
gt "$(field kv003 rsi BLOCK)" 0 || fail "kv003 shares no block"
gt "$(field kv002 rsi BLOCK)" "$(field kv003 rsi BLOCK)" || fail "kv003 BLOCK not below kv002"
# kv004: separate FS servers on one ramdisk: only the ramdisk is shared
eqf "$(field kv004 rsi FILE)" 0.0 "kv004 RSI FILE"
gt "$(field kv004 rsi BLOCK)" 0 || fail "kv004 shares no block"
gt "$(field kv003 rsi BLOCK)" "$(field kv004 rsi BLOCK)" || fail "kv004 BLOCK not below kv003"
# kv007: two pairs on one FS; the pair compared shares no file
eqf "$(field kv007 rsi FILE)" 0.0 "kv007 RSI FILE"

# the table form carries the same rows
expect_status 0 "$CELLULOS" compare --small kv001 kv002
expect_contains "$out" "scenario client  store"
expect_contains "$out" "kv002 client"
expect_status 2 "$CELLULOS" compare hello
expect_status 2 "$CELLULOS" compare --bogus

# HighJMP and thread PDs: explained, distinct status
expect_status 3 "$CELLULOS" run kv005
expect_contains "$out" "one address space"
