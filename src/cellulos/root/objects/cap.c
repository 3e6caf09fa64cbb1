/*
 * Capability transfer between PDs: GRANT shares a resource the caller holds
 * with a PD it controls; REVOKE takes it back, for real (revoke.c).  The caller
 * must hold the target PD's badge (it created it) and the resource's badge
 * with at least the permissions it passes on.
 */
#include <errno.h>
#include <string.h>

#include "../root.h"

int cel_cap_grant(cel_root *r, cel_pd *pd, cel_msg *m)
{
    cel_b_grant *g = &m->u.grant;
    cel_obj *target = cel_lookup(r, pd, g->pd, CEL_T_PD, OSM_PERM_W);
    cel_obj *res = target ? cel_lookup(r, pd, g->res, cel_badge_type(g->res), g->perms) : NULL;
    if (!res || res->type == CEL_T_PD || res->type == CEL_T_VMR || target->u.pd->ended)
        return -EPERM;
    uint64_t theirs = 0;
    int rc = cel_pd_give(r, target->u.pd, res, g->perms, &theirs);
    if (rc)
        return rc;
    memset(&m->u, 0, sizeof m->u);
    m->u.badge.badge = theirs;
    return 0;
}

int cel_cap_revoke(cel_root *r, cel_pd *pd, cel_msg *m, bool *deferred)
{
    cel_b_revoke *rv = &m->u.revoke;
    cel_obj *target = cel_lookup(r, pd, rv->pd, CEL_T_PD, OSM_PERM_W);
    cel_obj *res = target ? cel_lookup(r, pd, rv->res, cel_badge_type(rv->res), 0) : NULL;
    if (!res || res->type == CEL_T_PD || res->type == CEL_T_VMR)
        return -EPERM;
    cel_pd *victim = target->u.pd;
    if (victim->ended || !cel_holds_find_obj(&victim->holds, res->num))
        return -ENOENT;
    if (res->type == CEL_T_MO) {    /* takes effect for real, answered later */
        int rc = cel_revoke_start(r, pd, &m->h, victim, res);
        *deferred = rc == 0;
        return rc;
    }
    int outcome = CEL_REVOKE_NOT_MAPPED;
    int rc = cel_pd_take(r, victim, res);
    memset(&m->u, 0, sizeof m->u);
    m->u.revoke.outcome = (uint32_t)outcome;
    return rc;
}
