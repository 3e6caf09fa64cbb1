#!/bin/bash
# cellulos run heap: a PD mallocs 8 MiB (and small, aligned and resized
# blocks); its malloc heap is served from MOs, so the model shows an MO of
# exactly 8 MiB held by the PD, mapped by a VMR in its own ADS, and the
# heap's MOs cover everything it asked for.  brk is denied to PDs (the
# escape scenario checks that an attempt is recorded).
source "$TOP/tests/cli/lib.sh"

expect_status 0 "$CELLULOS" run heap --dump state.csv --debug-invariants
expect_contains "$out" "scenario heap: ok (0 denial(s) recorded)"
run_out=$out
expect_status 0 "$OSMOSIS" check --strict state.csv

# the 8 MiB block: one MO of 2048 pages, held RW by PD_1, with a real frame
big=$(grep '^RESOURCE,MO_1_[0-9a-f]*,MO,,,,0x[0-9a-f]*_2048_12$' state.csv | cut -d, -f2)
expect_eq "$(echo "$big" | grep -c .)" 1 "8 MiB MOs"
expect_contains "$(cat state.csv)" ",,RW,HOLD,PD_1,$big,"
paddr=$(grep "^RESOURCE,$big,MO," state.csv | cut -d, -f7 | cut -d_ -f1)
[ "$paddr" != "0x0" ] || fail "the heap MO has no frame"
# mapped by a VMR of the same size in PD_1's ADS
ads=$(grep '^,,RW,HOLD,PD_1,ADS_SPACE_' state.csv | cut -d, -f6)
vmr=$(grep ",MAP,VMR_[0-9a-f_]*,$big,\$" state.csv | cut -d, -f5)
expect_contains "$(cat state.csv)" ",,NONE,SUBSET,$vmr,$ads,"
expect_contains "$(grep "^RESOURCE,$vmr," state.csv)" "_SHARED_FRAMES_2048_12"
# every MO PD_1 holds is its heap; together at least the 8 MiB plus the rest
pages=0
for mo in $(grep '^,,RW,HOLD,PD_1,MO_' state.csv | cut -d, -f6); do
    n=$(grep "^RESOURCE,$mo,MO," state.csv | cut -d, -f7 | cut -d_ -f2)
    pages=$((pages + n))
done
[ "$pages" -ge 2048 ] || fail "PD_1's MOs hold $pages pages, fewer than its heap"
kib=$(echo "$run_out" | sed -n 's/.*heap of \([0-9]*\) KiB in.*/\1/p')
expect_eq "$((pages * 4))" "$kib" "the PD's own count of its heap vs the model"
