/*
 * The ADS component: a PD's address space is a resource space of type ADS,
 * drawn on by its VMRs and mapped to physical memory (the MO space), held by
 * the root task and the PD.
 */
#include "../root.h"

cel_obj *cel_ads_new(cel_root *r, cel_pd *pd)
{
    cel_space *sp = cel_space_new(r, "ADS");
    if (!sp)
        return NULL;
    cel_obj *o = cel_obj_new(r, CEL_T_ADS, sp->num);
    if (!o) {
        cel_space_free(r, sp);
        return NULL;
    }
    o->node = sp->node;
    o->u.owner.pd = pd->num;
    sp->obj = o->num;
    pd->ads = o->num;
    if (cel_model_map_space(r, sp->node, r->mo_space->node) ||
        cel_pd_give(r, pd, o, OSM_PERM_R | OSM_PERM_W, NULL)) {
        cel_ads_destroy(r, o);
        return NULL;
    }
    return o;
}

/* Every VMR of the space must be gone already (teardown does them first). */
void cel_ads_destroy(cel_root *r, cel_obj *o)
{
    if (!o)
        return;
    cel_space *sp = &r->spaces[o->space];
    cel_pd *pd = cel_pd_of(r, o->u.owner.pd);
    if (pd && cel_holds_find_obj(&pd->holds, o->num))
        cel_pd_take(r, pd, o);
    if (pd)
        pd->ads = 0;
    if (osm_store_find_edge(r->s, OSM_MAP, sp->node, r->mo_space->node, OSM_NONE) != OSM_NONE)
        cel_model_unmap_space(r, sp->node, r->mo_space->node);
    cel_space_free(r, sp);
    cel_obj_free(r, o);
}
