/*
 * Address spaces shared by thread PDs: every PD sharing an ADS holds every
 * VMR in it, in the model.
 *
 * Why: every thread of a Linux process can read and write every mapping of
 * the process.  A VMR held only by the PD that mapped it would make the
 * model claim an isolation between a thread PD and its process (or two
 * thread PDs) that the substrate does not give: RSI 0 for VMR between PDs
 * that share one page table.  So the model's HOLD edges say who can access
 * a mapping: each PD sharing the ADS, with the mapping's permissions.  The
 * badge (the registry) stays with the PD that mapped it, which alone may
 * unmap it through the root task; these extra HOLD edges have no badge.
 *
 * Invariant kept here: for a VMR of ADS a owned by PD o (o->u.vmr.pd), the
 * model has HOLD p -> VMR for every PD p != o that is not ended and whose
 * `ads` is a.  A process PD without threads shares with nobody, so the
 * allocation path pays nothing more there.
 */
#include "../root.h"

/* The process PD owning the ADS that VMR v lies in, or NULL. */
static cel_pd *ads_owner(cel_root *r, const cel_obj *v)
{
    cel_obj *ads = cel_obj_get(r, r->spaces[v->space].obj);
    return ads && ads->type == CEL_T_ADS ? cel_pd_of(r, ads->u.owner.pd) : NULL;
}

static osm_id pd_node(cel_root *r, const cel_pd *p)
{
    cel_obj *o = cel_obj_get(r, p->num);
    return o ? o->node : OSM_NONE;
}

/* The permissions the owner of VMR v mapped it with. */
static unsigned vmr_perms(cel_root *r, const cel_obj *v)
{
    cel_pd *owner = cel_pd_of(r, v->u.vmr.pd);
    uint64_t b = owner ? cel_holds_find_obj(&owner->holds, v->num) : 0;
    return b ? cel_badge_perms(b) : OSM_PERM_R;
}

static bool has_hold(cel_root *r, osm_id pd, osm_id res)
{
    return osm_store_find_edge(r->s, OSM_HOLD, pd, res, OSM_NONE) != OSM_NONE;
}

int cel_ads_share_vmr(cel_root *r, cel_obj *v, unsigned perms)
{
    cel_pd *proc = ads_owner(r, v);
    if (!proc || proc->n_threads == 0)
        return 0;
    uint32_t ads = r->spaces[v->space].obj;
    for (uint32_t i = 1; i < r->n_objs; i++) {
        cel_obj *o = r->objs[i];
        cel_pd *p = o && o->type == CEL_T_PD ? o->u.pd : NULL;
        if (!p || p->ended || p->ads != ads || p->num == v->u.vmr.pd)
            continue;
        int rc = cel_model_grant(r, o->node, v->node, perms);
        if (rc) {
            cel_ads_share_unvmr(r, v);
            return rc;
        }
    }
    return 0;
}

void cel_ads_share_unvmr(cel_root *r, cel_obj *v)
{
    cel_pd *owner = cel_pd_of(r, v->u.vmr.pd);
    osm_id keep = owner ? pd_node(r, owner) : OSM_NONE;
    bool again = true;
    while (again) {     /* revoking changes the in-list: start over */
        again = false;
        for (osm_id e = osm_store_first_in(r->s, v->node); e != OSM_NONE;
             e = osm_store_next_in(r->s, e)) {
            osm_edge ed;
            if (!osm_store_edge(r->s, e, &ed) || ed.kind != OSM_HOLD || ed.from == r->pd0 ||
                ed.from == keep || osm_node_kind(r->s, ed.from) != OSM_PD)
                continue;
            if (cel_model_revoke(r, ed.from, v->node) == 0) {
                again = true;
                break;
            }
        }
    }
}

int cel_ads_share_join(cel_root *r, cel_pd *t)
{
    osm_id me = pd_node(r, t);
    for (uint32_t i = 1; i < r->n_objs; i++) {
        cel_obj *v = r->objs[i];
        if (!v || v->type != CEL_T_VMR || r->spaces[v->space].obj != t->ads ||
            v->u.vmr.pd == t->num || has_hold(r, me, v->node))
            continue;
        int rc = cel_model_grant(r, me, v->node, vmr_perms(r, v));
        if (rc)
            return rc;
    }
    return 0;
}

void cel_ads_share_leave(cel_root *r, cel_pd *t, cel_pd *heir)
{
    osm_id me = pd_node(r, t), h = heir ? pd_node(r, heir) : OSM_NONE;
    for (uint32_t i = 1; t->ads && i < r->n_objs; i++) {
        cel_obj *v = r->objs[i];
        if (!v || v->type != CEL_T_VMR || r->spaces[v->space].obj != t->ads)
            continue;
        if (v->u.vmr.pd != t->num && has_hold(r, me, v->node))
            cel_model_revoke(r, me, v->node);
        else if (v->u.vmr.pd == t->num && h != OSM_NONE && has_hold(r, h, v->node))
            cel_model_revoke(r, h, v->node);    /* the heir's own hold replaces it */
    }
}
