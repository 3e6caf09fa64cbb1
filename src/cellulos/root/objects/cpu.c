/*
 * The CPU component: one PCPU resource per online core in a PCPU space, and
 * a VCPU per PD (the schedulable thread).  A process PD may run on any core,
 * so its VCPU maps to every PCPU.
 */
#include <unistd.h>

#include "../root.h"

int cel_cpu_boot(cel_root *r)
{
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    if (n < 1)
        n = 1;
    if (n > 64)
        n = 64;
    r->pcpu_space = cel_space_new(r, "PCPU");
    r->vcpu_space = cel_space_new(r, "VCPU");
    if (!r->pcpu_space || !r->vcpu_space)
        return -1;
    for (long i = 0; i < n; i++) {
        r->pcpu[i] = cel_model_resource(r, r->pcpu_space, "PCPU", NULL);
        if (r->pcpu[i] == OSM_NONE)
            return -1;
        r->n_pcpu++;
    }
    return cel_model_map_space(r, r->vcpu_space->node, r->pcpu_space->node);
}

cel_obj *cel_vcpu_new(cel_root *r, cel_pd *pd)
{
    cel_obj *o = cel_obj_new(r, CEL_T_VCPU, r->vcpu_space->num);
    if (!o)
        return NULL;
    pd->vcpu = o->num;
    o->u.owner.pd = pd->num;
    o->node = cel_model_resource(r, r->vcpu_space, "VCPU", NULL);
    bool ok = o->node != OSM_NONE;
    for (unsigned i = 0; ok && i < r->n_pcpu; i++)
        ok = cel_model_map(r, o->node, r->pcpu[i], 0) == 0;
    if (!ok || cel_pd_give(r, pd, o, OSM_PERM_R | OSM_PERM_W | OSM_PERM_T, NULL)) {
        cel_vcpu_destroy(r, o);
        return NULL;
    }
    return o;
}

void cel_vcpu_destroy(cel_root *r, cel_obj *o)
{
    if (!o)
        return;
    cel_pd *pd = cel_pd_of(r, o->u.owner.pd);
    if (pd && cel_holds_find_obj(&pd->holds, o->num))
        cel_pd_take(r, pd, o);
    if (pd)
        pd->vcpu = 0;
    if (o->node != OSM_NONE) {
        for (unsigned i = 0; i < r->n_pcpu; i++)
            if (osm_store_find_edge(r->s, OSM_MAP, o->node, r->pcpu[i], OSM_NONE) != OSM_NONE)
                cel_model_unmap(r, o->node, r->pcpu[i]);
        cel_model_delete(r, o->node);
    }
    cel_obj_free(r, o);
}
