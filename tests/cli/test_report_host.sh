#!/bin/bash
# The report at host scale, in headless Chromium: a 300-PD generated state
# and (as root) a real extraction of this host.  The DOM must carry the
# classes table, unique element ids, the kernel / root task section first,
# PD IDs in natural order (PD_2 before PD_14), ranked TCB tables, and the
# screenshot must be a real, non-blank PNG.
source "$TOP/tests/cli/lib.sh"
export ASAN_OPTIONS="${ASAN_OPTIONS:-}:fast_unwind_on_malloc=0"
export LSAN_OPTIONS="suppressions=$TOP/tests/cli/graphviz.supp${LSAN_OPTIONS:+:$LSAN_OPTIONS}"
command -v chromium >/dev/null || fail "chromium is not installed (make deps)"
cd "$TMPDIR"

chrome() {
    timeout 180 chromium --headless --no-sandbox --disable-gpu --no-first-run \
        --disable-background-networking --disable-component-update --disable-sync \
        --user-data-dir="$TMPDIR/chrome-profile" "$@" 2>chrome.log
}

# check_page HTML FIRST_SECTION_ID: DOM and screenshot checks.
check_page() {
    chrome --dump-dom "file://$PWD/$1" > dom.html || fail "chromium failed: $(tail -5 chrome.log)"
    grep -q '<h2 id="classes">Classes of PDs</h2>' dom.html || fail "$1: no classes section"
    grep -Eq '[0-9]+ PDs fall into [0-9]+ classes' dom.html || fail "$1: no class count"
    grep -q '<tr data-f="" class="cls">' dom.html || fail "$1: classes table is empty"
    dups=$(grep -o ' id="[^"]*"' dom.html | sort | uniq -d | head -3)
    [ -z "$dups" ] || fail "$1: repeated element ids: $dups"
    first=$(grep -o '<section class="pd" data-f="" id="[^"]*"' dom.html | head -1)
    expect_contains "$first" "id=\"$2\"" "$1: first section"
    grep -q '<th>way in</th>' dom.html || fail "$1: TCB tables are not ranked"
    chrome --window-size=1400,2400 --screenshot="$PWD/shot.png" "file://$PWD/$1" >/dev/null ||
        fail "screenshot failed: $(tail -5 chrome.log)"
    [ "$(head -c 8 shot.png | od -An -tx1 | tr -d ' \n')" = 89504e470d0a1a0a ] || fail "not a PNG"
    [ "$(stat -c %s shot.png)" -gt 20000 ] || fail "$1: screenshot looks blank"
    mkdir -p "$BUILD/test-artifacts" && cp shot.png "$BUILD/test-artifacts/report-${1%.html}.png"
}

"$OSMOSIS" gen --seed 2 --pds 300 --resources 3000 -o g300.csv
expect_status 0 "$OSMOSIS" report g300.csv -o g300.html
check_page g300.html "pd-PD_5f0"
# Natural order in the PD table: PD_2 comes before PD_14 (and PD_14 before PD_100).
order=$(grep -o '<tr data-f><td>\(<a class="id" href="#pd-[^"]*">\)\?PD_\(2\|14\|100\)<' g300.html |
        sed 's/.*\(PD_[0-9]*\)<$/\1/' | head -3 | tr '\n' ' ')
expect_eq "$order" "PD_2 PD_14 PD_100 " "PD table order"

if [ "$(id -u)" = 0 ]; then
    expect_status 0 "$OSMOSIS" extract linux --all -o host.csv
    expect_status 0 "$OSMOSIS" report host.csv -o host.html
    # The kernel's section comes first whatever its ID.
    kid=$(awk -F, '$1 == "PD" && tolower($3) ~ /kernel/ { print $2; exit }' host.csv)
    [ -n "$kid" ] || fail "no kernel PD in the extraction"
    check_page host.html "pd-$(printf '%s' "$kid" | sed 's/_/_5f/g')"
else
    echo "not root: host extraction skipped"
fi
echo "ok"
