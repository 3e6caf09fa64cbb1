#!/bin/bash
# cellulos compare: every key-value scenario runs its verified workload (the
# -small variants here), every dump passes the strict check, and the table
# shows the isolation differences the configurations are built for.
source "$TOP/tests/cli/lib.sh"

expect_status 0 "$CELLULOS" compare --small --json --dir states
json=$out
for s in kv001 kv002 kv003 kv004 kv006 kv007 kv008; do
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
expect_eq "$keys" "kv001 kv002 kv003 kv004 kv006 kv007 kv008" "scenarios"

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
# kv003: separate namespaces: no file shared; blocks only through the FS
# superblock and the ramdisk label
eqf "$(field kv003 rsi FILE)" 0.0 "kv003 RSI FILE"
gt "$(field kv003 rsi BLOCK)" 0 || fail "kv003 shares no block"
gt "$(field kv002 rsi BLOCK)" "$(field kv003 rsi BLOCK)" || fail "kv003 BLOCK not below kv002"
# kv004: separate FS servers on one ramdisk: only the ramdisk is shared
eqf "$(field kv004 rsi FILE)" 0.0 "kv004 RSI FILE"
gt "$(field kv004 rsi BLOCK)" 0 || fail "kv004 shares no block"
gt "$(field kv003 rsi BLOCK)" "$(field kv004 rsi BLOCK)" || fail "kv004 BLOCK not below kv003"
# kv006: the store in a thread PD of the client: one address space, so every
# mapping and all memory shared, as in kv001 (each PD sharing the ADS holds
# each VMR in it) -- but its own VCPU (kv001: one PD, one VCPU)
[ "$(field kv006 client)" != "$(field kv006 store)" ] || fail "kv006 pair is one PD"
for t in VMR MO FILE BLOCK; do eqf "$(field kv006 rsi $t)" 1.0 "kv006 RSI $t"; done
eqf "$(field kv006 rsi VCPU)" 0.0 "kv006 RSI VCPU"
eqf "$(field kv001 rsi VCPU)" 1.0 "kv001 RSI VCPU"
grep -q "^PD,$(field kv006 store),kvclient[^,]*\.thread," states/kv006.csv || fail "kv006 store is no thread PD"
c6=$(field kv006 client) s6=$(field kv006 store)
ads=$(grep "^,,RW,HOLD,$c6,ADS_SPACE_" states/kv006.csv | cut -d, -f6)
grep -q "^,,RW,HOLD,$s6,$ads,\$" states/kv006.csv || fail "kv006 store does not hold the client's ADS $ads"
# each is in the other's TCB (the shared address space), as in kv002
case " $(field kv006 tcb_client) " in *"'$s6'"*) ;; *) fail "kv006 store not in the client's TCB" ;; esac
case " $(field kv006 tcb_store) " in *"'$c6'"*) ;; *) fail "kv006 client not in the store's TCB" ;; esac
# kv007: two pairs on one FS; the pair compared shares no file
eqf "$(field kv007 rsi FILE)" 0.0 "kv007 RSI FILE"

# FR is smaller where the pair shares more -- in the form that holds: 0 for
# one PD (kv001), 1 for every separated pair, since every PD REQUESTs its
# ADS, MO, VCPU and EP from the root task (docs/servers.md, "FR")
for s in kv002 kv003 kv004 kv006 kv007 kv008; do
    expect_eq "$(field $s fr)" 1 "$s FR"
    gt "$(field $s fr)" "$(field kv001 fr)" || fail "FR $s not above kv001"
done

# the table form carries the same rows, with the PDs' names
expect_status 0 "$CELLULOS" compare --small kv001 kv002
expect_contains "$out" "scenario client"
expect_contains "$out" "kv002 store  PD_4 (kvstore): PD_0 (root task), PD_1 (kvdrv), PD_2 (ramdisk), PD_3 (fs), PD_5 (kvclient)"
expect_status 2 "$CELLULOS" compare hello
expect_status 2 "$CELLULOS" compare --bogus

# HighJMP: explained in full (what make demo prints), distinct status
expect_status 3 "$CELLULOS" run kv005
expect_contains "$out" "is not
supported on this runtime"
expect_contains "$out" "(one mm)"
expect_contains "$out" "seL4 can"
[ "$(echo "$out" | wc -l)" -le 24 ] || fail "kv005 explanation longer than a screen"
[ "$(echo "$out" | awk '{ if (length($0) > 80) print }')" = "" ] || fail "kv005 explanation wider than 80 columns"
