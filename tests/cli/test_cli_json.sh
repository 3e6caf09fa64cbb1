#!/bin/bash
# Every verb `osmosis --help` lists takes --help (exit 0, its own usage,
# which mentions --json) and --json (valid JSON on stdout).  The verb list
# comes from `osmosis --help`, so a new verb without a line below fails here.
source "$TOP/tests/cli/lib.sh"
# `report` links Graphviz, whose one-time allocations (fontconfig caches)
# LeakSanitizer would report under the ASan build: tests/cli/graphviz.supp.
export ASAN_OPTIONS="${ASAN_OPTIONS:-}:fast_unwind_on_malloc=0"
export LSAN_OPTIONS="suppressions=$TOP/tests/cli/graphviz.supp${LSAN_OPTIONS:+:$LSAN_OPTIONS}"
S=$GPIKV
SDF=$CORPUS/microkit-sdf/examples/hello.system
"$OSMOSIS" gen --seed 1 --pds 4 --resources 30 -o g.csv || fail "gen"
"$OSMOSIS" extract linux --pid $$ -o me.csv 2>/dev/null || fail "extract linux --pid $$"

# verb -> one real invocation with --json ("|"-separated when more than one).
declare -A runs=(
    [bfs]="bfs $S PD_1 --edges hold --dir fwd --depth 1 --json"
    [can-control]="can-control $S PD_4 --json"
    [check]="check $S --warn-only --json|check g.csv --json"
    [cleanup]="cleanup $S PD_2 --policy 2b --json"
    [compare]="compare $S:PD_4 g.csv:PD_1 --json"
    [harden]="harden $S PD_4 --json"
    [whatif]="whatif $S PD_4 --cut control:PD_0 --json"
    [control-by]="control-by $S PD_0 --json"
    [describe]="describe me.csv PD_$$ --json"
    [export]="export $S --format dot -o e.dot --json"
    [extract]="extract --json|extract linux --pid $$ --json|extract sdf $SDF --json"
    [fr]="fr $S PD_1 PD_4 --json"
    [gen]="gen --seed 2 --pds 5 --resources 40 --json|gen --seed 2 --pds 5 --resources 40 -o g2.csv --json"
    [ib]="ib $S PD_3 --property I --json"
    [import]="import $S -o i.csv --json"
    [indirect-servers]="indirect-servers $S PD_4 --json"
    [info]="info $S --json"
    [process]="process $S -o p.csv --json"
    [report]="report $S -o r.html --json"
    [rsi]="rsi $S PD_1 PD_4 --json"
    [servers]="servers $S PD_4 --json"
    [shared-resources]="shared-resources $S PD_4 --json"
    [shared-spaces]="shared-spaces $S PD_4 --json"
    [tcb]="tcb $S PD_4 --json"
    [vm]="vm --json|vm send --to /dev/null g.csv --json"
)
# Subcommands whose run needs QEMU (slow, tests/cli/test_vm_*.sh boot it):
# only their --help is checked here.
helps_only="extract linux|extract sdf|extract vm|vm run|vm send"

verbs=$("$OSMOSIS" --help | awk '/^verbs:/ { on = 1; next } on && /^$/ { exit } on { print $1 }')
[ "$(wc -w <<<"$verbs")" -ge 20 ] || fail "osmosis --help lists too few verbs: $verbs"
for v in $verbs; do
    expect_status 0 "$OSMOSIS" "$v" --help
    expect_contains "$out" "usage: osmosis $v" "osmosis $v --help"
    expect_contains "$out" "--json" "osmosis $v --help"
    [ -n "${runs[$v]:-}" ] || fail "no --json invocation of verb '$v' in this test"
    IFS='|' read -ra cmds <<<"${runs[$v]}"
    for cmd in "${cmds[@]}"; do
        # shellcheck disable=SC2086
        "$OSMOSIS" $cmd > json.out 2> json.err
        rc=$?
        [ "$rc" -le 1 ] || fail "osmosis $cmd exited $rc: $(cat json.err)"
        python3 -m json.tool json.out >/dev/null 2>&1 \
            || fail "osmosis $cmd: stdout is not JSON: $(clip "$(cat json.out)")"
    done
done
IFS='|' read -ra subs <<<"$helps_only"
for sub in "${subs[@]}"; do
    # shellcheck disable=SC2086
    expect_status 0 "$OSMOSIS" $sub --help
    expect_contains "$out" "usage: osmosis $sub" "osmosis $sub --help"
    expect_contains "$out" "--json" "osmosis $sub --help"
done

# What the state-building summaries say is true of what they wrote.
gen=$("$OSMOSIS" gen --seed 2 --pds 5 --resources 40 -o g4.csv --json)
info=$("$OSMOSIS" info g4.csv --json)
python3 -c '
import json, sys
g, i = json.loads(sys.argv[1]), json.loads(sys.argv[2])
assert g["output"] == "g4.csv" and g["verb"] == "gen", g
assert g["nodes"] == sum(i["read"]["nodes"].values()), (g, i["read"])
assert list(g) == sorted(g), "keys not sorted"
' "$gen" "$info" || fail "gen --json: $gen against info: $(clip "$info")"
expect_status 0 "$OSMOSIS" gen --seed 2 --pds 5 --resources 40 --json
expect_contains "$out" '"output":null'
expect_not_contains "$out" "PD," "gen --json without -o (no CSV on stdout)"
# Dispatchers: a bad kind says so once; --json with extra words is refused.
expect_status 2 "$OSMOSIS" extract --bogus
[ "$(grep -o "try 'osmosis extract --help'" <<<"$err" | wc -l)" -eq 1 ] \
    || fail "extract's hint is not printed exactly once: $err"
expect_status 2 "$OSMOSIS" extract --json linux
expect_status 2 "$OSMOSIS" vm send --json g.csv
expect_contains "$err" "--to DEV"
exit 0
