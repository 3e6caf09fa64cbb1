/*
 * The audit (CEL_OP_AUDIT): does what the model says match what the root
 * task's tables and the OS say?  Asked by a scenario after a crash and its
 * cleanup, to show that nothing of a destroyed PD survived anywhere:
 *  - every PD in the model is a running PD of the table, and no other;
 *  - every ended PD is reaped (its process is gone) and holds nothing;
 *  - no VMR, connection or ADS refers to an ended PD;
 *  - every memfd the root task has open belongs to a live MO, and every
 *    live MO has one;
 *  - the model's invariants hold (strict).
 */
#include <dirent.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "root.h"
#include "../proto/srv_proto.h"

static int bad(char *why, size_t len, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static int bad(char *why, size_t len, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(why, len, fmt, ap);
    va_end(ap);
    return -5;  /* -EIO */
}

/* An object that refers to PD number `num`, or NULL. */
static const cel_obj *refers_to(const cel_root *r, uint32_t num)
{
    for (uint32_t i = 1; i < r->n_objs; i++) {
        const cel_obj *o = r->objs[i];
        if (!o)
            continue;
        if ((o->type == CEL_T_VMR && o->u.vmr.pd == num) ||
            ((o->type == CEL_T_ADS || o->type == CEL_T_VCPU) && o->u.owner.pd == num) ||
            (o->type == (cel_type)CEL_T_RSPACE && o->u.owner.pd == num) ||
            (o->type == (cel_type)CEL_T_CONN &&
             (o->u.conn.client == num || o->u.conn.server == num) && o->holders > 1))
            return o;
    }
    return NULL;
}

int cel_audit(cel_root *r, char *why, size_t len)
{
    size_t model_pds = osm_store_node_count_kind(r->s, OSM_PD) - 1;   /* the root task */
    size_t live = 0, mos = 0;
    for (uint32_t i = 1; i < r->n_objs; i++) {
        const cel_obj *o = r->objs[i];
        if (!o)
            continue;
        if (o->type == CEL_T_MO)
            mos++;
        if (o->type != CEL_T_PD)
            continue;
        const cel_pd *pd = o->u.pd;
        if (!pd->ended) {
            live++;
            if (o->node == OSM_NONE || !osm_node_live(r->s, o->node))
                return bad(why, len, "%s runs but is not in the model", pd->id);
            continue;
        }
        const cel_obj *ref = refers_to(r, pd->num);
        if (!pd->reaped || pd->pidfd >= 0)
            return bad(why, len, "ended %s not reaped", pd->id);
        if (o->node != OSM_NONE)
            return bad(why, len, "ended %s still in the model", pd->id);
        if (pd->holds.n)
            return bad(why, len, "ended %s still holds %zu badge(s)", pd->id, pd->holds.n);
        if (ref)
            return bad(why, len, "object %u still refers to ended %s", ref->num, pd->id);
    }
    if (live != model_pds)
        return bad(why, len, "%zu PDs run, the model has %zu", live, model_pds);
    int memfds = 0;
    cel_count_fds(&memfds);
    /* The dump memfd of a pending reply is not open here: the DUMP handler
     * closes its copy once sent. */
    if ((size_t)memfds != mos)
        return bad(why, len, "%d memfds open, %zu live MOs", memfds, mos);
    osm_diags d;
    osm_diags_init(&d, 1);
    size_t n = osm_check(r->s, true, &d);
    int rc = n ? bad(why, len, "invariant: %s", d.n ? d.v[0].msg : "?") : 0;
    osm_diags_free(&d);
    return rc;
}

int cel_count_fds(int *memfds)
{
    DIR *d = opendir("/proc/self/fd");
    if (!d)
        return -1;
    int n = 0;
    *memfds = 0;
    for (struct dirent *e; (e = readdir(d));) {
        char link[64] = "";
        if (e->d_name[0] == '.')
            continue;
        n++;
        if (readlinkat(dirfd(d), e->d_name, link, sizeof link - 1) > 0 &&
            strncmp(link, "/memfd:", 7) == 0)
            ++*memfds;
    }
    closedir(d);
    return n - 1;   /* the directory's own fd */
}
