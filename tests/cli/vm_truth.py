#!/usr/bin/python3
"""Ground truth for the VM join (tests/cli/test_vm_join.sh).

usage: vm_truth.py JOINED.csv CONSOLE.log QEMU_PID [PREFIX]

Reads, independently of osmosis, the guest frames vm_share printed from its
own pagemap (console), and the host frame behind each from QEMU's pagemap
at the host-virtual address of the guest frame in its memfd RAM mapping.
Then checks, in the joined CSV, for every frame of every guest MO (and the
shared frames in particular) that guest MO -> GRAM slice -> host MO holds the
true host frame, that both sharing processes map the guest MO with W, and
that no other slice maps to those host MOs.  Prints what it checked.
"""
import collections
import re
import struct
import sys

joined, console, qpid = sys.argv[1], sys.argv[2], int(sys.argv[3])
prefix = sys.argv[4] if len(sys.argv) > 4 else "G_"

def die(msg):
    print("vm_truth: " + msg)
    sys.exit(1)

# --- guest ground truth: vm_share's own pagemap -----------------------------
frames = collections.defaultdict(list)
pids = {}
for line in open(console, errors="replace"):
    m = re.search(r"vm_share pid=(\d+) role=(\w+) va=0x([0-9a-f]+) gpfn=0x([0-9a-f]+)", line)
    if m:
        pids[m.group(2)] = int(m.group(1))
        frames[m.group(2)].append(int(m.group(4), 16))
if sorted(frames) != ["child", "parent"] or not frames["parent"]:
    die("console lacks vm_share frames of both processes")
if frames["parent"] != frames["child"]:
    die("guest ground truth: parent and child map different frames")
shared = frames["parent"]

# --- host ground truth: QEMU's pagemap behind guest RAM ---------------------
ram = None
for line in open("/proc/%d/maps" % qpid):
    f = line.split()
    if len(f) >= 6 and f[5].startswith("/memfd:memory-backend-memfd"):
        lo, hi = (int(x, 16) for x in f[0].split("-"))
        if ram is None or hi - lo > ram[1] - ram[0]:
            ram = (lo, hi, int(f[2], 16))
if ram is None:
    die("QEMU %d maps no memfd backend" % qpid)
pm = open("/proc/%d/pagemap" % qpid, "rb")

def host_pfn(gpfn):
    hva = ram[0] + gpfn * 4096 - ram[2]
    pm.seek(hva // 4096 * 8)
    e, = struct.unpack("<Q", pm.read(8))
    return e & ((1 << 55) - 1) if e >> 63 else None

# --- the joined state ---------------------------------------------------------
typ, extra, maps, holds = {}, {}, collections.defaultdict(dict), collections.defaultdict(dict)
for row in open(joined):
    c = row.rstrip("\n").split(",")
    if c[0] in ("PD", "RESOURCE", "RESOURCE_SPACE"):
        typ[c[1]], extra[c[1]] = c[2], c[-1]
    elif len(c) >= 6 and c[3] == "MAP":
        maps[c[4]][c[5]] = c[2]
    elif len(c) >= 6 and c[3] == "HOLD":
        holds[c[4]][c[5]] = c[2]

def run(extra_s):
    a, n, _ = extra_s.rsplit("_", 2)
    return int(a, 16), int(n)

host_mos = sorted((run(extra[i])[0] // 4096, run(extra[i])[1], i)
                  for i in typ if re.fullmatch(r"MO_[0-9a-f]+", i) and typ[i] == "MO")
starts = [h[0] for h in host_mos]

def host_mo_of(pfn):
    import bisect
    k = bisect.bisect_right(starts, pfn) - 1
    if k >= 0 and host_mos[k][0] <= pfn < host_mos[k][0] + host_mos[k][1]:
        return host_mos[k][2]
    return None

guest_mos = [(run(extra[i])[0] // 4096, run(extra[i])[1], i)
             for i in typ if i.startswith(prefix + "MO_") and typ[i] == "GPA"]
if not guest_mos:
    die("no guest MO of type GPA in the joined state")

def guest_mo_of(gpfn):
    for s, n, i in guest_mos:
        if s <= gpfn < s + n:
            return i
    return None

def slice_of(gmo):
    sl = [t for t in maps[gmo] if t.startswith("GRAM_%d_" % qpid)]
    if len(sl) != 1:
        die("%s maps to %d GRAM slices, expected 1" % (gmo, len(sl)))
    return sl[0]

checked = 0
slice_targets = collections.defaultdict(set)
for s, n, gmo in guest_mos:
    sl = slice_of(gmo)
    want = "GRAM_%d_%x" % (qpid, ram[0] + s * 4096 - ram[2])
    if sl != want:
        die("%s maps to %s, expected the slice %s" % (gmo, sl, want))
    for g in range(s, s + n):
        hp = host_pfn(g)
        if hp is None:
            continue
        hmo = host_mo_of(hp)
        if hmo is None or hmo not in maps[sl]:
            die("guest frame 0x%x: host frame 0x%x (%s) is not mapped by %s" % (g, hp, hmo, sl))
        slice_targets[hmo].add(sl)
        checked += 1
for hmo, sls in slice_targets.items():
    if len(sls) != 1:
        die("host MO %s is behind several guest runs: %s" % (hmo, sorted(sls)))

ramvmr = "VMR_%d_%x" % (qpid, ram[0])
for g in shared:
    gmo = guest_mo_of(g)
    if gmo is None:
        die("shared guest frame 0x%x is in no guest MO" % g)
    for role in ("parent", "child"):
        vmrs = [v for v in holds[prefix + "PD_%d" % pids[role]]
                if v.startswith(prefix + "VMR_") and "W" in maps[v].get(gmo, "")]
        if not vmrs:
            die("%s does not map %s (guest frame 0x%x) with W" % (role, gmo, g))
    hmo = host_mo_of(host_pfn(g))
    if hmo not in maps[ramvmr]:
        die("host frame of guest frame 0x%x (%s) is not mapped by QEMU's %s" % (g, hmo, ramvmr))
print("vm_truth: ok, %d guest frames checked against QEMU's pagemap, %d shared" %
      (checked, len(shared)))
