#!/bin/bash
# Shared memory: a memfd mapped MAP_SHARED by two processes is shared with
# W; two unrelated processes share libc code frames only for R.  The
# extraction passes `osmosis check`.
source "$TOP/tests/cli/lib.sh"
source "$TOP/tests/cli/linux_lib.sh"

"$HELPERS/linux_share" pids &
LX_PIDS+=($!)
wait_file pids
read -r P C <pids
LX_PIDS+=("$C")
sleep 1000 & LX_PIDS+=($!); S1=$!
sleep 1000 & LX_PIDS+=($!); S2=$!

expect_status 0 "$OSMOSIS" extract linux --pid "$P,$C,$S1,$S2" -o s.csv
expect_status 0 "$OSMOSIS" check s.csv

# both map the same MEMFD resource, shared and writable
vp=$(reach s.csv "PD_$P" W MEMFD); vc=$(reach s.csv "PD_$C" W MEMFD)
[ -n "$vp" ] || fail "parent reaches no MEMFD with W"
expect_eq "$vp" "$vc" "MEMFD reached with W by parent and child"
mapline=$(awk -F, -v p="VMR_${P}_" '$4 == "MAP" && index($5, p) == 1 && index($6, "MEMFD_") == 1 { print $3 }' s.csv | head -n 1)
expect_eq "$mapline" "RWS" "perms of the parent's VMR -> MEMFD map"

# frames: shared with W between parent and child
wp=$(reach s.csv "PD_$P" W); wc_=$(reach s.csv "PD_$C" W)
common=$(comm -12 <(echo "$wp") <(echo "$wc_") | grep -c .)
[ "$common" -ge 1 ] || fail "parent and child share no MO with mode W"

# two sleeps: libc code frames shared for R, nothing for W
r1=$(reach s.csv "PD_$S1" R); r2=$(reach s.csv "PD_$S2" R)
rc=$(comm -12 <(echo "$r1") <(echo "$r2") | grep -c .)
[ "$rc" -ge 1 ] || fail "two sleeps share no MO with mode R (libc code)"
w1=$(reach s.csv "PD_$S1" W); w2=$(reach s.csv "PD_$S2" W)
wcnt=$(comm -12 <(echo "$w1") <(echo "$w2") | grep -c .)
expect_eq "$wcnt" "0" "MOs two sleeps share with mode W"
# and they map the same libc FILE, read-only
f1=$(reach s.csv "PD_$S1" R FILE | grep -c .)
[ "$f1" -ge 2 ] || fail "sleep maps fewer than 2 files"

# describe names the sharer in words, and the TCB sizes
expect_status 0 "$OSMOSIS" describe s.csv "PD_$P"
expect_contains "$out" "writable memory shared with:
  PD_$C (linux_share) via "
expect_contains "$out" "TCB size: A="
expect_status 0 "$OSMOSIS" describe s.csv "PD_$S1"
expect_contains "$out" "writable memory shared with: nobody"

# JSON output is one document with nodes and edges
expect_status 0 "$OSMOSIS" extract linux --pid "$P" --format json -o s.json --no-phys
expect_contains "$(head -c 200 s.json)" '"nodes":['
echo ok
