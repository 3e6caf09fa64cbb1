/*
 * libcellulos: the one-call MO path.  The library keeps a window of the
 * PD's address space (far from where the kernel places mappings on its own)
 * and hands out addresses in it, so a PD can tell the root task where it will
 * map an MO before it has the memfd: MO_ALLOC_MAP then makes the MO and its
 * VMR and passes the memfd in one round trip, and the PD maps it there with
 * MAP_FIXED_NOREPLACE (which never clobbers an existing mapping).
 */
#include <errno.h>
#include <stdint.h>
#include <sys/mman.h>
#include <unistd.h>

#include "internal.h"

#define WINDOW_BASE 0x200000000000ull   /* 32 TiB: below PIE images, libraries, stacks */
#define WINDOW_END 0x400000000000ull
#define PAGE 4096u

static uint64_t next_va = WINDOW_BASE;

int cel_lib_unmap(cel_badge mo, cel_badge vmr, void *addr, size_t bytes, unsigned flags)
{
    if (addr && munmap(addr, bytes))
        return -errno;
    cel_msg m;
    cel_msg_init(&m, (cel_op)CEL_OP_MO_UNMAP_FREE, 0);
    m.u.unmap_free.mo = mo;
    m.u.unmap_free.vmr = vmr;
    m.u.unmap_free.flags = flags;
    return cel_lib_call(&m, NULL);
}

/* Map the memfd of an MO_ALLOC_MAP reply at va; 0, or -errno (the caller
 * undoes the pair). */
static int map_at(uint64_t va, size_t bytes, unsigned perms, int fd)
{
    int prot = (perms & CEL_PERM_R ? PROT_READ : 0) | (perms & CEL_PERM_W ? PROT_WRITE : 0);
    void *p = mmap((void *)(uintptr_t)va, bytes, prot, MAP_SHARED | MAP_FIXED_NOREPLACE, fd, 0);
    int err = p == MAP_FAILED ? -errno : 0;
    close(fd);
    if (!err && p != (void *)(uintptr_t)va) {   /* a kernel without NOREPLACE */
        munmap(p, bytes);
        err = -EEXIST;
    }
    return err;
}

int cel_lib_map(size_t pages, unsigned perms, unsigned flags, void **addr, cel_badge *mo,
                cel_badge *vmr)
{
    if (!pages || pages > CEL_MO_MAX_PAGES)
        return -EINVAL;
    size_t bytes = pages * PAGE;
    for (int tries = 0; tries < 16; tries++) {     /* skip what is taken already */
        uint64_t va = __atomic_fetch_add(&next_va, bytes, __ATOMIC_RELAXED);
        if (va + bytes > WINDOW_END)
            return -ENOMEM;
        cel_msg m;
        cel_msg_init(&m, (cel_op)CEL_OP_MO_ALLOC_MAP, 0);
        m.u.alloc_map.pages = pages;
        m.u.alloc_map.vaddr = va;
        m.u.alloc_map.perms = perms;
        m.u.alloc_map.flags = flags;
        int fd = -1, rc = cel_lib_call(&m, &fd);
        if (!rc && fd < 0)
            rc = -EPROTO;
        if (!rc)
            rc = map_at(va, bytes, perms, fd);
        else if (fd >= 0)
            close(fd);
        if (!rc) {
            *addr = (void *)(uintptr_t)va;
            *mo = m.u.alloc_map.mo;
            *vmr = m.u.alloc_map.vmr;
            return 0;
        }
        if (m.u.alloc_map.mo)
            cel_lib_unmap(m.u.alloc_map.mo, m.u.alloc_map.vmr, NULL, 0, flags);
        if (rc != -EEXIST)
            return rc;
    }
    return -ENOMEM;
}

int cel_mo_alloc_attach(size_t pages, unsigned perms, void **addr, size_t *bytes, cel_badge *mo,
                        cel_badge *vmr)
{
    int rc = cel_lib_map(pages, perms, 0, addr, mo, vmr);
    if (!rc)
        *bytes = pages * PAGE;
    return rc;
}

int cel_mo_detach_free(cel_badge mo, cel_badge vmr, void *addr, size_t bytes)
{
    return cel_lib_unmap(mo, vmr, addr, bytes, 0);
}
