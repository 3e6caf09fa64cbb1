#!/bin/bash
# The HTML report of GPIKV001 in headless Chromium: the rendered DOM lists
# every PD's TCB and impact boundary exactly as the query verbs answer, each
# section holds a non-empty SVG picture, a screenshot is written, and the
# page loads nothing from outside itself.
source "$TOP/tests/cli/lib.sh"
# Graphviz and the font stack keep per-process caches that LeakSanitizer
# would report under the ASan build; tests/cli/graphviz.supp names them.
export ASAN_OPTIONS="${ASAN_OPTIONS:-}:fast_unwind_on_malloc=0"
export LSAN_OPTIONS="suppressions=$TOP/tests/cli/graphviz.supp${LSAN_OPTIONS:+:$LSAN_OPTIONS}"
command -v chromium >/dev/null || fail "chromium is not installed (make deps)"
CHECK="/usr/bin/python3 $TOP/tests/cli/report_dom_check.py"

expect_status 0 "$OSMOSIS" report "$GPIKV" -o report.html
[ -s report.html ] || fail "no report written"
# Self-contained: no external scripts, styles, images or links.
for pat in 'src=' 'href="http' "href='http" '@import' 'url(' '<link'; do
    grep -qi -- "$pat" report.html && fail "report references something outside itself: $pat"
done

chrome() {
    timeout 120 chromium --headless --no-sandbox --disable-gpu --no-first-run \
        --disable-background-networking --disable-component-update --disable-sync \
        --user-data-dir="$TMPDIR/chrome-profile" "$@" 2>chrome.log
}
chrome --dump-dom "file://$PWD/report.html" > dom.html || fail "chromium failed: $(tail -5 chrome.log)"
grep -q '<h1>OSmosis isolation report: GPIKV001.output</h1>' dom.html || fail "DOM lacks the title"

for pd in PD_0 PD_1 PD_2 PD_3 PD_4; do
    "$OSMOSIS" tcb --json "$GPIKV" "$pd" > tcb.json 2>/dev/null || fail "osmosis tcb $pd"
    "$OSMOSIS" ib --json "$GPIKV" "$pd" > ib.json 2>/dev/null || fail "osmosis ib $pd"
    expect_status 0 $CHECK dom.html "$pd" tcb.json ib.json
done
# The checker notices a wrong member list.
echo '{"result": ["PD_9"]}' > wrong.json
expect_status 1 $CHECK dom.html PD_1 wrong.json ib.json

# Resources of one type in one space are one counted node.
expect_contains "$(cat dom.html)" "1024 × BLOCK" "collapsed BLOCK node"

chrome --window-size=1400,2400 --screenshot="$PWD/report.png" "file://$PWD/report.html" >/dev/null ||
    fail "screenshot failed: $(tail -5 chrome.log)"
[ "$(head -c 8 report.png | od -An -tx1 | tr -d ' \n')" = 89504e470d0a1a0a ] || fail "report.png is not a PNG"
[ "$(stat -c %s report.png)" -gt 20000 ] || fail "screenshot suspiciously small"
# Keep the screenshot where people can look at it.
mkdir -p "$BUILD/test-artifacts" && cp report.png "$BUILD/test-artifacts/report-GPIKV001.png"

# --no-collapse draws resources one by one; --pd picks sections.
expect_status 0 "$OSMOSIS" report "$GPIKV" --pd PD_2 --no-collapse -o one.html
grep -c '<section class="pd"' one.html | grep -qx 1 || fail "--pd PD_2 should give one section"
expect_not_contains "$(cat one.html)" "1024 × BLOCK" "--no-collapse page"
exit 0
