#!/bin/bash
# `osmosis check` passes on extractions of this machine in every mode, and
# the output is byte-stable for a quiet process.
source "$TOP/tests/cli/lib.sh"
source "$TOP/tests/cli/linux_lib.sh"

expect_status 0 "$OSMOSIS" extract linux --all -o all.csv
expect_status 0 "$OSMOSIS" check all.csv
expect_contains "$out" "all 7 rules hold"
expect_status 0 "$OSMOSIS" extract linux --all --threads --no-phys -o thr.csv
expect_status 0 "$OSMOSIS" check thr.csv
grep -q "^PD,PD_$$\.$$," thr.csv || fail "no thread PD for the test shell"
sleep 1000 & S=$!; LX_PIDS+=($S)
# until it has exec'd and sleeps (the loader is still touching pages before)
for _ in $(seq 1 100); do
    [ "$(cat /proc/$S/comm)" = sleep ] && grep -q '^State:.*(sleeping)' /proc/$S/status && break
    sleep 0.05
done
expect_status 0 "$OSMOSIS" extract linux --pid "$S" --pages -o p1.csv
expect_status 0 "$OSMOSIS" check p1.csv
expect_status 0 "$OSMOSIS" extract linux --pid "$S" --pages -o p2.csv
# a pool's current use (POOL_* "used=") is the live kernel's: it moves
unused() { sed -i 's/;used=[0-9]*//g' "$@"; }
unused p1.csv p2.csv
# The kernel may move a page once (compaction under load): then a third
# extraction must agree with the second.
if ! cmp -s p1.csv p2.csv; then
    echo "first two extractions differ (a page moved?):"; diff p1.csv p2.csv | head -n 6
    expect_status 0 "$OSMOSIS" extract linux --pid "$S" --pages -o p3.csv
    unused p3.csv
    cmp -s p2.csv p3.csv || fail "extractions of a sleeping process keep differing: $(diff p2.csv p3.csv | head -n 6)"
fi
expect_status 0 "$OSMOSIS" extract linux --help
expect_contains "$out" "--proc DIR"
echo ok
