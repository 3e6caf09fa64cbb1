#!/usr/bin/env python3
"""Write a synthetic CellulOS CSV state with about EDGES edges (default 1M).

Shape, per ordinary PD: its own ADS space, VMRs in it (SUBSET, HOLD, MAP to
an MO), MOs drawn from one shared physical-memory space (SUBSET, HOLD), and
a VCPU; the root task holds every space and requests run PD -> root.  A few
PDs share a FILE space served by a file-server PD, so TCBs are not trivial.
Deterministic: the same EDGES gives the same bytes.

usage: gen_state.py [EDGES] > state.csv
"""
import sys

def main():
    target = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    per_pd = 160                      # VMR/MO pairs per PD
    edges_per_pd = per_pd * 5 + 8
    n_pds = max(2, target // edges_per_pd + 1)
    out = sys.stdout
    w = out.write
    w("NODE_TYPE,NODE_ID,DATA,EDGE_TYPE,EDGE_FROM,EDGE_TO,EXTRA\n")
    w("PD,PD_0,ROOT_TASK,,,,\n")
    w("RESOURCE_SPACE,MO_SPACE_0,MO,,,,\n")
    w("RESOURCE_SPACE,VCPU_SPACE_0,VCPU,,,,\n")
    w("PD,PD_FS,FILE_SERVER,,,,\n")
    w("RESOURCE_SPACE,FILE_SPACE_0,FILE,,,,\n")
    w(",,NONE,HOLD,PD_0,MO_SPACE_0,\n")
    w(",,NONE,HOLD,PD_0,VCPU_SPACE_0,\n")
    w(",,RW,HOLD,PD_FS,FILE_SPACE_0,\n")
    for f in range(64):
        w(f"RESOURCE,FILE_{f},FILE,,,,file{f}\n")
        w(f",,NONE,SUBSET,FILE_{f},FILE_SPACE_0,\n")
        w(f",,RW,HOLD,PD_FS,FILE_{f},\n")
    page = 0
    for p in range(1, n_pds + 1):
        pd = f"PD_{p}"
        w(f"PD,{pd},APP{p % 17},,,,\n")
        w(f"RESOURCE_SPACE,ADS_{p},ADS,,,,\n")
        w(f",,NONE,HOLD,PD_0,ADS_{p},\n")
        w(f",,NONE,HOLD,{pd},ADS_{p},\n")
        w(f"RESOURCE,VCPU_{p},VCPU,,,,\n")
        w(f",,NONE,SUBSET,VCPU_{p},VCPU_SPACE_0,\n")
        w(f",,NONE,HOLD,{pd},VCPU_{p},\n")
        w(f",,MO,REQUEST,{pd},PD_0,\n")
        w(f",,FILE,REQUEST,{pd},PD_FS,\n")
        w(f",,R,HOLD,{pd},FILE_{p % 64},\n")
        for i in range(per_pd):
            vmr, mo = f"VMR_{p}_{i}", f"MO_{p}_{i}"
            w(f"RESOURCE,{vmr},VMR,,,,0x{0x400000 + i * 0x1000:x}_HEAP_1_12\n")
            w(f"RESOURCE,{mo},MO,,,,0x{page * 0x1000:x}_1_12\n")
            page += 1
            w(f",,NONE,SUBSET,{vmr},ADS_{p},\n")
            w(f",,NONE,SUBSET,{mo},MO_SPACE_0,\n")
            w(f",,RW,HOLD,{pd},{vmr},\n")
            w(f",,RW,HOLD,{pd},{mo},\n")
            w(f",,RW,MAP,{vmr},{mo},\n")
    w(",,NONE,MAP,FILE_SPACE_0,MO_SPACE_0,\n")

main()
