/*
 * Cleanup policies (MODEL.md §6) in the live root task: when a PD ends, the
 * same computation as the offline `osmosis cleanup` simulation
 * (osm_cleanup_sim, src/query/cleanup.c) runs on the current model state
 * before the teardown, and every other PD it names is killed; each one's
 * own end then tears it down in turn (and applies the policy again, with
 * the depths the first computation already used up included in its list).
 *
 * The spaces and resources the simulation names need no separate step: a
 * CellulOS PD holds only the spaces the root task made for it (its ADS),
 * and pd.c's teardown removes exactly those with their resources.
 */
#include <stdio.h>

#include <osmosis/query.h>

#include "root.h"

int cel_policy_parse(const char *s, cel_policy *p)
{
    if (osm_cleanup_policy(s, &p->d_pd, &p->d_rs))
        return -1;
    snprintf(p->name, sizeof p->name, "%s", s);
    return 0;
}

/* The PD record whose model node is n, or NULL. */
static cel_pd *pd_by_node(cel_root *r, osm_id n)
{
    for (uint32_t i = 1; i < r->n_objs; i++) {
        cel_obj *o = r->objs[i];
        if (o && o->type == CEL_T_PD && o->node == n)
            return o->u.pd;
    }
    return NULL;
}

void cel_policy_apply(cel_root *r, cel_pd *ended)
{
    cel_obj *self = cel_obj_get(r, ended->num);
    if (r->crash_dump && ended->status < 0 && !ended->policy_victim) {
        /* The state just before the crash's teardown, for `osmosis cleanup`. */
        if (cel_model_dump_file(r, r->crash_dump))
            fprintf(r->log, "cellulos: cannot write %s\n", r->crash_dump);
        r->crash_dump = NULL;
    }
    if (!self || self->node == OSM_NONE || ended->policy_victim ||
        (r->policy.d_pd == 0 && r->policy.d_rs == 0))
        return;     /* 1a, or part of an earlier PD's cleanup: its own teardown is all */
    osm_cleanup_result res;
    if (osm_cleanup_sim(r->s, self->node, r->policy.d_pd, r->policy.d_rs, &res)) {
        fprintf(r->log, "cellulos: policy %s: out of memory\n", r->policy.name);
        return;
    }
    for (size_t i = 0; i < res.n_pds; i++) {
        cel_pd *pd = res.pds[i] == self->node ? NULL : pd_by_node(r, res.pds[i]);
        if (!pd || pd->ended)
            continue;
        fprintf(r->log, "cellulos: policy %s: %s ended, so %s (%s) goes too\n", r->policy.name,
                ended->id, pd->id, pd->name);
        pd->policy_victim = true;
        ended->policy_kills++;
        cel_pd_kill(r, pd);
    }
    cel_srv_policy(r, &res);    /* the server spaces it names go now */
    osm_cleanup_result_free(&res);
}
