#!/bin/bash
# osmosis describe on real processes: capabilities (permitted, ambient) and
# their user-namespace scope, root/cwd, namespaces private or shared, open
# files by path, sharers named through the shared file's path, the outgoing
# "can control" line; on a CellulOS dump, what only Linux records is unknown.
source "$TOP/tests/cli/lib.sh"
source "$TOP/tests/cli/linux_lib.sh"

mkdir -p "work;dir%1" shared
# wait_pid_ns PID NS LINK: until /proc/PID/ns/NS is not LINK (unshare done)
wait_ns_changed() {
    for _ in $(seq 1 200); do
        [ "$(readlink "/proc/$1/ns/$2" 2>/dev/null)" != "$3" ] && return 0; sleep 0.05
    done
    fail "process $1 never left namespace $3"
}
wait_exec() {   # wait_exec PID COMM: until PID runs COMM
    for _ in $(seq 1 200); do [ "$(cat "/proc/$1/comm" 2>/dev/null)" = "$2" ] && return 0; sleep 0.05; done
    fail "process $1 never became $2"
}
myuser=$(readlink /proc/self/ns/user) mynet=$(readlink /proc/self/ns/net)
# Two writers of one file, and of nothing else (no stdio: the test's own
# stdout would be a shared writable file too).
(cd "work;dir%1" && exec sleep 1000 <&- >&- 2>&- 3>>../shared/log) & W1=$!; LX_PIDS+=($W1)
sleep 1000 <&- >&- 2>&- 3>>shared/log & W2=$!; LX_PIDS+=($W2)
# Ambient capability; a private network namespace; a user namespace.
setpriv --inh-caps +net_raw --ambient-caps +net_raw -- sleep 1000 & AMB=$!; LX_PIDS+=($AMB)
unshare -n -- sleep 1000 & NET=$!; LX_PIDS+=($NET)
unshare -U -r -- sleep 1000 & USR=$!; LX_PIDS+=($USR)
# An unprivileged process root can control, and which cannot control root.
setpriv --reuid 1000 --regid 1000 --clear-groups -- sleep 1000 & U=$!; LX_PIDS+=($U)
for p in $W1 $W2 $AMB $NET $USR $U; do wait_exec "$p" sleep; done
wait_ns_changed "$NET" net "$mynet"
wait_ns_changed "$USR" user "$myuser"

expect_status 0 "$OSMOSIS" extract linux --pid "1,$W1,$W2,$AMB,$NET,$USR,$U" --no-phys -o d.csv
# PID 1's namespaces may be unreadable (a container): then describe says so.
if readlink /proc/1/ns/net >/dev/null 2>&1; then pid1_known=1; else pid1_known=0; fi

expect_status 0 "$OSMOSIS" describe d.csv "PD_$W1"
d=$out
expect_contains "$d" "root: /   cwd: $PWD/work;dir%1" "describe W1 (cwd, escaped in the CSV)"
expect_contains "$(node_extra d.csv "PD_$W1")" "cwd=$PWD/work%3Bdir%251"
expect_contains "$d" "capabilities (permitted): ALL"
expect_contains "$d" "capabilities (ambient):   none"
expect_not_contains "$d" "scoped to user namespace"
expect_contains "$d" "open files:"
expect_contains "$d" "$PWD/shared/log" "W1's open files"
# the sharer is named with the path of what they share, not FILE_dev_inode
expect_contains "$d" "PD_$W2 (sleep) via $PWD/shared/log" "W1's writable files"
expect_not_contains "$d" "via FILE_" "W1's writable files"
expect_contains "$d" "can control: "
# namespaces: W1's net namespace is shared with the other processes in it
nets=$(grep -E '^  net ' <<<"$d")
expect_contains "$nets" "shared with" "W1's net namespace"
if [ $pid1_known = 1 ]; then expect_contains "$nets" "; PID 1's"
else expect_contains "$nets" "; PID 1's unknown"; fi

expect_status 0 "$OSMOSIS" describe d.csv "PD_$NET"
nets=$(grep -E '^  net ' <<<"$out")
expect_contains "$nets" "private (no other process in it)" "the unshared net namespace"
if [ $pid1_known = 1 ]; then expect_contains "$nets" "; not PID 1's"; fi

expect_status 0 "$OSMOSIS" describe d.csv "PD_$AMB"
expect_contains "$out" "capabilities (ambient):   cap_net_raw"

expect_status 0 "$OSMOSIS" describe d.csv "PD_$USR"
ino=$(readlink "/proc/$USR/ns/user" | tr -dc 0-9)
expect_contains "$out" "scoped to user namespace NS_user_$ino, not the initial one"
expect_status 0 "$OSMOSIS" describe d.csv "PD_$USR" --json
python3 -c '
import json, sys
d = json.loads(sys.argv[1])
assert d["capabilities_scope"] == "NS_user_" + sys.argv[2], d["capabilities_scope"]
assert d["namespaces"]["user"]["other_processes"] == 0, d["namespaces"]["user"]
assert list(d) == sorted(d), "keys not sorted"
' "$out" "$ino" || fail "describe --json of the user-namespaced process: $out"

# outgoing control: root can control uid 1000's process, not the reverse
expect_status 0 "$OSMOSIS" describe d.csv "PD_$W1" --json
python3 -c '
import json, sys
d = json.loads(sys.argv[1]); u = "PD_" + sys.argv[2]
assert u in d["can_control"], d["can_control"]
assert "PD_kernel" not in d["can_control"]
files = {f["what"]: f for f in d["open_files"]}
assert sys.argv[3] in files and "W" in files[sys.argv[3]]["perms"], d["open_files"]
sh = d["writable_files_shared_with"]
assert any(m["pd"] == "PD_" + sys.argv[4] and m["via_label"] == sys.argv[3] for m in sh), sh
assert d["cwd"].endswith("/work;dir%1") and d["root"] == "/", (d["cwd"], d["root"])
' "$out" "$U" "$PWD/shared/log" "$W2" || fail "describe --json of W1: $out"
expect_status 0 "$OSMOSIS" describe d.csv "PD_$U" --json
python3 -c '
import json, sys
d = json.loads(sys.argv[1])
assert "PD_" + sys.argv[2] not in d["can_control"], d["can_control"]
assert "PD_" + sys.argv[2] in d["controlled_by"], d["controlled_by"]
' "$out" "$W1" || fail "describe --json of uid 1000's process: $out"

# A CellulOS dump records no Linux credentials: unknown, not "none".
expect_status 0 "$OSMOSIS" describe "$GPIKV" PD_4
expect_contains "$out" "capabilities: unknown (not recorded: not a Linux extraction)"
expect_not_contains "$out" "capabilities (effective): none"
expect_contains "$out" "namespaces: unknown"
expect_contains "$out" "PD_3 (fs_server) via FILE_c_2"
expect_status 0 "$OSMOSIS" describe "$GPIKV" PD_4 --json
expect_contains "$out" '"capabilities":"unknown"'
expect_contains "$out" '"capabilities_scope":"unknown"'
exit 0
