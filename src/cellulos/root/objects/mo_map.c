/*
 * The one-call MO path and lazily recorded frames.
 *
 * MO_ALLOC_MAP folds MO_ALLOC, MO_ATTACH and VMR_MAP into one round trip:
 * the PD names the page-aligned address it will map the memfd at (libcellulos
 * keeps a window of its address space for this and maps with
 * MAP_FIXED_NOREPLACE), so the root task can record the VMR before replying
 * with the memfd.  The model thus shows the VMR from the moment the PD holds
 * the means to map it; a PD whose mmap fails undoes the pair at once with
 * MO_UNMAP_FREE.
 *
 * With CEL_MAP_HEAP the memory is for the process' malloc heap: it is held
 * by the PD owning the address space even when one of its thread PDs asks,
 * because any thread may free what another allocated and the heap outlives
 * every thread.
 *
 * Frames: a memfd has no pages until something touches them, and reading
 * pagemap needs a mapping in the root task.  Rather than pay both on every
 * allocation, MOs start with PADDR 0 and cel_mo_frames_resolve() faults
 * their pages in and reads their frames before a dump is written.  "Exact"
 * therefore means: every dump shows, for every MO, the frame that backs its
 * first page at the moment of that dump (the page is allocated then if
 * nobody touched it yet).  With no swap configured a shmem page stays put,
 * apart from kernel compaction/migration, which may move it later without
 * telling anyone; the model cannot follow that (neither could the eager
 * read it replaces).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "../../platform/platform.h"
#include "../root.h"

/* Who holds memory pd asks for: itself, or for heap memory the PD that owns
 * its address space (its process).  NULL when that PD is gone. */
static cel_pd *holder_of(cel_root *r, cel_pd *pd, uint32_t flags)
{
    if (!(flags & CEL_MAP_HEAP) || !pd->thread_of)
        return pd;
    cel_pd *proc = cel_pd_of(r, pd->thread_of);
    return proc && !proc->ended ? proc : NULL;
}

int cel_mo_alloc_map(cel_root *r, cel_pd *pd, cel_msg *m, int *fd_out)
{
    cel_b_mo_alloc_map a = m->u.alloc_map;
    cel_pd *holder = holder_of(r, pd, a.flags);
    if (!holder)
        return -EPERM;
    cel_msg step;
    cel_msg_init(&step, CEL_OP_MO_ALLOC, m->h.seq);
    step.u.mo_alloc.pages = a.pages;
    int rc = cel_mo_alloc(r, holder, &step);
    if (rc)
        return rc;
    uint64_t mo_badge = step.u.badge.badge;
    cel_obj *mo = cel_obj_get(r, cel_badge_obj(mo_badge));
    cel_msg_init(&step, CEL_OP_VMR_MAP, m->h.seq);
    step.u.vmr_map = (cel_b_vmr_map){ .mo = mo_badge, .vaddr = a.vaddr,
                                      .bytes = a.pages * 4096, .perms = a.perms };
    if ((rc = cel_vmr_map(r, holder, &step))) {
        cel_pd_take(r, holder, mo);
        cel_mo_release(r, mo);
        return rc;
    }
    memset(&m->u, 0, sizeof m->u);
    m->u.alloc_map = a;
    m->u.alloc_map.mo = mo_badge;
    m->u.alloc_map.vmr = step.u.badge.badge;
    m->u.alloc_map.bytes = mo->u.mo.bytes;
    *fd_out = mo->u.mo.fd;      /* SCM_RIGHTS duplicates it into the PD */
    return 0;
}

int cel_mo_unmap_free(cel_root *r, cel_pd *pd, cel_msg *m)
{
    cel_b_unmap_free u = m->u.unmap_free;
    cel_pd *holder = holder_of(r, pd, u.flags);
    cel_obj *vmr = holder ? cel_lookup(r, holder, u.vmr, CEL_T_VMR, 0) : NULL;
    cel_obj *mo = vmr ? cel_lookup(r, holder, u.mo, CEL_T_MO, 0) : NULL;
    if (!mo || vmr->u.vmr.mo != mo->num)
        return -EPERM;
    cel_vmr_destroy(r, vmr);
    cel_msg step;
    cel_msg_init(&step, CEL_OP_MO_FREE, m->h.seq);
    step.u.badge.badge = u.mo;
    int rc = cel_mo_free(r, holder, &step);
    memset(&m->u, 0, sizeof m->u);
    return rc;
}

void cel_mo_frames_resolve(cel_root *r)
{
    for (uint32_t i = 1; i < r->n_objs; i++) {
        cel_obj *o = r->objs[i];
        if (!o || o->type != CEL_T_MO || !o->u.mo.lazy || o->node == OSM_NONE)
            continue;
        uint64_t paddr = 0;
        bool contiguous = false;
        if (cel_plat_mo_frames(o->u.mo.fd, o->u.mo.bytes, &paddr, &contiguous))
            continue;   /* try again at the next dump */
        char extra[64];
        snprintf(extra, sizeof extra, "%#llx_%llu_12", (unsigned long long)paddr,
                 (unsigned long long)(o->u.mo.bytes / 4096));
        if (osm_node_set_extra(r->s, o->node, extra) == 0)
            o->u.mo.lazy = false;
    }
}
