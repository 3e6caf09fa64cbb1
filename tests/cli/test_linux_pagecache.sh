#!/bin/bash
# Page-cache writers (issue 20): W on a frame means "can change what the
# others mapping it see".
#   R1, R2  mmap file f MAP_SHARED read-only; WF write(2)s f (fd O_RDWR)
#   PV      maps g MAP_PRIVATE read-write and reads it (the only mapping of
#           g's pages, so pagemap calls them exclusive); WG writes g
#   PW      the same on h, then writes page 1 (a private anonymous copy);
#           WH writes h
# Each helper reports its pages from its own pagemap (PFN, page-cache bit
# 61, exclusive bit 56): the kernel's answer the model is checked against.
source "$TOP/tests/cli/lib.sh"
source "$TOP/tests/cli/linux_lib.sh"

for f in f g h; do head -c $((8 * 4096)) /dev/urandom >"$f"; done
start() {   # start MODE FILE NAME: sets the pid variable NAME
    "$HELPERS/linux_pagecache" "$1" "$2" "$3.out" </dev/null >/dev/null 2>&1 &
    LX_PIDS+=($!)
    printf -v "$3" %s $!
}
start read f R1; start read f R2; start write f WF
start private g PV; start write g WG
start private-write h PW; start write h WH
for n in R1 R2 WF PV WG PW WH; do wait_file "$n.out"; done

expect_status 0 "$OSMOSIS" extract linux --pid "$R1,$R2,$WF,$PV,$WG,$PW,$WH" --pages -o pc.csv
expect_status 0 "$OSMOSIS" check pc.csv

# frames NAME [FILEBIT]: the MO IDs of the pages a helper reported (only
# page-cache ones with 1, only private anonymous ones with 0).
frames() {
    awk -v want="${2:-}" 'NR > 1 && (want == "" || $3 == want) { printf "MO_%x\n", $2 }' "$1.out" | sort -u
}
# maps_from SRC: the targets of the MAP edges from SRC.
maps_from() { awk -F, -v s="$1" '$4 == "MAP" && $5 == s { print $6 }' pc.csv | sort -u; }
q() {
    "$OSMOSIS" shared-resources pc.csv "PD_$1" "${@:2}" --json |
        python3 -c 'import json, sys; print(" ".join(sorted(json.load(sys.stdin)["result"])))'
}
fid() { awk -F, -v p="$PWD/$1" '$1 == "RESOURCE" && $7 == p { print $2 }' pc.csv; }
F=$(fid f); G=$(fid g); H=$(fid h)
[ -n "$F" ] && [ -n "$G" ] && [ -n "$H" ] || fail "no FILE resources for f, g, h"

# ---- the kernel's view
[ "$(frames R1 1 | wc -l)" -eq 8 ] || fail "R1: 8 page-cache frames expected: $(cat R1.out)"
expect_eq "$(frames R2)" "$(frames R1)" "the readers map the same frames"
expect_eq "$(frames PW 0 | wc -l)" 1 "PW: one private anonymous frame (the written page)"
expect_eq "$(awk 'NR > 1 && $1 == 1 { print $3 }' PW.out)" 0 "PW's page 1 is private"

# ---- a file MAPs to its page-cache frames (exactly those mapped)
expect_eq "$(maps_from "$F")" "$(frames R1)" "f's page-cache frames"
expect_eq "$(maps_from "$G")" "$(frames PV)" "g's page-cache frames"
expect_eq "$(maps_from "$H")" "$(frames PW 1)" "h's page-cache frames (not the copied page)"
expect_eq "$(awk -F, -v f="$F" '$4 == "MAP" && $5 == f { print $3 }' pc.csv | sort -u)" RWS "perms of f -> MO"

# ---- the writer of f is among the readers' W sharers of frames, and only it
expect_eq "$(q "$R1" --types MO --mode W)" "PD_$WF" "who can change R1's frames"
expect_eq "$(q "$R2" --types MO --mode W)" "PD_$WF" "who can change R2's frames"
expect_contains "$("$OSMOSIS" shared-resources pc.csv "PD_$R1" --types MO --mode W --why)" \
    "<-MAP- $F <-HOLD- PD_$WF" "the chain names the file"
expect_contains "$(q "$R1" --types MO)" "PD_$R2" "the readers share frames"

# ---- a private writable mapping does not write the page cache
for m in $(frames PV); do
    expect_eq "$(edge_perms pc.csv MAP "$(awk -F, -v p="VMR_${PV}_" -v m="$m" '$4 == "MAP" && index($5, p) == 1 && $6 == m { print $5 }' pc.csv)" "$m")" \
        RP "PV's map onto $m"
done
expect_eq "$(q "$WG" --types MO --mode W)" "" "PV cannot change what WG sees"
expect_eq "$(q "$PV" --types MO --mode W)" "PD_$WG" "WG can change what PV sees (until PV writes)"

# ---- after a write the page is PW's own: writable, mapped and held by PW only
P1=$(frames PW 0)
expect_eq "$(awk -F, -v m="$P1" '$1 == "" && $6 == m { print $4 " " $5 " " $3 }' pc.csv | sed "s/_${PW}_[0-9a-f]*/_PW/" | sort)" \
    "HOLD PD_$PW RWP
MAP VMR_PW RWP" "edges into the written page"
expect_eq "$(q "$WH" --types MO --mode W)" "" "PW cannot change what WH sees"
expect_eq "$(q "$PW" --types MO --mode W)" "PD_$WH" "WH can change h's other pages PW sees"
echo ok
