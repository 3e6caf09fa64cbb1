#!/bin/bash
# The cellulos command line: usage errors are one line with a hint (exit 2),
# each command's --help is its own, `list` is one aligned column, --json.
source "$TOP/tests/cli/lib.sh"

# one_line TEXT WHAT: TEXT is exactly one line
one_line() { [ "$(printf '%s\n' "$1" | wc -l)" -eq 1 ] || fail "$2 is not one line: $1"; }

expect_status 2 "$CELLULOS" bogus
one_line "$err" "cellulos bogus's error"
expect_contains "$err" "unknown command 'bogus'"
expect_contains "$err" "try 'cellulos --help'"
expect_eq "$out" "" "cellulos bogus's stdout"

expect_status 2 "$CELLULOS" run
one_line "$err" "cellulos run's error"
expect_contains "$err" "no scenario given"
expect_status 2 "$CELLULOS" run no-such-scenario
one_line "$err" "an unknown scenario's error"
expect_contains "$err" "unknown scenario 'no-such-scenario'"
expect_status 2 "$CELLULOS" run hello --policy 9z
one_line "$err" "a bad policy's error"
expect_contains "$err" "unknown policy '9z'"
expect_status 2 "$CELLULOS" run hello --no-such-option
one_line "$err" "a bad option's error"
expect_contains "$err" "'--no-such-option'"
expect_status 2 "$CELLULOS" run hello kv001
one_line "$err" "two scenarios' error"

# Each command's --help is its own (and run's lists the scenarios).
expect_status 0 "$CELLULOS" run --help
expect_contains "$out" "usage: cellulos run NAME"
expect_not_contains "$out" "cellulos serve" "cellulos run --help"
expect_contains "$out" "kv008"
for cmd in serve dump list; do
    expect_status 0 "$CELLULOS" "$cmd" --help
    expect_contains "$out" "usage: cellulos $cmd" "cellulos $cmd --help"
    expect_not_contains "$out" "cellulos run NAME" "cellulos $cmd --help"
done
expect_status 0 "$CELLULOS" --help
expect_contains "$out" "usage: cellulos run NAME"

# list: the summaries start in one column; --json has the same names.
expect_status 0 "$CELLULOS" list
list=$out
[ "$(wc -l <<<"$list")" -ge 20 ] || fail "cellulos list is short: $list"
cols=$(awk '{ name = $1; i = index($0, name) + length(name); rest = substr($0, i);
              match(rest, /^ +/); print i + RLENGTH }' <<<"$list" | sort -u)
[ "$(wc -l <<<"$cols")" -eq 1 ] || fail "cellulos list summaries start at columns $(echo $cols): $list"
expect_status 0 "$CELLULOS" list --json
python3 -c '
import json, sys
items = json.loads(sys.argv[1])
names = [l.split()[0] for l in sys.argv[2].splitlines()]
assert [i["name"] for i in items] == names, (items, names)
assert all(i["summary"] for i in items)
' "$out" "$list" || fail "cellulos list --json does not match cellulos list"
expect_status 2 "$CELLULOS" list extra
one_line "$err" "list's error"

# Started with stdin closed (a service manager, a CI runner), PDs still get
# their standard descriptors and their seccomp listener (once, every PD died
# with "libcellulos: seccomp: Bad address": the listener became fd 0).
expect_status 0 "$CELLULOS" run hello 0<&-
expect_contains "$out" "scenario hello: ok"
"$CELLULOS" run hello 0<&- 1>&- 2>"$TMPDIR/closed.err" ||
    fail "cellulos run hello with stdin and stdout closed: $(cat "$TMPDIR/closed.err")"
# Nor may a signal state inherited from the caller change what runs: with
# SIGIO blocked no PD could answer a revocation (it timed out, the victim
# was killed); with SIGCHLD ignored the kernel reaped the PDs and their exit
# statuses were lost.
with_signals() {    # with_signals block|ignore CMD...: run CMD so
    python3 -c '
import os, signal, sys
sigs = [signal.SIGIO, signal.SIGCHLD, signal.SIGTERM, signal.SIGINT, signal.SIGPIPE]
if sys.argv[1] == "block":
    signal.pthread_sigmask(signal.SIG_BLOCK, sigs)
else:
    for s in sigs:
        signal.signal(s, signal.SIG_IGN)
os.execv(sys.argv[2], sys.argv[2:])' "$@"
}
expect_status 0 with_signals block "$CELLULOS" run revoke
expect_contains "$out" "scenario revoke: ok"
expect_status 0 with_signals ignore "$CELLULOS" run threads
expect_contains "$out" "scenario threads: ok"
exit 0
