#!/bin/bash
# osmosis whatif / harden / tcb --rank.  The answers are checked against a
# brute force (tests/cli/harden_check.py: delete the cut from the CSV file,
# re-run tcb / ib) on generated states and on the real GPIKV dump.
source "$TOP/tests/cli/lib.sh"
cd "$TMPDIR"

"$OSMOSIS" gen --seed 9 --pds 10 --resources 60 --shared 30 --servers 2 -o g10.csv
"$OSMOSIS" gen --seed 5 --pds 8 --resources 50 --servers 1 -o g8.csv
for args in "g10.csv PD_5 A" "g10.csv PD_9 I" "g8.csv PD_6 C" "g8.csv PD_7 A" \
            "$GPIKV PD_4 A"; do
    set -- $args
    /usr/bin/python3 "$TOP/tests/cli/harden_check.py" "$OSMOSIS" "$1" "$2" "$3" "$TMPDIR" \
        || fail "brute force disagrees on $args"
done

# The one cut that matters on this state: PD_3 and PD_4 share with PD_6
# nothing but MO_SPACE_0, the pool every PD draws on.
expect_status 0 "$OSMOSIS" harden g8.csv PD_6 --json
expect_contains "$out" '"result":[{"cut":"node:MO_SPACE_0","count":2,"removes":["PD_3","PD_4"]}]'
expect_status 0 "$OSMOSIS" harden g8.csv PD_6
expect_contains "$out" 'node:MO_SPACE_0'
expect_contains "$out" 'to take PD_0 (ROOT_TASK) out:'

# Minimum cut on the real dump: PD_4 reaches PD_3's files two ways.
expect_status 0 "$OSMOSIS" harden "$GPIKV" PD_4 --member PD_3 --json
expect_contains "$out" '"min_cuts":[{"member":"PD_3","in_tcb":true,"exact":true,"cuts":['

# whatif: before/after per property, and the PDs that leave.
expect_status 0 "$OSMOSIS" whatif g8.csv PD_6 --cut node:MO_SPACE_0
expect_contains "$out" 'property A'
expect_contains "$out" 'property C'
expect_contains "$out" 'leave:'
expect_status 0 "$OSMOSIS" whatif g8.csv PD_6 --cut control:PD_0 --cut kind:REQUEST --property A --json
expect_contains "$out" '"cuts":["control:PD_0","kind:REQUEST"]'
expect_not_contains "$out" '"I":'

# tcb --rank: the root task controls everyone (RWT) and comes first.
expect_status 0 "$OSMOSIS" tcb g8.csv PD_6 --rank
expect_contains "$(echo "$out" | sed -n 3p)" 'control          PD_0'
expect_status 0 "$OSMOSIS" tcb g8.csv PD_6 --rank --json --why
expect_contains "$out" '"ranked":[{"pd":"PD_0","name":"ROOT_TASK","way":"control"'

# Bad input: clear errors, exit 2.
expect_status 2 "$OSMOSIS" whatif g8.csv PD_6
expect_contains "$err" 'give at least one --cut'
expect_status 2 "$OSMOSIS" whatif g8.csv PD_6 --cut node:NOPE
expect_contains "$err" "no node 'NOPE'"
expect_status 2 "$OSMOSIS" whatif g8.csv PD_6 --cut size:3
expect_contains "$err" "unknown cut kind 'size'"
expect_status 2 "$OSMOSIS" whatif g8.csv PD_6 --cut node:PD_6
expect_contains "$err" 'removes PD_6 itself'
expect_status 2 "$OSMOSIS" harden g8.csv PD_6 --top x
expect_status 2 "$OSMOSIS" harden g8.csv PD_6 --member PD_6
expect_status 2 "$OSMOSIS" tcb g8.csv PD_6 --rank --all
for v in whatif harden; do
    expect_status 0 "$OSMOSIS" $v --help
    expect_contains "$out" "usage: osmosis $v"
done
echo "ok"
