#!/bin/bash
# A guest joined to its host (docs/vm.md): `osmosis vm run` boots a TCG guest
# whose two processes share memory; in the joined state they share MOs with
# W, their shared guest frames MAP to the host frames of QEMU behind them
# (checked frame by frame against both pagemaps by vm_truth.py), the TCB of
# each contains the guest kernel, QEMU and the host kernel, and the state
# passes `osmosis check`.  Truncated, garbled or missing guest output is an
# error with no output.
source "$TOP/tests/cli/lib.sh"
source "$TOP/tests/cli/vm_probe.sh"

Q=
cleanup() { [ -n "$Q" ] && kill -KILL "$Q" 2>/dev/null; }
trap cleanup EXIT

SHARE=$BUILD/helpers/vm_share
expect_status 0 "$OSMOSIS" vm run --accel tcg --mem 256 --add "$SHARE" \
    --cmd 'vm_share /tmp/ready & while [ ! -e /tmp/ready ]; do sleep 1; done' \
    --console console.log --guest-out guest.out --keep qemu.pid -o joined.csv
Q=$(cat qemu.pid)
expect_contains "$err" "joined to"
[ -s joined.csv ] || fail "no joined state"
P=$(sed -n 's/.*vm_share pid=\([0-9]*\) role=parent.*/\1/p' console.log | head -n 1)
C=$(sed -n 's/.*vm_share pid=\([0-9]*\) role=child.*/\1/p' console.log | head -n 1)
[ -n "$P" ] && [ -n "$C" ] || fail "vm_share did not report its processes: $(tail -c 2000 console.log)"

expect_status 0 "$OSMOSIS" check joined.csv
expect_contains "$out" "all 7 rules hold"

# the two guest processes share memory, writable; QEMU can write it too; the
# guest's init shares nothing writable with them
for pair in "$P $C" "$C $P"; do
    set -- $pair
    expect_status 0 "$OSMOSIS" shared-resources joined.csv "G_PD_$1" --types MO --mode W
    expect_contains "$out" "G_PD_$2 " "shared-resources of G_PD_$1"
    expect_contains "$out" "PD_$Q " "shared-resources of G_PD_$1"
    expect_not_contains "$out" "G_PD_1 " "shared-resources of G_PD_$1"
    expect_status 0 "$OSMOSIS" tcb joined.csv "G_PD_$1"
    for pd in G_PD_kernel "PD_$Q" PD_kernel; do
        expect_contains "$out" "$pd " "tcb of G_PD_$1"
    done
done
expect_status 0 "$OSMOSIS" can-control joined.csv "G_PD_$P"
expect_contains "$out" "PD_$Q " "can-control of the guest process (QEMU -> guest kernel -> it)"

# every guest frame against both pagemaps
expect_status 0 /usr/bin/python3 "$TOP/tests/cli/vm_truth.py" joined.csv console.log "$Q"
echo "$out"

# the same guest capture joined again by extract vm: the same guest graph,
# and again true to both pagemaps (host frames may have moved meanwhile:
# the kernel can migrate pages of a stopped process)
expect_status 0 "$OSMOSIS" extract vm --qemu-pid "$Q" --guest guest.out -o again.csv
guest_edges() { awk -F, '$1 == "" && $5 ~ /^G_/ && $6 ~ /^G_/' "$1" | sort | md5sum; }
expect_eq "$(guest_edges again.csv)" "$(guest_edges joined.csv)" "guest edges of extract vm vs vm run"
expect_status 0 "$OSMOSIS" check again.csv
expect_status 0 /usr/bin/python3 "$TOP/tests/cli/vm_truth.py" again.csv console.log "$Q"

# damaged guest output: a clear error, no output file
bad() {     # bad FILE MESSAGE [extra args]
    local f=$1 msg=$2; shift 2
    rm -f bad.csv
    expect_status 2 "$OSMOSIS" extract vm --qemu-pid "$Q" --guest "$f" -o bad.csv "$@"
    expect_contains "$err" "$msg" "error for $f"
    expect_contains "$err" "nothing joined" "error for $f"
    [ ! -e bad.csv ] || fail "partial output written for $f"
}
head -c -40 guest.out >truncated.out
bad truncated.out "truncated: the header announces"
/usr/bin/python3 -c '
import sys; d = bytearray(open("guest.out", "rb").read()); d[len(d) // 2] ^= 0x20
open("garbled.out", "wb").write(d)'
bad garbled.out "garbled: CRC-32"
: >empty.out
bad empty.out "no guest state"
bad console.log "no guest state"
printf 'OSMOSIS-VM-STATE-FAILED osmosis extract linux failed in the guest\n' >failed.out
bad failed.out "the guest reported a failure"
# a frame that is intact around a hand-damaged CSV (cut mid-row)
sed -n '/^OSMOSIS-VM-STATE-BEGIN/,/^OSMOSIS-VM-STATE-END/p' guest.out | sed '1d;$d' >guest.csv
# cut two thirds in, among the edge rows, and always mid-row: where the cut
# fell at a row's last field, the row read as whole and the MOs after it
# lost their space (the join then read out of bounds, issue 18)
head -c $(( $(wc -c <guest.csv) * 2 / 3 )) guest.csv | sed '$d' >cut.csv
printf ',,NONE,MAP,VMR_' >>cut.csv
"$OSMOSIS" vm send cut.csv >cut.out || fail "vm send failed"
bad cut.out "unusable lines"
bad cut.csv "unusable lines" --unframed
# guest frames in no physical memory space are refused, not joined
grep -v -E '^,,[^,]*,SUBSET,MO_' guest.csv >nospace.csv
grep -q -E '^RESOURCE,MO_' nospace.csv || fail "the guest state has no MO"
bad nospace.csv "are in no physical memory space" --unframed
# and the intact CSV, unframed, joins
expect_status 0 "$OSMOSIS" extract vm --qemu-pid "$Q" --guest guest.csv --unframed -o plain.csv
expect_status 2 "$OSMOSIS" extract vm --qemu-pid $$ --guest guest.out -o bad.csv
expect_contains "$err" "maps no memory-backend-memfd"
echo ok
