#!/bin/bash
# osmosis check and process from the command line: exit codes, JSON, errors.
source "$TOP/tests/cli/lib.sh"

# The real dump breaks rules 2, 3 and 4: exit 1 on any violation (warnings
# by default, errors with --strict); --warn-only reports them and exits 0.
expect_status 1 "$OSMOSIS" check "$GPIKV"
expect_contains "$out" "14 violations (rule 2: 1, rule 3: 1, rule 4: 12)"
expect_contains "$err" "warning: rule 3: RESOURCE_SPACE MO_SPACE_4 is held by no PD"
expect_status 0 "$OSMOSIS" check --warn-only "$GPIKV"
expect_contains "$out" "14 violations (rule 2: 1, rule 3: 1, rule 4: 12); --warn-only: exit 0"
expect_status 1 "$OSMOSIS" check --strict "$GPIKV"
expect_contains "$err" "error: rule 2: resource PCPU_1_0 of type PCPU is drawn from space VCPU_SPACE_5"
expect_status 2 "$OSMOSIS" check --strict --warn-only "$GPIKV"
expect_contains "$err" "exclude each other"
# A rule that holds on the dump: exit 0 without --warn-only.
expect_status 0 "$OSMOSIS" check --rule 1 "$GPIKV"
expect_status 1 "$OSMOSIS" check --json --rule 4 "$GPIKV"
expect_contains "$out" '"4": 12'
expect_contains "$out" '"ok": false'
/usr/bin/python3 -c 'import json,sys; d=json.load(sys.stdin); assert len(d["violations"])==12' <<<"$out" \
    || fail "check --json is not valid JSON with 12 violations"
expect_status 2 "$OSMOSIS" check --rule 9 "$GPIKV"
expect_status 2 "$OSMOSIS" check /nonexistent/file
expect_contains "$err" "/nonexistent/file: error: cannot open"

# A clean hand-made state passes --strict; stdin works.
cat > clean.csv <<'CSV'
PD,ROOT,ROOT_TASK,,,,
PD,P1,client,,,,
RESOURCE_SPACE,F_S,FILE,,,,
RESOURCE,F_1,FILE,,,,
,,NONE,HOLD,ROOT,F_S,
,,NONE,SUBSET,F_1,F_S,
,,RW,HOLD,P1,F_1,
,,NONE,HOLD,ROOT,F_1,
,,FILE,REQUEST,P1,ROOT,
CSV
expect_status 0 "$OSMOSIS" check --strict - <clean.csv
expect_contains "$out" "<stdin>: ok, all 7 rules hold"

# process: a PD with two VCPUs of its own becomes two PDs.
cat > two.csv <<'CSV'
PD,PD_0,ROOT_TASK,,,,
PD,PD_5,worker,,,,
RESOURCE_SPACE,VS,VCPU,,,,
RESOURCE,V1,VCPU,,,,
RESOURCE,V2,VCPU,,,,
,,NONE,HOLD,PD_0,VS,
,,NONE,SUBSET,V1,VS,
,,NONE,SUBSET,V2,VS,
,,NONE,HOLD,PD_5,V1,
,,NONE,HOLD,PD_5,V2,
CSV
expect_status 0 "$OSMOSIS" process --json two.csv
expect_contains "$out" '"pds_added":1'
expect_status 0 "$OSMOSIS" process two.csv -o split.csv
grep -q '^PD,PD_5.0,worker' split.csv && grep -q '^,,NONE,HOLD,PD_5.1,V2,' split.csv \
    || fail "split.csv lacks the copies: $(cat split.csv)"
grep -q 'HOLD,PD_5.0,V2' split.csv && fail "PD_5.0 kept its sibling's VCPU"
# The real dump is not split.
expect_status 0 "$OSMOSIS" process --json "$GPIKV"
expect_contains "$out" '"pds_added":0'
exit 0
