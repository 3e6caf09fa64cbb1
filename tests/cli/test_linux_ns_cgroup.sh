#!/bin/bash
# Processes in new pid/mnt/net/user namespaces (unshare) land in namespace
# spaces distinct from ours; a process in a cgroup carries its limits
# (cgroup v1 memory.limit_in_bytes; v2 memory.max when the memory
# controller is on the v2 hierarchy, else v2 cgroup.max.descendants).
source "$TOP/tests/cli/lib.sh"
source "$TOP/tests/cli/linux_lib.sh"

unshare --pid --fork --mount --net --user --map-root-user sleep 1000 &
U=$!
LX_PIDS+=($U)
for _ in $(seq 1 100); do S=$(pgrep -P "$U" sleep) && break; sleep 0.05; done
[ -n "${S:-}" ] || fail "no sleep under unshare"
LX_PIDS+=($S)
sleep 1000 & H=$!; LX_PIDS+=($H)

expect_status 0 "$OSMOSIS" extract linux --pid "$S,$H" --no-phys -o ns.csv
expect_status 0 "$OSMOSIS" check ns.csv
for ns in pid mnt net user; do
    a=$(holds_of ns.csv "PD_$S" "NS_${ns}_"); b=$(holds_of ns.csv "PD_$H" "NS_${ns}_")
    [ -n "$a" ] && [ -n "$b" ] || fail "missing $ns namespace hold"
    [ "$a" != "$b" ] || fail "$ns namespace of the unshared process equals ours ($a)"
    [ "$a" = "NS_${ns}_$(readlink /proc/$S/ns/$ns | tr -dc 0-9)" ] || fail "$ns id $a"
done
for ns in uts ipc; do
    expect_eq "$(holds_of ns.csv "PD_$S" "NS_${ns}_")" "$(holds_of ns.csv "PD_$H" "NS_${ns}_")" "$ns shared"
done
# the unshared process sees only its pid namespace: it does not control ours
expect_eq "$(edge_perms ns.csv HOLD "PD_$S" "PD_$H")" "" "unshared process controls host process"
expect_eq "$(edge_perms ns.csv HOLD "PD_$H" "PD_$S")" "RWT" "host root over the unshared process"

# ---- cgroup v1 memory limit
memrel=$(awk -F: '$2 == "memory" { print $3 }' /proc/self/cgroup)
v1=/sys/fs/cgroup/memory$memrel/osm_test_$$
if [ -n "$memrel" ] && mkdir "$v1" 2>/dev/null; then
    trap 'lx_cleanup; rmdir "$v1" 2>/dev/null; rmdir "${v2:-/nonexistent}" 2>/dev/null' EXIT
    echo 67108864 >"$v1/memory.limit_in_bytes" || fail "cannot set memory.limit_in_bytes"
    sleep 1000 & M=$!; LX_PIDS+=($M)
    echo "$M" >"$v1/cgroup.procs" || fail "cannot move $M into $v1"
    expect_status 0 "$OSMOSIS" extract linux --pid "$M" --no-phys -o cg1.csv
    expect_status 0 "$OSMOSIS" check cg1.csv
    cg="CG_memory:$memrel/osm_test_$$"
    expect_contains "$(holds_of cg1.csv "PD_$M" "$cg")" "$cg" "cgroup held"
    expect_contains "$(node_extra cg1.csv "$cg")" "memory.limit_in_bytes=67108864" "cgroup extra"
    expect_eq "$(awk -F, -v c="$cg" '$4 == "MAP" && $5 == c { print $6 }' cg1.csv)" "CG_memory:$memrel" "parent cgroup map"
    kill -KILL "$M"; wait "$M" 2>/dev/null
else
    echo "SKIP: no writable cgroup v1 memory hierarchy"
fi

# ---- cgroup v2
root2=$(awk '$9 == "cgroup2" { print $5; exit }' /proc/self/mountinfo)
[ -n "$root2" ] || { echo "SKIP: no cgroup v2 mount"; echo ok; exit 0; }
rel2=$(awk -F: '$1 == "0" { print $3 }' /proc/self/cgroup)
v2=$root2${rel2%/}/osm_test_$$
mkdir "$v2" || fail "cannot create $v2"
if grep -qw memory "$root2${rel2%/}/cgroup.controllers" 2>/dev/null; then
    echo "+memory" >"$root2${rel2%/}/cgroup.subtree_control" 2>/dev/null
    echo 33554432 >"$v2/memory.max" || fail "cannot write memory.max"
    want="memory.max=33554432"
else
    echo "SKIP: memory controller not on cgroup v2 here (bound to v1); testing cgroup.max.descendants instead"
    echo 5 >"$v2/cgroup.max.descendants" || fail "cannot write cgroup.max.descendants"
    want="cgroup.max.descendants=5"
fi
sleep 1000 & M2=$!; LX_PIDS+=($M2)
echo "$M2" >"$v2/cgroup.procs" || fail "cannot move into $v2"
expect_status 0 "$OSMOSIS" extract linux --pid "$M2" --no-phys -o cg2.csv
expect_status 0 "$OSMOSIS" check cg2.csv
cg="CG_unified:${rel2%/}/osm_test_$$"
expect_contains "$(holds_of cg2.csv "PD_$M2" "$cg")" "$cg" "v2 cgroup held"
expect_contains "$(node_extra cg2.csv "$cg")" "$want" "v2 cgroup extra"
kill -KILL "$M2"; wait "$M2" 2>/dev/null
echo ok
