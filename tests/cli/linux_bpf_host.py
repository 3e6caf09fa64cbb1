#!/usr/bin/env python3
"""A process for tests/cli/test_linux_bpf.sh holding what the BPF source
must report as /proc does: files open read-only, write-only and read-write,
an O_PATH descriptor (no access), sockets, a pipe, an eventfd, a memfd
(open and mapped), shared and private file mappings on a tmpfs mount
(/dev/shm: a mount point to cross), a mapped file since deleted, a file
whose name holds a space and a newline, a shared anonymous mapping, a
PROT_NONE reservation.  Writes its pid to argv[1], then sleeps."""
import mmap
import os
import socket
import sys
import time

d = sys.argv[2]
keep = []
paths = [os.path.join(d, n) for n in ("plain", "with space\nnewline")]
for p in paths:
    with open(p, "wb") as f:
        f.write(b"x" * 8192)
keep.append(open(paths[0], "rb"))
keep.append(open(paths[0], "ab"))
keep.append(open(paths[1], "r+b"))
keep.append(os.open(paths[0], os.O_PATH))
keep += list(socket.socketpair())
srv = socket.socket()
srv.bind(("127.0.0.1", 0))
srv.listen()
keep.append(srv)
keep += list(os.pipe())
keep.append(os.eventfd(0))
mfd = os.memfd_create("bpftest")
os.ftruncate(mfd, 8192)
keep.append(mfd)
keep.append(mmap.mmap(mfd, 8192, mmap.MAP_SHARED))
shm = "/dev/shm/osmosis-bpf-%d" % os.getpid()
with open(shm, "wb") as f:
    f.write(b"y" * 8192)
sf = open(shm, "r+b")
keep.append(mmap.mmap(sf.fileno(), 8192, mmap.MAP_SHARED))
keep.append(mmap.mmap(sf.fileno(), 4096, mmap.MAP_PRIVATE, mmap.PROT_READ))
sf.close()
gone = os.path.join(d, "deleted")
with open(gone, "wb") as f:
    f.write(b"z" * 4096)
with open(gone, "rb") as f:
    keep.append(mmap.mmap(f.fileno(), 4096, mmap.MAP_PRIVATE, mmap.PROT_READ))
os.unlink(gone)
os.unlink(shm)
with open(paths[1], "rb") as f:
    keep.append(mmap.mmap(f.fileno(), 4096, mmap.MAP_SHARED, mmap.PROT_READ))
keep.append(mmap.mmap(-1, 65536, mmap.MAP_SHARED))
keep.append(mmap.mmap(-1, 65536, mmap.MAP_PRIVATE, 0))  # PROT_NONE
with open(sys.argv[1] + ".tmp", "w") as f:
    f.write("%d\n" % os.getpid())
os.rename(sys.argv[1] + ".tmp", sys.argv[1])
while True:
    time.sleep(1000)
