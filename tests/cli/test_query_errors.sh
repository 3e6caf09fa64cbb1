#!/bin/bash
# Bad input to the query verbs: clear errors with exit 2, never a crash or a
# hang; cyclic states are answered.
source "$TOP/tests/cli/lib.sh"

expect_status 2 "$OSMOSIS" tcb "$GPIKV" PD_99
expect_contains "$err" "no node 'PD_99'"
expect_status 2 "$OSMOSIS" tcb "$GPIKV" MO_4_1
expect_contains "$err" "not a PD"
expect_status 2 "$OSMOSIS" tcb "$GPIKV" PD_1 --types NOPE
expect_contains "$err" "type 'NOPE' appears nowhere"
expect_status 2 "$OSMOSIS" tcb "$GPIKV" PD_1 --mode Q
expect_contains "$err" "bad mode"
expect_status 2 "$OSMOSIS" tcb "$GPIKV" PD_1 --property Z
expect_status 2 "$OSMOSIS" ib "$GPIKV" PD_1 --property I --mode R
expect_status 2 "$OSMOSIS" rsi "$GPIKV" PD_1 PD_2 --type NOPE
expect_status 2 "$OSMOSIS" fr "$GPIKV" PD_1
expect_status 2 "$OSMOSIS" cleanup "$GPIKV" PD_1 --policy 3c
expect_status 2 "$OSMOSIS" cleanup "$GPIKV" PD_1 --pd-depth 1
expect_status 2 "$OSMOSIS" cleanup "$GPIKV" PD_1 --pd-depth -1 --rs-depth 0
expect_status 2 "$OSMOSIS" bfs "$GPIKV" PD_1 --edges hold,bogus --dir fwd
expect_status 2 "$OSMOSIS" bfs "$GPIKV" PD_1 --edges hold --dir sideways
expect_status 2 "$OSMOSIS" tcb /nonexistent PD_1
expect_status 0 "$OSMOSIS" tcb --help
expect_contains "$out" "usage: osmosis tcb"

# A state full of cycles: MAP and SUBSET loops, REQUEST and control rings.
cat > cyc.csv <<'CSV'
NODE_TYPE,NODE_ID,DATA,EDGE_TYPE,EDGE_FROM,EDGE_TO,EXTRA
PD,A,ROOT_TASK,,,,
PD,B,app,,,,
PD,C,app,,,,
RESOURCE_SPACE,S1,MO,,,,
RESOURCE_SPACE,S2,MO,,,,
RESOURCE,M1,MO,,,,0x0_4_12
RESOURCE,M2,MO,,,,0x0_2_12
,,RW,HOLD,B,M1,
,,R,HOLD,C,M2,
,,NONE,MAP,M1,M2,
,,NONE,MAP,M2,M1,
,,NONE,SUBSET,M1,S1,
,,NONE,SUBSET,M2,S2,
,,NONE,MAP,S1,S2,
,,NONE,MAP,S2,S1,
,,NONE,HOLD,A,S1,
,,NONE,HOLD,C,S2,
,,MO,REQUEST,B,C,
,,MO,REQUEST,C,B,
,,T,HOLD,B,C,
,,T,HOLD,C,B,
CSV
expect_status 0 timeout 20 "$OSMOSIS" tcb cyc.csv B --json
expect_eq "$out" '{"query":"tcb","pd":"B","types":null,"mode":"ANY","property":"A","names":{"A":"ROOT_TASK","C":"app"},"result":["A","C"]}'
# B -> C -> B is a REQUEST chain of two edges, but B is never its own server.
expect_status 0 timeout 20 "$OSMOSIS" indirect-servers cyc.csv B --json
expect_contains "$out" '"result":["A","C"]'
expect_status 0 timeout 20 "$OSMOSIS" ib cyc.csv --all --json
expect_status 0 timeout 20 "$OSMOSIS" fr cyc.csv B C --json
expect_contains "$out" '"result":0'
expect_status 0 timeout 20 "$OSMOSIS" rsi cyc.csv B C --json
expect_contains "$out" '"MO":1'
expect_status 0 timeout 20 "$OSMOSIS" cleanup cyc.csv C --policy 2b --json
expect_contains "$out" '"pds_destroyed":["B","C"]'
expect_status 0 timeout 20 "$OSMOSIS" bfs cyc.csv B --edges hold,map,subset,request --dir both --json

# gen: same seed, same bytes; different seed, different bytes.
"$OSMOSIS" gen --seed 3 --pds 20 --resources 500 -o a.csv || fail "gen"
"$OSMOSIS" gen --seed 3 --pds 20 --resources 500 > b.csv || fail "gen stdout"
cmp -s a.csv b.csv || fail "gen is not deterministic"
"$OSMOSIS" gen --seed 4 --pds 20 --resources 500 > c.csv
cmp -s a.csv c.csv && fail "seed does not matter"
expect_status 0 "$OSMOSIS" tcb a.csv --all --json
expect_status 2 "$OSMOSIS" gen --pds 3
# and what it writes is well-formed (every MODEL.md §1 rule holds).
expect_status 0 "$OSMOSIS" check a.csv
