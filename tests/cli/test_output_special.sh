#!/bin/bash
# Output to devices and FIFOs is written in place: -o /dev/null must leave
# /dev/null a device (a temp-file-and-rename once replaced it with a file).
source "$TOP/tests/cli/lib.sh"
[ -c /dev/null ] || fail "/dev/null is not a character device before the test"
expect_status 0 "$OSMOSIS" import "$GPIKV" -o /dev/null
[ -c /dev/null ] || fail "osmosis import -o /dev/null replaced the device"
expect_status 0 "$OSMOSIS" export "$GPIKV" --format json -o /dev/null
[ -c /dev/null ] || fail "osmosis export -o /dev/null replaced the device"
mkfifo out.fifo
wc -l < out.fifo > lines.txt &
reader=$!
expect_status 0 "$OSMOSIS" import "$GPIKV" -o out.fifo
wait "$reader"
[ -p out.fifo ] || fail "the FIFO was replaced"
expect_eq "$(tr -d ' ' < lines.txt)" "3927" "lines written through the FIFO (header + 1108 nodes + 2818 edges)"
expect_status 2 "$OSMOSIS" import "$GPIKV" -o /dev/full
expect_contains "$err" "cannot write /dev/full"
exit 0
