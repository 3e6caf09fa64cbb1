/*
 * Severity-ranked TCB: every member of TCB_P(x) with its strongest way in
 * (docs/query.md, "Severity").
 *
 * The ways are read off component queries: one per component of the view
 * (the view's modes), plus can-control in mode RWT (full control) and
 * shared-resources in mode W (writers).  Server versus pool needs more than
 * the servers witness, which names one space only: a member is a server
 * when it holds a space of Spaces(x, all) that is not a POOL_* space, or x
 * REQUESTs it.  POOL_* is the one type-name convention used here: it marks
 * an exhaustible pool every holder draws on (e.g. a kernel pool on Linux),
 * so holding one serves nobody.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "query_internal.h"

static const char *const way_names[OSM_WAY_COUNT] = {
    "control", "write", "partial-control", "server", "read", "pool"
};

const char *osm_way_name(osm_way w)
{
    return (unsigned)w < OSM_WAY_COUNT ? way_names[w] : "?";
}

int osm_way_parse(const char *s)
{
    for (int w = 0; w < OSM_WAY_COUNT; w++)
        if (!strcmp(s, way_names[w]))
            return w;
    return -1;
}

void osm_ranking_free(osm_ranking *r)
{
    free(r->v);
    free(r->steps);
    memset(r, 0, sizeof *r);
}

/* Is space type t a pool (POOL_*)? */
static bool pool_type(const osm_query *q, osm_id t)
{
    return !strncmp(osm_store_type_name(q->g->store, t), "POOL_", 5);
}

/* One component answer and a node -> member index map over it. */
typedef struct comp_ans {
    osm_members m;
    uint32_t *at;       /* [n] member index + 1, 0 = absent */
} comp_ans;

static int ans_run(osm_query *q, osm_id x, uint32_t comp, const osm_qopts *o, uint8_t srm,
                   uint8_t ctlm, comp_ans *a)
{
    memset(a, 0, sizeof *a);
    if (q_components_modes(q, x, comp, o, srm, ctlm, &a->m) < 0)
        return -1;
    a->at = calloc(q->n + 1, sizeof *a->at);
    if (!a->at)
        return -1;
    for (size_t i = 0; i < a->m.n; i++)
        a->at[a->m.v[i].pd] = (uint32_t)i + 1;
    return 0;
}

static void ans_free(comp_ans *a)
{
    osm_members_free(&a->m);
    free(a->at);
}

static const osm_member *ans_get(const comp_ans *a, osm_id p)
{
    return a->at && a->at[p] ? &a->m.v[a->at[p] - 1] : NULL;
}

/* Spaces(x, all) with no type filter, honouring cuts: a non-POOL space p
 * holds among them (and the hold's entry) makes p a server.  Marks them in
 * set 6 of the pool. */
static qset *spaces_all(osm_query *q, osm_id x)
{
    const osm_snapshot *g = q->g;
    qset *w = q_set(q, 7, false), *s = q_set(q, 6, false);
    if (!w || !s)
        return NULL;
    qwalk wk = { E_HOLD | E_MAP, OSM_DIR_FWD, 0, K_RES | K_SPACE, K_RES | K_SPACE,
                 OSM_DEPTH_INF, false };
    q_walk(q, &wk, &x, 1, w);
    for (uint32_t i = g->out_off[x]; i < g->out_off[x + 1]; i++)
        if (OSM_ADJ_KIND(g->out[i].info) == OSM_HOLD && g->kind[g->out[i].node] == OSM_SPACE &&
            !q_cut_out(q, i))
            qset_add(s, g->out[i].node);
    for (size_t k = 0; k < w->n; k++) {
        osm_id r = w->v[k];
        if (g->kind[r] != OSM_RESOURCE)
            continue;
        for (uint32_t i = g->out_off[r]; i < g->out_off[r + 1]; i++)
            if (OSM_ADJ_KIND(g->out[i].info) == OSM_SUBSET && !q_cut_out(q, i) &&
                g->kind[g->out[i].node] == OSM_SPACE)
                qset_add(s, g->out[i].node);
    }
    return s;
}

/* Does p serve x other than through a pool: a HOLD on a non-POOL space of
 * `sall`, or a REQUEST x -> p? */
static bool serves_not_pool(const osm_query *q, osm_id x, osm_id p, const qset *sall)
{
    const osm_snapshot *g = q->g;
    for (uint32_t i = g->out_off[p]; i < g->out_off[p + 1]; i++) {
        osm_id v = g->out[i].node;
        if (OSM_ADJ_KIND(g->out[i].info) == OSM_HOLD && !q_cut_out(q, i) && qset_has(sall, v) &&
            !pool_type(q, g->data[v]))
            return true;
    }
    for (uint32_t i = g->out_off[x]; i < g->out_off[x + 1]; i++)
        if (g->out[i].node == p && OSM_ADJ_KIND(g->out[i].info) == OSM_REQUEST && !q_cut_out(q, i))
            return true;
    return false;
}

enum { A_SR, A_SS, A_SV, A_IS, A_CC, A_CC_RWT, A_SR_W, A_N };

/* The strongest way of member e, and the answer whose chain explains it. */
static osm_way member_way(const osm_query *q, osm_id x, const osm_member *e, comp_ans *ans,
                          const qset *sall, const comp_ans **src)
{
    osm_id p = e->pd;
    if ((e->comps & OSM_COMP_CAN_CONTROL) && ans_get(&ans[A_CC_RWT], p)) {
        *src = &ans[A_CC_RWT];
        return OSM_WAY_CONTROL;
    }
    if ((e->comps & OSM_COMP_SHARED_RESOURCES) && ans_get(&ans[A_SR_W], p)) {
        *src = &ans[A_SR_W];
        return OSM_WAY_WRITE;
    }
    if (e->comps & OSM_COMP_CAN_CONTROL) {
        *src = &ans[A_CC];
        return OSM_WAY_PARTIAL_CONTROL;
    }
    if ((e->comps & OSM_COMP_SERVERS) && serves_not_pool(q, x, p, sall)) {
        *src = &ans[A_SV];
        return OSM_WAY_SERVER;
    }
    if (e->comps & OSM_COMP_INDIRECT_SERVERS) {
        const osm_member *m = ans_get(&ans[A_IS], p);
        if (m && (m->via == OSM_NONE || !pool_type(q, q->g->data[m->via]))) {
            *src = &ans[A_IS];
            return OSM_WAY_SERVER;
        }
    }
    if (e->comps & OSM_COMP_SHARED_RESOURCES) {
        *src = &ans[A_SR];
        return OSM_WAY_READ;
    }
    /* What is left of a TCB member is a shared space or a pool. */
    *src = e->comps & OSM_COMP_SHARED_SPACES ? &ans[A_SS]
         : e->comps & OSM_COMP_SERVERS ? &ans[A_SV] : &ans[A_IS];
    return OSM_WAY_POOL;
}

static int cmp_ranked(const void *a, const void *b, void *arg)
{
    const osm_ranked *x = a, *y = b;
    if (x->way != y->way)
        return x->way < y->way ? -1 : 1;
    const osm_store *s = arg;
    return osm_id_natural_cmp(osm_node_id(s, x->pd), osm_node_id(s, y->pd));
}

/* Copy member e's chain from answer `a` into the ranking. */
static int copy_chain(osm_ranking *r, size_t *cap, const comp_ans *a, osm_id p, osm_ranked *out)
{
    const osm_member *m = ans_get(a, p);
    out->via = m ? m->via : OSM_NONE;
    out->why_off = (uint32_t)r->n_steps;
    out->why_len = m ? m->why_len : 0;
    if (!out->why_len)
        return 0;
    if (r->n_steps + out->why_len > *cap) {
        size_t nc = (*cap ? *cap * 2 : 256) + out->why_len;
        osm_step *nv = realloc(r->steps, nc * sizeof *nv);
        if (!nv)
            return -1;
        r->steps = nv;
        *cap = nc;
    }
    memcpy(r->steps + r->n_steps, a->m.steps + m->why_off, out->why_len * sizeof *r->steps);
    r->n_steps += out->why_len;
    return 0;
}

int osm_tcb_ranked(osm_query *q, osm_id x, const osm_qopts *o, osm_ranking *out)
{
    static const osm_qopts dflt;
    if (!o)
        o = &dflt;
    memset(out, 0, sizeof *out);
    osm_members base;
    if (osm_tcb(q, x, o, &base) < 0)
        return -1;
    uint32_t comps = q_property_comps(o->property);
    static const uint32_t bits[A_N] = {
        OSM_COMP_SHARED_RESOURCES, OSM_COMP_SHARED_SPACES, OSM_COMP_SERVERS,
        OSM_COMP_INDIRECT_SERVERS, OSM_COMP_CAN_CONTROL, OSM_COMP_CAN_CONTROL,
        OSM_COMP_SHARED_RESOURCES
    };
    comp_ans ans[A_N];
    memset(ans, 0, sizeof ans);
    int rc = -1;
    for (int i = 0; i < A_N; i++) {
        if (!(comps & bits[i]))
            continue;
        uint8_t srm = i == A_SR_W ? OSM_PERM_W : q_sr_mode(o);
        uint8_t ctlm = i == A_CC_RWT ? OSM_PERM_R | OSM_PERM_W | OSM_PERM_T : q_control_mode(o);
        if (ans_run(q, x, bits[i], o, srm, ctlm, &ans[i]) < 0)
            goto out;
    }
    const qset *sall = spaces_all(q, x);
    out->v = malloc((base.n + 1) * sizeof *out->v);
    if (!sall || !out->v)
        goto out;
    size_t cap = 0;
    for (size_t i = 0; i < base.n; i++) {
        const osm_member *e = &base.v[i];
        const comp_ans *src = NULL;
        osm_ranked *r = &out->v[out->n++];
        *r = (osm_ranked){ .pd = e->pd, .comps = e->comps };
        r->way = member_way(q, x, e, ans, sall, &src);
        if (o->why ? copy_chain(out, &cap, src, e->pd, r) < 0 : 0)
            goto out;
        if (!o->why) {
            const osm_member *m = ans_get(src, e->pd);
            r->via = m ? m->via : OSM_NONE;
        }
    }
    if (out->n > 1)
        qsort_r(out->v, out->n, sizeof *out->v, cmp_ranked, (void *)q->g->store);
    rc = 0;
out:
    for (int i = 0; i < A_N; i++)
        ans_free(&ans[i]);
    osm_members_free(&base);
    if (rc < 0) {
        osm_ranking_free(out);
        errno = ENOMEM;
    }
    return rc;
}
