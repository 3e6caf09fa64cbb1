#!/bin/bash
# kv008 under each cleanup policy: the ramdisk is killed halfway; what the
# root task destroyed (state at the crash minus state at the verdict) is
# exactly what `osmosis cleanup` predicts from the state at the crash, plus
# only the private resources of the destroyed PDs (held by them and the root
# task alone); the driver's audit found nothing of a destroyed PD left in
# the model or the OS, and the survivors still answered.
source "$TOP/tests/cli/lib.sh"

for p in 1a 1b 2a 2b; do
    expect_status 0 "$CELLULOS" run kv008-small --policy $p --crash-dump pre-$p.csv --dump post-$p.csv
    expect_contains "$out" "scenario kv008-small: ok"
    expect_status 0 "$OSMOSIS" check --strict pre-$p.csv
    expect_status 0 "$OSMOSIS" check --strict post-$p.csv
    rd=$(grep '^PD,[^,]*,ramdisk' pre-$p.csv | cut -d, -f2)
    [ -n "$rd" ] || fail "no ramdisk PD in the crash dump"
    expect_status 0 "$OSMOSIS" cleanup pre-$p.csv "$rd" --policy $p --json
    /usr/bin/python3 "$TOP/tests/cli/kv_cleanup_check.py" pre-$p.csv post-$p.csv "$out" ||
        fail "policy $p: runtime and prediction differ"
done
# the deeper the policy, the more went
n() { grep -c '^PD,' "$1"; }
[ "$(n post-1a.csv)" -gt "$(n post-2a.csv)" ] || fail "2a destroyed no more PDs than 1a"
[ "$(n post-2a.csv)" -gt "$(n post-2b.csv)" ] || fail "2b destroyed no more PDs than 2a"
[ "$(grep -c '^RESOURCE_SPACE,FILE' post-1a.csv)" -gt "$(grep -c '^RESOURCE_SPACE,FILE' post-1b.csv)" ] ||
    fail "1b kept the FILE spaces mapped to the lost BLOCK space"
