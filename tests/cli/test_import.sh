#!/bin/bash
# osmosis import / info on the corpus and on broken inputs: clear messages
# with line numbers, exit 2 when nothing is usable, 0 (1 with --strict) when
# the input is usable with problems, never a crash, and -o written whole or
# not at all.
source "$TOP/tests/cli/lib.sh"
HDR='NODE_TYPE,NODE_ID,DATA,EDGE_TYPE,EDGE_FROM,EDGE_TO,EXTRA'

# A crash (signal, sanitizer report) is never an acceptable answer.
no_crash() {
    [ "$status" -lt 128 ] || fail "'$1' died with status $status: ${err:0:2000}"
    expect_not_contains "$err" "Sanitizer" "stderr of $1"
    expect_not_contains "$err" "runtime error" "stderr of $1"
}

# ---- the corpus ------------------------------------------------------------
expect_status 0 "$OSMOSIS" import "$GPIKV" -o norm.csv
expect_eq "$out" "" "stdout with -o"
expect_eq "$err" "" "stderr on a clean import"
expect_eq "$(head -n 1 norm.csv)" "$HDR" "header"
expect_eq "$(grep -c '^PD,' norm.csv)" 5 "PD rows"
expect_eq "$(grep -c '^RESOURCE_SPACE,' norm.csv)" 9 "space rows"
expect_eq "$(grep -c '^RESOURCE,' norm.csv)" 1094 "resource rows"
expect_eq "$(grep -c '^,,' norm.csv)" 2818 "edge rows (2814 read + 4 control)"
expect_eq "$(grep -c '^,,RWT,HOLD,PD_0,PD_' norm.csv)" 4 "control edges"
# import -> write -> import -> write is byte-identical (and so is stdout).
expect_status 0 "$OSMOSIS" import norm.csv -o norm2.csv
cmp norm.csv norm2.csv || fail "import of the written file differs"
expect_status 0 "$OSMOSIS" import - <norm.csv
expect_eq "$out" "$(cat norm.csv)" "import - to stdout"
# A pipe (read through memory) and a stdin that does not start at offset 0
# (streamed and rewound relative to where it starts).
cat norm.csv | "$OSMOSIS" import - >piped.csv 2>piped.err || fail "import from a pipe"
cmp norm.csv piped.csv || fail "import from a pipe differs"
{ read -r _; "$OSMOSIS" import - >offset.csv 2>offset.err; } <norm.csv || fail "import of a read stdin"
cmp norm.csv offset.csv || fail "import of a stdin past its header differs"
expect_eq "$(cat offset.err)" "" "stderr of the stdin past its header"
expect_status 0 "$OSMOSIS" import --no-control "$GPIKV"
expect_eq "$(grep -c '^,,' <<<"$out")" 2814 "edges without control"

expect_status 0 "$OSMOSIS" info "$GPIKV"
expect_contains "$out" "5 PD, 9 RESOURCE_SPACE, 1094 RESOURCE), 2814 edges"
expect_contains "$out" "1642 HOLD 58 MAP 1094 SUBSET 20 REQUEST"
expect_contains "$out" "4 control edges"
expect_status 0 "$OSMOSIS" info --json "$GPIKV"
json=$out
expect_status 0 /usr/bin/python3 -c '
import json, sys
j = json.loads(sys.argv[1])
r = j["read"]
assert r["nodes"] == {"PD": 5, "RESOURCE": 1094, "RESOURCE_SPACE": 9}, r["nodes"]
assert r["edges"]["HOLD"] == 1642 and r["edges"]["SUBSET"] == 1094, r["edges"]
assert r["edges"]["MAP"] == 58 and r["edges"]["REQUEST"] == 20, r["edges"]
assert r["problems"] == 0
assert j["added"]["control_edges"] == 4
assert j["total"]["edges"] == 2818
' "$json"
expect_status 0 "$OSMOSIS" import --json "$GPIKV"
expect_contains "$out" '"control_added":4'
expect_status 0 "$OSMOSIS" info - <"$GPIKV"
expect_contains "$out" "2814 edges"

# ---- broken rows: usable with problems -----------------------------------------
{
    echo "seL4 booting"                     # 1 noise
    echo "$HDR"                             # 2
    echo "PD,PD_0,ROOT_TASK,,,,"            # 3
    echo "PD,PD_1,app,,,,"                  # 4
    echo "RESOURCE,M,MO,,,,0x0_1_12"        # 5
    echo "RESOURCE,TRUNC,MO"                # 6 truncated
    echo "WIDGET,W,MO,,,,"                  # 7 unknown node kind
    echo ",,R,YANK,PD_0,M,"                 # 8 unknown edge kind
    echo ",,R,HOLD,PD_1,MISSING,"           # 9 missing node
    echo ",,,REQUEST,PD_1,PD_0,"            # 10 REQUEST without type
    echo ",,RW,HOLD,PD_1,M,"                # 11 fine
} >broken.csv
expect_status 0 "$OSMOSIS" import broken.csv -o broken.out
no_crash "import broken.csv"
expect_contains "$err" "broken.csv:1: warning: not a CSV row"
expect_contains "$err" "broken.csv:6: warning: truncated row: 3 of 7 columns"
expect_contains "$err" "broken.csv:7: warning: unknown node kind 'WIDGET'"
expect_contains "$err" "broken.csv:8: warning: unknown edge kind 'YANK'"
expect_contains "$err" "broken.csv:9: warning: edge names node 'MISSING', which is never declared"
expect_contains "$err" "broken.csv:10: warning: REQUEST edge without a resource type"
expect_eq "$(grep -c . <<<"$err")" 6 "one message per bad line"
expect_eq "$(grep -c '^,,RW,HOLD,PD_1,M,' broken.out)" 1 "the good edge"
# --strict: the same messages as errors, exit 1, the output still written.
rm -f broken.out
expect_status 1 "$OSMOSIS" import --strict broken.csv -o broken.out
expect_contains "$err" "broken.csv:9: error: edge names node 'MISSING'"
[ -s broken.out ] || fail "--strict did not write the usable state"
expect_status 1 "$OSMOSIS" info --strict broken.csv
expect_status 0 "$OSMOSIS" info --json broken.csv
expect_contains "$out" '"problems": 6'

# ---- nothing usable: exit 2, and -o never touched ----------------------------------
echo "precious" >keep.csv
check_unusable() {     # check_unusable WHAT FILE MESSAGE
    expect_status 2 "$OSMOSIS" import "$2" -o keep.csv
    no_crash "import $1"
    expect_contains "$err" "$3" "import $1"
    expect_eq "$(cat keep.csv)" "precious" "keep.csv after import $1"
    expect_status 2 "$OSMOSIS" info "$2"
    no_crash "info $1"
    expect_contains "$err" "$3" "info $1"
    expect_status 2 "$OSMOSIS" info --json "$2"
    expect_eq "$out" "" "info --json stdout on $1"
}
: >empty.csv
check_unusable "an empty file" empty.csv "empty.csv: error: empty input"
head -c 100000 /dev/urandom | tr -d ',' >garbage.bin
check_unusable "binary garbage" garbage.bin "garbage.bin: error: no usable row in the input"
printf '%s\nhello\n\n' "$HDR" >noise.csv
check_unusable "only noise" noise.csv "noise.csv:2: warning: not a CSV row"
mkdir adir
check_unusable "a directory" adir "adir: error: is a directory"
check_unusable "a missing file" no/such.csv "no/such.csv: error: cannot open: No such file or directory"
# A 100 MB line, without a newline at the end.
head -c 100000000 /dev/zero | tr '\0' 'x' >long.csv
check_unusable "a 100 MB line" long.csv "long.csv:1: warning: not a CSV row"
expect_contains "$err" "...\"" "the long line is shown shortened"
# The same line after a usable row: exit 0, the row is kept.
{ echo "PD,P,ROOT_TASK,,,,"; cat long.csv; } >long2.csv
expect_status 0 "$OSMOSIS" import long2.csv -o long2.out
expect_contains "$err" "long2.csv:2: warning: not a CSV row"
expect_eq "$(cat long2.out)" "$HDR
PD,P,ROOT_TASK,,,," "long2 output"
printf '' | "$OSMOSIS" import - -o keep.csv 2>pipe.err
expect_eq "$?" 2 "status of an empty pipe"
expect_contains "$(cat pipe.err)" "<stdin>: error: empty input"
expect_eq "$(cat keep.csv)" "precious" "keep.csv after an empty pipe"

# No temporary output files are left behind, on success or failure.
leftover=$(ls | grep -c '\.tmp\.' || true)
expect_eq "$leftover" 0 "temporary files left"

# Usage errors.
expect_status 2 "$OSMOSIS" import
expect_status 2 "$OSMOSIS" import a b
expect_status 2 "$OSMOSIS" import --bogus "$GPIKV"
expect_status 0 "$OSMOSIS" import --help
expect_contains "$out" "usage: osmosis import"
echo "ok"
