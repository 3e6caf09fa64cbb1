#!/bin/bash
# "could not read the memory maps of N processes" names each PID (the first
# ten, then "and N more") with the reason (docs/linux.md).  As root the
# extraction runs as nobody against twelve root-owned processes; otherwise
# against PID 1, whose maps another user may not read.
source "$TOP/tests/cli/lib.sh"

if [ "$(id -u)" -eq 0 ]; then
    command -v setpriv >/dev/null || { echo "skip: no setpriv"; exit 0; }
    pids=()
    for _ in $(seq 12); do sleep 60 & pids+=($!); done
    trap 'kill "${pids[@]}" 2>/dev/null' EXIT
    list=$(IFS=,; echo "${pids[*]}")
    expect_status 0 timeout 60 setpriv --reuid=65534 --regid=65534 --clear-groups \
        "$OSMOSIS" extract linux --no-phys --pid "$list" -o /dev/null
    sorted=($(printf '%s\n' "${pids[@]}" | sort -n))
    want="could not read the memory maps of 12 processes: PID ${sorted[0]} (Permission denied), PID ${sorted[1]} (Permission denied)"
    expect_contains "$err" "$want"
    expect_contains "$err" "PID ${sorted[9]} (Permission denied) and 2 more"
    expect_not_contains "$err" "PID ${sorted[10]} "
else
    [ -r /proc/1/maps ] && { echo "skip: PID 1's maps are readable"; exit 0; }
    expect_status 0 timeout 60 "$OSMOSIS" extract linux --no-phys --pid 1 -o /dev/null
    expect_contains "$err" "could not read the memory maps of 1 processes: PID 1 (Permission denied)"
fi
echo ok
