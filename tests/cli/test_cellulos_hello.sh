#!/bin/bash
# cellulos run hello: a PD receives an MO from its creator, writes to it, the
# creator reads the bytes; the dump shows PDs, ADSes, VMRs, MOs with real
# frames and the map edges, and passes `osmosis check --strict`.
source "$TOP/tests/cli/lib.sh"

expect_status 0 "$CELLULOS" run hello --dump state.csv --debug-invariants --verbose
expect_contains "$out" 'read "hello from PD_2" written by PD_2'
expect_contains "$out" "scenario hello: ok"
# the linked child died with its creator (killed by the root task)
expect_contains "$err" "PD_1 (hello) ended with status 0"
expect_contains "$err" "PD_2 (hello.child) ended with status -9"

expect_status 0 "$OSMOSIS" check --strict state.csv
csv=$(cat state.csv)
expect_contains "$csv" "PD,PD_0,ROOT_TASK"
expect_contains "$csv" "PD,PD_1,hello,"
expect_contains "$csv" "PD,PD_2,hello.child,"
expect_contains "$csv" ",,ADS,REQUEST,PD_2,PD_0,"
# one one-page MO, mapped by a VMR in each PD's own address space (the other
# MOs are the PDs' malloc heaps, 64 pages each)
mo=$(grep -c '^RESOURCE,MO_1_[0-9a-f]*,MO,,,,0x[0-9a-f]*_1_12$' state.csv)
expect_eq "$mo" 1 "MO count"
expect_eq "$(grep -c '^RESOURCE,VMR_[0-9a-f]*_[0-9a-f]*,VMR,,,,0x[0-9a-f]*_SHARED_FRAMES_1_12$' state.csv)" 2 "VMRs"
expect_eq "$(grep -c ',MAP,VMR_[0-9a-f_]*,MO_1_1,' state.csv)" 2 "VMR -> MO maps"
expect_contains "$csv" ",,RW,MAP,VMR_"
expect_contains "$csv" ",,R,MAP,VMR_"
expect_contains "$csv" ",,NONE,MAP,ADS_SPACE_"
# the MO's frame comes from pagemap: a non-zero physical address
paddr=$(grep '^RESOURCE,MO_1_1,MO,' state.csv | cut -d, -f7 | cut -d_ -f1)
[ "$paddr" != "0" ] && [ "$paddr" != "0x0" ] || fail "MO has no physical frame: $paddr"
# same scenario, same model (apart from addresses and frames)
expect_status 0 "$CELLULOS" run hello --dump again.csv
norm() { sed -E 's/0x[0-9a-f]+_/ADDR_/' "$1"; }
expect_eq "$(norm again.csv)" "$(norm state.csv)" "dump of a second run"

# usage errors
expect_status 2 "$CELLULOS" run nosuch
expect_status 2 "$CELLULOS" run hello --policy 9z
expect_status 2 "$CELLULOS"
expect_status 0 "$CELLULOS" --help
expect_contains "$out" "cellulos run NAME"
# a PD program started outside the root task refuses to run
expect_status 127 "$BUILD/bin/cel-hello"
expect_contains "$err" "not started by the cellulos root task"
