/*
 * The MO component: memory objects are memfds owned by the root task.  A PD
 * gets the memfd only inside the MO_ATTACH reply, maps it and closes it
 * (libcellulos does); the model records the MO with the physical frames
 * behind it, read from pagemap before the first dump that shows the MO.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../platform/platform.h"
#include "../root.h"

#define PAGE 4096u

int cel_mo_alloc(cel_root *r, cel_pd *pd, cel_msg *m)
{
    size_t bytes = (size_t)m->u.mo_alloc.pages * PAGE;
    int fd = cel_plat_mo_new("cellulos-mo", bytes);
    if (fd < 0)
        return fd;
    /* Frames are read when a dump first shows the MO (mo_map.c). */
    char extra[64];
    snprintf(extra, sizeof extra, "0x0_%llu_12", (unsigned long long)m->u.mo_alloc.pages);
    cel_obj *o = cel_obj_new(r, CEL_T_MO, r->mo_space->num);
    if (!o) {
        close(fd);
        return -ENOMEM;
    }
    o->u.mo.fd = fd;
    o->u.mo.bytes = bytes;
    o->u.mo.lazy = true;
    cel_plat_file_id(fd, &o->u.mo.dev, &o->u.mo.ino);
    o->node = cel_model_resource(r, r->mo_space, "MO", extra);
    uint64_t badge = 0;
    int rc = o->node == OSM_NONE ? -EPERM
                                 : cel_pd_give(r, pd, o, OSM_PERM_R | OSM_PERM_W, &badge);
    if (rc) {
        cel_mo_release(r, o);
        return rc;
    }
    memset(&m->u, 0, sizeof m->u);
    m->u.badge.badge = badge;
    return 0;
}

int cel_mo_attach(cel_root *r, cel_pd *pd, cel_msg *m, int *fd_out)
{
    cel_obj *o = cel_lookup(r, pd, m->u.mo_attach.mo, CEL_T_MO, OSM_PERM_R);
    if (!o)
        return -EPERM;
    m->u.mo_attach.bytes = o->u.mo.bytes;
    *fd_out = o->u.mo.fd;   /* SCM_RIGHTS duplicates it into the PD */
    return 0;
}

/* Whether pd still has a VMR over mo. */
static bool mapped_by(cel_root *r, cel_pd *pd, cel_obj *mo)
{
    size_t n;
    uint64_t *v = cel_holds_list(&pd->holds, &n);
    bool found = false;
    for (size_t i = 0; i < n && !found; i++) {
        cel_obj *o = cel_obj_get(r, cel_badge_obj(v[i]));
        found = o && o->type == CEL_T_VMR && o->u.vmr.mo == mo->num;
    }
    free(v);
    return found;
}

int cel_mo_free(cel_root *r, cel_pd *pd, cel_msg *m)
{
    cel_obj *o = cel_lookup(r, pd, m->u.badge.badge, CEL_T_MO, 0);
    if (!o)
        return -EPERM;
    if (mapped_by(r, pd, o))
        return -EBUSY;
    int rc = cel_pd_take(r, pd, o);
    cel_mo_release(r, o);
    return rc;
}

/* Delete an MO nobody holds any more: model node, then the memfd. */
void cel_mo_release(cel_root *r, cel_obj *o)
{
    if (o->holders)
        return;
    if (o->node != OSM_NONE && cel_model_delete(r, o->node))
        return;     /* refused: keep it (the log says why) */
    close(o->u.mo.fd);
    cel_obj_free(r, o);
}
