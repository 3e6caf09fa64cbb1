#!/bin/bash
# Capture what `osmosis extract linux --proc DIR` reads, for offline analysis
# or tests:  scripts/capture-proc.sh DIR [PID...]   (default: every process)
#
# Copies per process status, stat, cgroup, maps, mountinfo, the ns/ and fd/
# links and cwd, root (as symlinks with the same targets), fdinfo/ and
# task/*/comm, plus
# /proc/iomem and the YAMA ptrace scope.  Frames (pagemap) cannot be copied:
# an extraction of a capture has no MO resources.  Run as root to see every
# process; processes that exit while copying are left out.
set -u
dest=${1:?usage: capture-proc.sh DIR [PID...]}
shift
mkdir -p "$dest" || exit 2
pids=("$@")
if [ ${#pids[@]} -eq 0 ]; then
    for d in /proc/[0-9]*; do pids+=("${d#/proc/}"); done
fi
cp /proc/iomem "$dest/iomem" 2>/dev/null
if [ -r /proc/sys/kernel/yama/ptrace_scope ]; then
    mkdir -p "$dest/sys/kernel/yama"
    cp /proc/sys/kernel/yama/ptrace_scope "$dest/sys/kernel/yama/"
fi
copy_links() {   # copy_links SRCDIR DSTDIR: symlinks with the same targets
    mkdir -p "$2"
    for l in "$1"/*; do
        [ -e "$l" ] || [ -L "$l" ] || continue
        t=$(readlink "$l" 2>/dev/null) && ln -sfn "$t" "$2/$(basename "$l")"
    done
}
# the capturing shell's namespaces stand for the host's ("self")
copy_links /proc/self/ns "$dest/self/ns"
for pid in "${pids[@]}"; do
    src=/proc/$pid
    [ -d "$src" ] || continue
    out=$dest/$pid
    tmp=$dest/.$pid.tmp
    rm -rf "$tmp"
    mkdir -p "$tmp" || exit 2
    ok=1
    for f in status stat cgroup maps mountinfo; do
        cat "$src/$f" >"$tmp/$f" 2>/dev/null || { [ "$f" = status ] && ok=0; }
    done
    copy_links "$src/ns" "$tmp/ns"
    copy_links "$src/fd" "$tmp/fd"
    for l in cwd root; do
        t=$(readlink "$src/$l" 2>/dev/null) && ln -sfn "$t" "$tmp/$l"
    done
    mkdir -p "$tmp/fdinfo"
    for i in "$src"/fdinfo/*; do
        [ -e "$i" ] && cat "$i" >"$tmp/fdinfo/$(basename "$i")" 2>/dev/null
    done
    for t in "$src"/task/*; do
        [ -d "$t" ] || continue
        mkdir -p "$tmp/task/$(basename "$t")"
        cat "$t/comm" >"$tmp/task/$(basename "$t")/comm" 2>/dev/null
    done
    # a process that exited mid-copy has an empty status: leave it out
    if [ "$ok" = 1 ] && [ -s "$tmp/status" ]; then
        rm -rf "$out" && mv "$tmp" "$out"
    else
        rm -rf "$tmp"
    fi
done
