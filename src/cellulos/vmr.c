/*
 * The VMR component: regions of a PD's address space over MOs, and
 * revocation that takes effect.
 *
 * Revoking an MO from a PD: the root task asks the PD, on its notify socket,
 * to unmap each VMR over that MO (libcellulos does so from its SIGIO
 * handler), then checks in /proc that the process neither maps nor holds the
 * memfd any more.  A PD that does not answer in time, or still has the
 * memory, is killed.  Either way it cannot touch the memory afterwards.
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "platform.h"
#include "root.h"

int cel_vmr_map(cel_root *r, cel_pd *pd, cel_msg *m)
{
    cel_b_vmr_map *vm = &m->u.vmr_map;
    cel_obj *mo = cel_lookup(r, pd, vm->mo, CEL_T_MO, vm->perms & (OSM_PERM_R | OSM_PERM_W));
    cel_obj *ads = cel_obj_get(r, pd->ads);
    if (!mo || !ads)
        return -EPERM;
    if (vm->bytes != mo->u.mo.bytes || (vm->perms & (OSM_PERM_X | OSM_PERM_T)))
        return -EINVAL;
    char extra[80];
    snprintf(extra, sizeof extra, "%#llx_SHARED_FRAMES_%llu_12",
             (unsigned long long)vm->vaddr, (unsigned long long)(vm->bytes / 4096));
    cel_obj *o = cel_obj_new(r, CEL_T_VMR, ads->space);
    if (!o)
        return -ENOMEM;
    o->u.vmr.pd = pd->num;
    o->u.vmr.mo = mo->num;
    o->u.vmr.vaddr = vm->vaddr;
    o->u.vmr.bytes = vm->bytes;
    o->node = cel_model_resource(r, &r->spaces[ads->space], "VMR", extra);
    uint64_t badge = 0;
    int rc = o->node == OSM_NONE ? -EPERM : cel_model_map(r, o->node, mo->node, vm->perms);
    if (!rc && (rc = cel_pd_give(r, pd, o, vm->perms, &badge)))
        cel_model_unmap(r, o->node, mo->node);
    if (rc) {
        if (o->node != OSM_NONE)
            cel_model_delete(r, o->node);
        cel_obj_free(r, o);
        return rc;
    }
    memset(&m->u, 0, sizeof m->u);
    m->u.badge.badge = badge;
    return 0;
}

int cel_vmr_unmap(cel_root *r, cel_pd *pd, cel_msg *m)
{
    cel_obj *o = cel_lookup(r, pd, m->u.badge.badge, CEL_T_VMR, 0);
    if (!o)
        return -EPERM;
    cel_vmr_destroy(r, o);
    return 0;
}

/* Remove a VMR from the model (unmap, revoke, delete) and the registry. */
void cel_vmr_destroy(cel_root *r, cel_obj *o)
{
    cel_pd *pd = cel_pd_of(r, o->u.vmr.pd);
    cel_obj *mo = cel_obj_get(r, o->u.vmr.mo);
    if (mo)
        cel_model_unmap(r, o->node, mo->node);
    if (pd)
        cel_pd_take(r, pd, o);
    cel_model_delete(r, o->node);
    cel_obj_free(r, o);
}

static long ms_since(const struct timespec *t0)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (t.tv_sec - t0->tv_sec) * 1000 + (t.tv_nsec - t0->tv_nsec) / 1000000;
}

/* Ask the PD to unmap one VMR and wait (bounded) for its answer. */
static bool ask_unmap(cel_root *r, cel_pd *pd, uint64_t badge, cel_obj *vmr)
{
    cel_msg m;
    cel_msg_init(&m, CEL_OP_REVOKE_NOTIFY, (uint32_t)vmr->num);
    m.u.rnotify.vmr = badge;
    m.u.rnotify.vaddr = vmr->u.vmr.vaddr;
    m.u.rnotify.bytes = vmr->u.vmr.bytes;
    if (cel_plat_send(pd->notify, &m, sizeof m, -1))
        return false;
    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    for (;;) {
        long left = (long)r->revoke_timeout_ms - ms_since(&t0);
        struct pollfd p = { .fd = pd->notify, .events = POLLIN };
        if (left <= 0 || poll(&p, 1, (int)left) <= 0)
            return false;
        cel_msg a;
        size_t got;
        bool trunc;
        if (cel_plat_recv(pd->notify, &a, sizeof a, &got, &trunc, NULL))
            return false;
        if (!cel_msg_check(&a, got, trunc, true, NULL, 0) && a.h.op == CEL_OP_REVOKE_NOTIFY &&
            a.h.seq == m.h.seq)
            return a.h.status == 0;
    }
}

int cel_vmr_revoke_mo(cel_root *r, cel_pd *victim, cel_obj *mo)
{
    size_t n;
    uint64_t *v = cel_holds_list(&victim->holds, &n);
    bool complied = true, any = false;
    for (size_t i = 0; i < n; i++) {
        cel_obj *o = cel_obj_get(r, cel_badge_obj(v[i]));
        if (!o || o->type != CEL_T_VMR || o->u.vmr.mo != mo->num)
            continue;
        any = true;
        if (complied && !victim->ended)
            complied = ask_unmap(r, victim, v[i], o);
        cel_vmr_destroy(r, o);
    }
    free(v);
    /* Trust nothing the PD said: it must neither map nor hold the memfd. */
    if (!victim->ended && (!complied ||
                           cel_plat_uses_file(victim->pid, mo->u.mo.dev, mo->u.mo.ino) == 1)) {
        cel_deny(r, victim, "revoke", "kept revoked memory: killed");
        cel_pd_kill(r, victim);
        return CEL_REVOKE_KILLED;
    }
    return any ? CEL_REVOKE_COMPLIED : CEL_REVOKE_NOT_MAPPED;
}
