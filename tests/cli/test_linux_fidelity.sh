#!/bin/bash
# A test host built here, extracted, and its TCBs and impact boundaries
# checked against what an expert expects of Linux (issue 13): processes of
# three uids, one with an empty bounding set, one in seccomp strict mode,
# one whose filter denies every way to act on others, one whose filter
# leaves kill to an argument (uncertain), one non-dumpable, and four
# "containers" (own user, pid, net, ipc, mnt and uts namespaces, uid 0
# mapped to 100000), two of them in pids+memory cgroups with limits.
#
# Every descriptor of every process is /dev/null (a stateless device: no
# sharing) so that what the processes share is what Linux makes them share.
source "$TOP/tests/cli/lib.sh"
source "$TOP/tests/cli/linux_lib.sh"

CGS=()
cg_cleanup() {
    lx_cleanup
    for d in "${CGS[@]}"; do rmdir "$d" 2>/dev/null; done
}
trap cg_cleanup EXIT

# Descriptors this script inherited (the runner's pipes, logs) would be
# inherited by every process below and shared: close them first.
for fd in /proc/$$/fd/*; do
    fd=${fd##*/}
    [ "$fd" -gt 2 ] && [ "$fd" -lt 255 ] && eval "exec $fd>&-"
done

sleep 1000 </dev/null >/dev/null 2>&1 & R=$!; LX_PIDS+=($R)
setpriv --inh-caps=-all --ambient-caps=-all --bounding-set=-all -- sleep 1000 \
    </dev/null >/dev/null 2>&1 & NB=$!; LX_PIDS+=($NB)
setpriv --reuid 1000 --regid 1000 --clear-groups -- sleep 1000 </dev/null >/dev/null 2>&1 &
U1=$!; LX_PIDS+=($U1)
setpriv --reuid 1000 --regid 1000 --clear-groups -- "$HELPERS/linux_sandbox" --nodump \
    </dev/null >/dev/null 2>&1 & ND=$!; LX_PIDS+=($ND)
setpriv --reuid 1001 --regid 1001 --clear-groups -- sleep 1000 </dev/null >/dev/null 2>&1 &
U2=$!; LX_PIDS+=($U2)
"$HELPERS/linux_sandbox" --filter </dev/null >/dev/null 2>&1 & FI=$!; LX_PIDS+=($FI)
"$HELPERS/linux_sandbox" --filter-args </dev/null >/dev/null 2>&1 & FU=$!; LX_PIDS+=($FU)
mkfifo strict_in
"$HELPERS/linux_sandbox" --strict <strict_in >/dev/null 2>&1 & ST=$!; LX_PIDS+=($ST)

# cgroup CONTROLLER FILE VALUE NAME: a child cgroup with a limit, v1 or v2,
# added to CGS (removed at exit) and to `dirs` (the caller's); nothing when
# this machine has no such controller.
cgroup() {
    local ctl=$1 file=$2 val=$3 name=$4 base
    if [ -d "/sys/fs/cgroup/$ctl" ]; then
        base=/sys/fs/cgroup/$ctl$(awk -F: -v c="$ctl" '$2 == c { print $3 }' /proc/self/cgroup)
    elif grep -qw "$ctl" /sys/fs/cgroup/cgroup.subtree_control 2>/dev/null; then
        base=/sys/fs/cgroup$(awk -F: '$1 == "0" { print $3 }' /proc/self/cgroup)
    else
        return 0
    fi
    base=${base%/}
    mkdir -p "$base/$name" || fail "cannot create cgroup $base/$name"
    CGS+=("$base/$name")
    echo "$val" >"$base/$name/$file" || fail "cannot set $file in $base/$name"
    dirs+=("$base/$name")
}

# container NAME LIMITED: a process in its own namespaces (uid 0 inside is
# 100000 outside); LIMITED=1 puts it in pids (pids.max=64) and memory
# (128 MiB) cgroups first.  Sets CPID to its pid (not $(...): the pids to
# kill at the end must be recorded in this shell).
container() {
    local name=$1 limited=$2 dirs=()
    if [ "$limited" = 1 ]; then
        cgroup pids pids.max 64 "osm_fid_$$_$name"
        if [ -d /sys/fs/cgroup/memory ]; then
            cgroup memory memory.limit_in_bytes 134217728 "osm_fid_$$_$name"
        else
            cgroup memory memory.max 134217728 "osm_fid_$$_$name"
        fi
    fi
    bash -c 'for d in "$@"; do echo $$ >"$d/cgroup.procs" || exit 1; done
             exec "$0" --container' "$HELPERS/linux_sandbox" "${dirs[@]}" </dev/null >"pid_$name" 2>&1 &
    LX_PIDS+=($!)
    wait_file "pid_$name"
    local s
    read -r s <"pid_$name"
    [ -d "/proc/$s" ] || fail "container $name did not start: $(cat "pid_$name")"
    LX_PIDS+=($s)
    CPID=$s
}
HAVE_PIDS=0
{ [ -d /sys/fs/cgroup/pids ] || grep -qw pids /sys/fs/cgroup/cgroup.subtree_control 2>/dev/null; } &&
    HAVE_PIDS=1
container a 1; CA=$CPID; container b 1; CB=$CPID
container c 0; DA=$CPID; container d 0; DB=$CPID

exec 3>strict_in        # opened last (nobody else inherits it); keeps its read(2) blocked
for _ in $(seq 1 100); do grep -q '^Seccomp:.*1' /proc/$ST/status && break; sleep 0.05; done
for _ in $(seq 1 100); do grep -q '^Seccomp:.*2' /proc/$FU/status && break; sleep 0.05; done
sleep 0.3

ALL="$R,$NB,$U1,$ND,$U2,$ST,$FI,$FU,$CA,$CB,$DA,$DB"
expect_status 0 "$OSMOSIS" extract linux --pid "$ALL" --no-phys -o h.csv
expect_status 0 "$OSMOSIS" check h.csv

# q VERB PD [ARGS]: the sorted result IDs of a query (names stripped).
q() {
    "$OSMOSIS" "$1" h.csv "PD_$2" "${@:3}" --json |
        python3 -c '
import json, sys
r = json.load(sys.stdin)["result"]
ids = [x if isinstance(x, str) else (x.get("pd") or x.get("id")) for x in r]
print(" ".join(sorted(ids)))'
}
# ids PID...: "PD_<pid>" for each, plus PD_kernel, sorted like q.
ids() { { echo PD_kernel; for p in "$@"; do echo "PD_$p"; done; } | sort | tr '\n' ' ' | sed 's/ $//'; }
none() { echo ""; }

# ---- control: who can change a process (TCB_I), row by row, with the reason
#   PD   expected TCB_I (kernel always: it controls every process)
#   R    kernel only: nobody else writes root with every capability
#   NB   + R (CAP_SYS_PTRACE); NB's own uid-0 peers cannot: they lack the caps
#   U1   + R, + ND: ND (uid 1000) may ptrace U1 (dumpable)
#   ND   + R only: non-dumpable, so U1 (same uid, no CAP_SYS_PTRACE) only signals it
#   U2   + R: no other uid 1001 process
#   ST   + R: root with CAP_SYS_PTRACE may ptrace a strict process
#   FI   + R
#   CA   + R: host root covers the child user namespace; NB (kuid 0, no caps)
#            cannot reach kuid 100000; the other containers cannot see it
expect_eq "$(q tcb $R --property I)" "$(ids)" "TCB_I(root)"
for p in $NB $U2 $ST $FI $FU $CA $CB $DA $DB; do
    expect_eq "$(q tcb $p --property I)" "$(ids $R)" "TCB_I(PD_$p)"
done
expect_eq "$(q tcb $U1 --property I)" "$(ids $R $ND)" "TCB_I(uid 1000)"
expect_eq "$(q tcb $ND --property I)" "$(ids $R)" "TCB_I(non-dumpable)"

# ---- impact boundary: whom a process can change (IB_I)
#   R    everyone: CAP_SYS_PTRACE and CAP_SYS_MODULE (so through the kernel)
#   ST   nobody: strict mode allows read, write, exit only
#   FI   nobody: its filter denies ptrace, process_vm_*, open and kill
#   NB   nobody: no capabilities, and root processes' caps exceed its own
#   ND   U1; U1: nobody (ND is not dumpable); CA: nobody (own pid namespace)
expect_eq "$(q ib $ST --property I)" "" "IB_I(strict)"
expect_eq "$(q ib $FI --property I)" "" "IB_I(filtered)"
expect_eq "$(q ib $NB --property I)" "" "IB_I(empty bounding set)"
expect_eq "$(q ib $U1 --property I)" "" "IB_I(uid 1000 over the non-dumpable one)"
expect_eq "$(q ib $ND --property I)" "PD_$U1" "IB_I(non-dumpable over uid 1000)"
expect_eq "$(q ib $CA --property I)" "" "IB_I(container)"
[ "$(q ib $R --property I | wc -w)" -eq 12 ] || fail "IB_I(root): $(q ib $R --property I)"
for p in $ST $FI; do
    expect_eq "$(q control-by $p)" "" "the sandboxed PD_$p controls nobody"
done
# the non-dumpable one is written only by CAP_SYS_PTRACE holders (R) and the
# kernel; uid 1000 may still signal it (T), as kill(2) allows
expect_eq "$(q can-control $ND --property I)" "$(ids $R)" "W-controllers of the non-dumpable one"
expect_eq "$(edge_perms h.csv HOLD "PD_$U1" "PD_$ND")" "T" "uid 1000 over the non-dumpable one"
expect_eq "$(edge_perms h.csv HOLD "PD_$ND" "PD_$U1")" "RWT" "non-dumpable over uid 1000"
# nothing decoded from the filter is asserted as certain when it is not
expect_contains "$(node_extra h.csv "PD_$FU")" "seccomp=filter"
fu=$(awk -F, -v p="PD_$FU" '$4 == "HOLD" && $5 == p && $6 ~ /^PD_/ { print $3 " " $7 }' h.csv | sort -u)
expect_eq "$fu" "T uncertain=seccomp filter depends on arguments or a supervisor" "kill left to an argument"
expect_eq "$(edge_perms h.csv HOLD "PD_$FI" PD_kernel)" "" "filtered root over the kernel"
expect_eq "$(edge_perms h.csv HOLD "PD_$R" PD_kernel)" "RWT" "root over the kernel"
# the kernel's integrity TCB: who can load code into it, not every process
expect_eq "$("$OSMOSIS" tcb h.csv PD_kernel --property I --json | python3 -c '
import json, sys; r = json.load(sys.stdin)["result"]
print(" ".join(sorted(x if isinstance(x, str) else x.get("pd") for x in r)))')" "PD_$R" "TCB_I(kernel)"

# ---- stateless devices: everyone holds /dev/null, nobody shares it
expect_eq "$(q shared-resources $R --types DEVICE)" "" "sharing through /dev/null"
grep -q "^RESOURCE,DEVICE_[0-9:]*_[0-9]*@$R," h.csv || fail "no private /dev/null of root"

# ---- exhaustible kernel pools (availability)
#   open-file table: no namespace or cgroup bounds it: containers share it
#   with the host ("Demons in the Shared Kernel")
expect_contains "$(q shared-spaces $CA --types POOL_FILE)" "PD_$R" "the file table across containers"
expect_contains "$(q shared-spaces $CA --types POOL_FILE)" "PD_$CB" "the file table across containers"
#   pid table: shared by the unlimited containers and the host, not by the
#   pids-limited ones (pids.max=64, far below what is free globally)
expect_contains "$(q shared-spaces $DA --types POOL_PID)" "PD_$DB" "pid table, unlimited containers"
expect_contains "$(q shared-spaces $DA --types POOL_PID)" "PD_$R" "pid table, unlimited container and host"
if [ "$HAVE_PIDS" = 1 ]; then
    # (the kernel holds every pool: it is in every answer)
    expect_eq "$(q shared-spaces $CA --types POOL_PID)" "PD_kernel" "pid table, pids-limited container"
    grep -q "^RESOURCE_SPACE,POOL_pid@CG_[^,]*osm_fid_$$_a,POOL_PID,.*binds=cgroup" h.csv ||
        fail "no bounded pid pool for container a"
    expect_eq "$(q shared-spaces $CA --types POOL_MEM)" "PD_kernel" "memory, limited container"
else
    echo "SKIP: no pids cgroup controller here: pid-pool bounds not checked"
fi
#   per-uid pools: uid 1000's inotify instances are shared by its processes only
expect_eq "$(q shared-spaces $U1 --types POOL_INOTIFY)" "$(ids $ND)" "inotify pool of uid 1000"
#   seccomp strict: can create nothing, draws only on memory
expect_eq "$(holds_of h.csv "PD_$ST" POOL_)" "POOL_mem" "pools of the strict process"
#   per-namespace pools: the containers' ports are their own
expect_eq "$(q shared-spaces $CA --types POOL_PORT)" "PD_kernel" "ports of a container"

# ---- describe says it in words
expect_status 0 "$OSMOSIS" describe h.csv "PD_$CA"
expect_contains "$out" "POOL_file"
expect_status 0 "$OSMOSIS" describe h.csv "PD_$FU"
expect_contains "$out" "uncertain"
echo ok
