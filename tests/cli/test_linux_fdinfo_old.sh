#!/bin/bash
# Descriptors without `ino:` in fdinfo (kernels before 5.14): in a captured
# copy with those lines removed, a mapped memfd keeps its identity (device
# and inode from the process's own mapping of the same path) and an
# unmapped file, which has no identity there, becomes private to its
# descriptor (ANON) instead of a FILE with inode 0.
source "$TOP/tests/cli/lib.sh"
source "$TOP/tests/cli/linux_lib.sh"

"$HELPERS/linux_hold" 1 0 >held &
LX_PIDS+=($!)
wait_file held
P=$(cat held)
"$TOP/scripts/capture-proc.sh" new "$P" || fail "capture failed"
cp -r new old
sed -i '/^ino:/d' old/"$P"/fdinfo/*
grep -q '^ino:' new/"$P"/fdinfo/3 || fail "this kernel has no ino: in fdinfo; nothing to compare"
grep -q '^ino:' old/"$P"/fdinfo/* && fail "ino: lines left in the old-kernel copy"

expect_status 0 "$OSMOSIS" extract linux --proc new --pid "$P" -o new.csv
expect_status 0 "$OSMOSIS" extract linux --proc old --pid "$P" -o old.csv
expect_status 0 "$OSMOSIS" check old.csv
memfd=$(holds_of new.csv "PD_$P" MEMFD_)
[ -n "$memfd" ] || fail "no memfd held in the full copy"
expect_eq "$(holds_of old.csv "PD_$P" MEMFD_)" "$memfd" "memfd identity without ino:"
[ -n "$(fd_only new.csv "PD_$P" FILE_)" ] || fail "no file held (not mapped) in the full copy"
expect_eq "$(fd_only old.csv "PD_$P" FILE_)" "" "unmapped file without ino: (identity unknown)"
grep -E '^RESOURCE,[A-Z]+_[0-9]+:[0-9]+_0,' old.csv && fail "a resource with inode 0"
echo ok
