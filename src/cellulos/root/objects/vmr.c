/*
 * The VMR component: regions of a PD's address space over MOs.  Revoking an
 * MO, which takes the victim's VMRs over it away for real, is revoke.c's.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../platform/platform.h"
#include "../root.h"

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
    if (!rc && (rc = cel_ads_share_vmr(r, o, vm->perms))) {
        cel_pd_take(r, pd, o);
        cel_model_unmap(r, o->node, mo->node);
    }
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
    cel_ads_share_unvmr(r, o);
    if (pd)
        cel_pd_take(r, pd, o);
    cel_model_delete(r, o->node);
    cel_obj_free(r, o);
}
