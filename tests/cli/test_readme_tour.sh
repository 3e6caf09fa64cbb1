#!/bin/bash
# The README's "one-minute tour", run line by line as README.md writes it
# (the indented "$ " lines), so README and reality cannot drift apart.
# Skipped, and why:
#   make demo            the main job itself (scripts/demo.sh; `make demo`
#                        would also re-run make inside the test suite);
#   osmosis vm run,
#   cellulos compare --vm  boot QEMU guests (slow; test_vm_*.sh and
#                        test_cellulos_vm_compare.sh boot them).
# Every other line must exit 0, the files it names must exist afterwards,
# and nothing may be written into the checkout.
source "$TOP/tests/cli/lib.sh"
# `report` links Graphviz, whose one-time allocations (fontconfig caches)
# LeakSanitizer would report under the ASan build: tests/cli/graphviz.supp.
export ASAN_OPTIONS="${ASAN_OPTIONS:-}:fast_unwind_on_malloc=0"
export LSAN_OPTIONS="suppressions=$TOP/tests/cli/graphviz.supp${LSAN_OPTIONS:+:$LSAN_OPTIONS}"
[ "$(id -u)" = 0 ] || { echo "SKIP: the tour extracts the host as root"; exit 0; }

lines=$(awk '/^## A one-minute tour/ { on = 1; next } on && /^## / { exit }
             on && /^    \$ / { sub(/^    \$ /, ""); print }' "$TOP/README.md")
[ "$(grep -c . <<<"$lines")" -ge 18 ] || fail "README tour has too few lines: $lines"

script=tour.sh
{
    echo 'tour_fail() { echo "README tour line failed (exit $1): $2" >&2; exit 1; }'
    printf 'cd %q\n' "$TOP"
    while IFS= read -r line; do
        case $line in
        "make demo"*|*"osmosis vm run"*|*"cellulos compare --vm"*) continue ;;
        esac
        # this build's binaries and this machine's shared folder
        cmd=${line//build\/bin\//$BUILD/bin/}
        cmd=${cmd//..\/shared/$SHARED}
        printf '%s\n' "$cmd"
        printf 'rc=$?; [ "$rc" -eq 0 ] || tour_fail "$rc" %q\n' "$line"
    done <<<"$lines"
    echo 'echo "TOUR_T=$T"'
} > "$script"
expect_eq "$(grep -c '^rc=' "$script")" "$(($(grep -c . <<<"$lines") - 3))" "tour lines run"

touch marker
bash "$script" > tour.out 2> tour.err || fail "$(cat tour.err)
stdout: $(clip "$(cat tour.out)")"
out=$(cat tour.out)
T=$(sed -n 's/^TOUR_T=//p' tour.out)
[ -n "$T" ] && [ -d "$T" ] || fail "the tour's scratch folder \$T is missing"
for f in r.html host.csv s.csv neo4j/nodes.csv neo4j/relationships.csv hello.csv; do
    [ -s "$T/$f" ] || fail "the tour did not write \$T/$f"
done
case $T in "$TOP"/*) fail "the tour's scratch folder is inside the checkout: $T" ;; esac
# what the tour's comments promise
expect_contains "$out" "1094" "osmosis info (1094 resources)"
expect_contains "$out" "14 violations" "osmosis check --warn-only"
expect_contains "$out" "PD_1" "osmosis describe"
written=$(find "$TOP" \( -path "$TOP/build" -o -path "$TOP/.git" \) -prune -o -newer marker -type f -print)
[ -z "$written" ] || fail "the tour wrote into the checkout: $written"
exit 0
