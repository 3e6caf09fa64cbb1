#!/bin/bash
# The BPF source (--source bpf: iterators over every task's files and VMAs)
# gives the very state the /proc source does, on processes holding files,
# sockets, pipes, an eventfd, memfds and all kinds of mappings (a mount
# crossed, a deleted file, a name with a newline; tests/cli/linux_bpf_host.py),
# in a second mount/pid namespace, and with threads and frames; pinned
# iterators give it too; and auto falls back to /proc when the kernel
# refuses BPF (a real refusal: CAP_BPF and CAP_SYS_ADMIN dropped).
source "$TOP/tests/cli/lib.sh"
source "$TOP/tests/cli/linux_lib.sh"

[ -r /sys/kernel/btf/vmlinux ] || { echo "SKIP: the kernel has no BTF (/sys/kernel/btf/vmlinux)"; exit 0; }
# no pins unless this test makes them (a directory that is no bpffs)
export OSMOSIS_BPF_PIN=$PWD

lx_start_mix 10
mkdir host
python3 "$TOP/tests/cli/linux_bpf_host.py" py "$PWD/host" &
LX_PIDS+=($!)
wait_file py
pids="$S,$(cat held),$P,$C,$(cat py)"

# extract NAME ARGS...: with --source bpf and --source proc; equal files.
# Frames come from pagemap with either source, and on a busy machine they
# move between two runs (reclaim, khugepaged): the MO rows are left out of
# the comparison of the frames run (its VMRs, files and everything else
# stay), and a difference is retried twice (a systematic one stays).
extract() {
    local name=$1 try; shift
    for try in 1 2 3; do
        expect_status 0 "$OSMOSIS" extract linux --source bpf --verbose "$@" -o "$name.bpf.csv"
        expect_contains "$err" "source bpf" "stderr of --source bpf --verbose"
        # every maps and descriptor table came from the iterators
        expect_contains "$err" " 0 maps or descriptor tables read from /proc" "--verbose"
        expect_status 0 "$OSMOSIS" extract linux --source proc "$@" -o "$name.proc.csv"
        # both states are well formed (rules 1-7: a record the BPF path left
        # half filled once made a MAP out of PD_kernel)
        expect_status 0 "$OSMOSIS" check "$name.bpf.csv"
        expect_status 0 "$OSMOSIS" check "$name.proc.csv"
        [ "$(grep -o 'PD_[0-9]*' "$name.proc.csv" | sort -u | wc -l)" -ge 14 ] ||
            fail "$name: processes missing"
        # a pool's current use (POOL_* "used=") is the live kernel's and
        # moves between two runs; everything else must be byte-identical
        sed -i 's/;used=[0-9]*//g' "$name.bpf.csv" "$name.proc.csv"
        [ "$name" != frames ] || sed -i '/MO_/d' "$name.bpf.csv" "$name.proc.csv"
        cmp -s "$name.bpf.csv" "$name.proc.csv" && return 0
    done
    fail "$name: bpf and proc differ: $(diff "$name.proc.csv" "$name.bpf.csv" | head -8)"
}
expect_status 0 "$OSMOSIS" extract linux --source bpf --pid "$pids" -o mo.csv
grep -q '^RESOURCE,MO_' mo.csv || fail "no frames extracted with --source bpf"
extract frames --pid "$pids"
extract threads --pid "$pids" --threads --no-phys
# what the python host holds really is in the state (not both sources blind)
py=$(cat py)
for t in FILE SOCKET PIPE EVENTFD MEMFD; do
    [ -n "$(holds_of frames.proc.csv "PD_$py" "${t}_")" ] || fail "PD_$py holds no $t"
done
grep -q 'deleted' frames.proc.csv || fail "the deleted mapping is missing"
grep -q 'osmosis-bpf' frames.proc.csv || fail "the /dev/shm mapping is missing"

# every process (no --pid): processes come and go meanwhile, so only that
# it works and says its source
expect_status 0 "$OSMOSIS" extract linux --source bpf --json -o all.csv
expect_contains "$out" '"source":"bpf"' "--json"

# In a mount namespace of the test's own with a BPF filesystem in it:
# pinned iterators (the first run loads and pins, the second only reads the
# pins) give the same state; auto takes BPF there, and falls back to /proc
# when the kernel refuses BPF (a real refusal: CAP_BPF and CAP_SYS_ADMIN
# dropped), saying so; --source bpf then fails.
mkdir pins pins2
cat >pinned.sh <<'EOS'
mount -t bpf bpf pins || exit 2
export OSMOSIS_BPF_PIN=$PWD/pins
X=("$OSMOSIS" extract linux --pid "$1" --no-phys)
"${X[@]}" --source bpf -o pin1.csv || exit 1
ls pins >pins.list
"${X[@]}" --source bpf -o pin2.csv || exit 1
"${X[@]}" --source proc -o pin3.csv || exit 1
"${X[@]}" --json --verbose -o auto.csv >auto.json 2>auto.err || exit 1
# a fresh bpffs: a pinned iterator is a file anyone may read who may open
# it, so refusing BPF means refusing the load
mount -t bpf bpf pins2 || exit 2
export OSMOSIS_BPF_PIN=$PWD/pins2
deny=(setpriv --inh-caps=-bpf,-sys_admin --bounding-set=-bpf,-sys_admin --)
"${deny[@]}" "${X[@]}" --json --verbose -o denied.csv >denied.json 2>denied.err || exit 1
"${deny[@]}" "${X[@]}" --source bpf -o x.csv 2>denied-bpf.err
echo $? >denied-bpf.status
EOS
OSMOSIS=$OSMOSIS unshare --mount bash pinned.sh "$pids" || fail "runs with a bpffs failed"
[ "$(grep -c '^osmosis_' pins.list)" = 2 ] || fail "no pins made: $(cat pins.list)"
sed -i 's/;used=[0-9]*//g' pin1.csv pin2.csv pin3.csv
cmp -s pin1.csv pin2.csv || fail "pinned run differs from the loading one"
cmp -s pin2.csv pin3.csv || fail "pinned run differs from /proc: $(diff pin3.csv pin2.csv | head -5)"
expect_contains "$(cat auto.json)" '"source":"bpf"' "--json of auto with a bpffs"
expect_contains "$(cat auto.err)" "source bpf (the BPF iterators loaded)" "--verbose of auto"
expect_contains "$(cat denied.json)" '"source":"proc"' "--json when BPF is refused"
expect_contains "$(cat denied.err)" "source proc (BPF unavailable: cannot" "--verbose when BPF is refused"
expect_eq "$(cat denied-bpf.status)" 2 "exit status of --source bpf when BPF is refused"
expect_contains "$(cat denied-bpf.err)" "--source bpf: cannot"
[ ! -e x.csv ] || fail "--source bpf wrote a state although BPF was refused"

# without a bpffs auto does not load the programs on every run (that costs
# more than it saves)
expect_status 0 "$OSMOSIS" extract linux --pid "$pids" --no-phys --verbose -o nofs.csv
expect_contains "$err" "source proc (BPF unavailable: no BPF filesystem"

# a copy of /proc has no kernel behind it
"$TOP/scripts/capture-proc.sh" cap "$S" || fail "capture failed"
expect_status 0 "$OSMOSIS" extract linux --proc cap --verbose -o copy.csv
expect_contains "$err" "source proc (BPF unavailable: --proc DIR"
expect_status 2 "$OSMOSIS" extract linux --proc cap --source bpf -o copy.csv
expect_status 2 "$OSMOSIS" extract linux --source nope
echo ok
