/*
 * Dependency queries for one PD (MODEL.md §4): the six components, TCB and
 * the impact boundary, in the A / I / C views, each member with its reason.
 *
 * Every "{ p : some set of p meets some set of x }" is answered from x's
 * side with one multi-source walk backwards from x's set, so one query
 * costs a few walks whatever the number of PDs.  The impact boundary runs
 * the same walks with the roles of x and p swapped.
 *
 * Qset pool use: 0 x's forward walk, 1 Spaces(x, types), 2 Spaces(x, all)
 * or the spaces x holds, 3 backward walks to PDs, 4 map / request / control
 * walks, 5 members, 6 walk sources or the W hops of a forward control
 * walk, 7 backward map walks.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "query_internal.h"


typedef struct qctx qctx;
/* Emits the chain from x to space s (the "x side" of a space reason). */
typedef int (*xside_fn)(qctx *c, osm_id s);

struct qctx {
    osm_query *q;
    const osm_snapshot *g;
    osm_id x;
    const osm_typeset *types;
    bool why;
    osm_members *out;
    qset *mem;
    qset *v1;           /* x's forward walk, mode v1_mode */
    int v1_mode;        /* -1 = not walked */
    qset *sx, *sxall;   /* Spaces(x, types), Spaces(x, all) */
    qset *mw;           /* the current map walk */
    xside_fn mw_base;   /* x side of the map walk's sources */
    const qset *su_set; /* spaces_users: the space set and its x side */
    xside_fn su_xside;
};

/* ---- members ----------------------------------------------------------------- */

/* Add p to the answer for component `comp`.  1 with *e when p is new (the
 * caller then records its reason), 0 when p was there already (only its
 * comps grow), -1 on ENOMEM (errno set, c->out->n unchanged). */
static int member_add(qctx *c, osm_id p, uint32_t comp, osm_id via, osm_member **e)
{
    osm_members *m = c->out;
    if (qset_has(c->mem, p)) {
        m->v[c->q->slot[p]].comps |= comp;
        return 0;
    }
    if (m->n == m->cap) {
        size_t nc = m->cap ? m->cap * 2 : 16;
        osm_member *nv = realloc(m->v, nc * sizeof *nv);
        if (!nv)
            return -1;
        m->v = nv;
        m->cap = nc;
    }
    qset_add(c->mem, p);
    c->q->slot[p] = (uint32_t)m->n;
    *e = &m->v[m->n++];
    **e = (osm_member){ p, comp, comp, via, (uint32_t)m->n_steps, 0 };
    return 1;
}

/* Close a member's chain after its steps were emitted (they live in their
 * own array, so `e` stays valid meanwhile); passes rc through. */
static int member_why_end(qctx *c, osm_member *e, int rc)
{
    e->why_len = (uint32_t)(c->out->n_steps - e->why_off);
    return rc;
}

/* ---- x's walks and spaces ------------------------------------------------------ */

/* x's forward walk over HOLD/MAP in `mode` (R(x, mode, *) before the type
 * filter), cached in set 0. */
static int walk_x(qctx *c, uint8_t mode)
{
    if (c->v1_mode == mode)
        return 0;
    c->v1 = q_set(c->q, 0, c->why);
    if (!c->v1)
        return -1;
    qwalk w = { E_HOLD | E_MAP, OSM_DIR_FWD, mode, K_RES | K_SPACE, K_RES | K_SPACE,
                OSM_DEPTH_INF, false };
    q_walk(c->q, &w, &c->x, 1, c->v1);
    c->v1_mode = mode;
    return 0;
}

/* Spaces(x, ts) into set `idx`: parents say whether a space came from a
 * resource (SUBSET) or a direct HOLD by x.  Needs walk_x(ANY). */
static qset *spaces_of_x(qctx *c, int idx, const osm_typeset *ts)
{
    const osm_snapshot *g = c->g;
    qset *s = q_set(c->q, idx, c->why);
    if (!s)
        return NULL;
    for (uint32_t i = g->out_off[c->x]; i < g->out_off[c->x + 1]; i++) {
        osm_id v = g->out[i].node;
        if (OSM_ADJ_KIND(g->out[i].info) == OSM_HOLD && g->kind[v] == OSM_SPACE &&
            !q_cut_out(c->q, i) && q_space_type_ok(ts, g->data[v]) && qset_add(s, v) && s->par)
            s->par[v] = (qpar){ c->x, g->out[i].info, 1, 0 };
    }
    for (size_t k = 0; k < c->v1->n; k++) {
        osm_id r = c->v1->v[k];
        if (g->kind[r] != OSM_RESOURCE || !q_res_type_ok(ts, g->data[r]))
            continue;
        for (uint32_t i = g->out_off[r]; i < g->out_off[r + 1]; i++) {
            osm_id v = g->out[i].node;
            if (OSM_ADJ_KIND(g->out[i].info) == OSM_SUBSET && g->kind[v] == OSM_SPACE &&
                !q_cut_out(c->q, i) && qset_add(s, v) && s->par)
                s->par[v] = (qpar){ r, g->out[i].info, 1, 0 };
        }
    }
    return s;
}

/* x side for a space of Spaces(x, *): x .. r -SUBSET-> s, or x -HOLD-> s. */
static int xside_spaces(qctx *c, const qset *set, osm_id s)
{
    const qpar *p = &set->par[s];
    if (p->from == c->x)
        return q_emit_step(c->out, c->x, 0, false) | q_emit_step(c->out, s, p->info, false);
    return q_emit_path(c->out, c->v1, p->from, false) |
           q_emit_step(c->out, s, p->info, false);
}
static int xside_sx(qctx *c, osm_id s) { return xside_spaces(c, c->sx, s); }
static int xside_sxall(qctx *c, osm_id s) { return xside_spaces(c, c->sxall, s); }
/* Through the current map walk: x side of its source, then the MAP chain. */
static int xside_mw(qctx *c, osm_id s)
{
    osm_id s0 = q_path_source(c->mw, s);
    return c->mw_base(c, s0) | q_emit_path(c->out, c->mw, s, true);
}

/* ---- building blocks ------------------------------------------------------------ */

/* PDs that reach, by a backward walk over HOLD/MAP in `mode` through
 * non-PD nodes, one of `src`: members of `comp`.  The reason goes through
 * `xside(src_of_path)` when given, else through x's walk (v1). */
static int back_to_pds(qctx *c, const osm_id *src, size_t nsrc, uint8_t mode, uint32_t comp,
                       int (*reason)(qctx *, osm_id r))
{
    qset *w = q_set(c->q, 3, c->why);
    if (!w)
        return -1;
    qwalk wk = { E_HOLD | E_MAP, OSM_DIR_BACK, mode, K_PD | K_RES | K_SPACE, K_RES | K_SPACE,
                 OSM_DEPTH_INF, false };
    q_walk(c->q, &wk, src, nsrc, w);
    for (size_t k = 0; k < w->n; k++) {
        osm_id p = w->v[k];
        if (c->g->kind[p] != OSM_PD || p == c->x)
            continue;
        osm_id r = c->why ? q_path_source(w, p) : OSM_NONE;
        osm_member *e;
        int fresh = member_add(c, p, comp, r, &e);
        if (fresh < 0)
            return -1;
        if (fresh && c->why &&
            member_why_end(c, e, reason(c, r) | q_emit_path(c->out, w, p, true)) < 0)
            return -1;
    }
    return 0;
}

/* Reason for shared-resources: x's walk to r. */
static int reason_v1(qctx *c, osm_id r) { return q_emit_path(c->out, c->v1, r, false); }

/* The space `r` is drawn from that belongs to `set`. */
static osm_id space_in(const qctx *c, const qset *set, osm_id r)
{
    const osm_snapshot *g = c->g;
    for (uint32_t i = g->out_off[r]; i < g->out_off[r + 1]; i++)
        if (OSM_ADJ_KIND(g->out[i].info) == OSM_SUBSET && !q_cut_out(c->q, i) &&
            qset_has(set, g->out[i].node))
            return g->out[i].node;
    return OSM_NONE;
}

/* The spaces_users reason: x side of s, then s <-SUBSET- r. */
static int reason_su(qctx *c, osm_id r)
{
    osm_id s = space_in(c, c->su_set, r);
    return c->su_xside(c, s) | q_emit_step(c->out, r, q_subset_info(c->g, r), true);
}

/* Members of `comp`: every p != x that HOLDs a space of `set` (of a type
 * in ts; NULL = any). */
static int space_holders(qctx *c, const qset *set, const osm_typeset *ts, uint32_t comp,
                         xside_fn xside)
{
    const osm_snapshot *g = c->g;
    for (size_t k = 0; k < set->n; k++) {
        osm_id s = set->v[k];
        if (ts && !q_space_type_ok(ts, g->data[s]))
            continue;
        for (uint32_t i = g->in_off[s]; i < g->in_off[s + 1]; i++) {
            osm_id p = g->in[i].node;
            if (OSM_ADJ_KIND(g->in[i].info) != OSM_HOLD || g->kind[p] != OSM_PD || p == c->x ||
                q_cut_in(c->q, i))
                continue;
            osm_member *e;
            int fresh = member_add(c, p, comp, s, &e);
            if (fresh < 0)
                return -1;
            if (fresh && c->why && member_why_end(c, e, xside(c, s) |
                                         q_emit_step(c->out, p, g->in[i].info, true)) < 0)
                return -1;
        }
    }
    return 0;
}

/* Members of `comp`: every p != x with Spaces(p, ts) meeting `set`, i.e.
 * p HOLDs one of them (of a type in ts) or reaches in ANY mode a resource
 * (of a type in ts) drawn from one. */
static int spaces_users(qctx *c, const qset *set, const osm_typeset *ts, uint32_t comp,
                        xside_fn xside)
{
    const osm_snapshot *g = c->g;
    if (space_holders(c, set, ts, comp, xside) < 0)
        return -1;
    qset *src = q_set(c->q, 6, false);
    if (!src)
        return -1;
    for (size_t k = 0; k < set->n; k++) {
        osm_id s = set->v[k];
        for (uint32_t i = g->in_off[s]; i < g->in_off[s + 1]; i++) {
            osm_id r = g->in[i].node;
            if (OSM_ADJ_KIND(g->in[i].info) == OSM_SUBSET && g->kind[r] == OSM_RESOURCE &&
                !q_cut_in(c->q, i) && q_res_type_ok(ts, g->data[r]))
                qset_add(src, r);
        }
    }
    c->su_set = set;
    c->su_xside = xside;
    return back_to_pds(c, src->v, src->n, 0, comp, reason_su);
}


/* How a walk's member p got there: emit its steps into c->out (0 or -1). */
typedef int (*walk_why)(qctx *c, const qset *w, osm_id p, const void *arg);

/* Every PD of walk w but x becomes a member of `comp` (or gains comp), with
 * its reason from `why` when reasons are asked for.  0, or -1 on ENOMEM. */
static int walk_members(qctx *c, const qset *w, uint32_t comp, walk_why why, const void *arg)
{
    for (size_t k = 0; k < w->n; k++) {
        osm_id p = w->v[k];
        if (p == c->x)
            continue;
        osm_member *e;
        int fresh = member_add(c, p, comp, OSM_NONE, &e);
        if (fresh < 0)
            return -1;
        if (fresh && c->why && member_why_end(c, e, why(c, w, p, arg)) < 0)
            return -1;
    }
    return 0;
}

/* request_chain's reason: x, the first hop h the walk came through, then
 * the walk's path from h to p. */
static int request_why(qctx *c, const qset *w, osm_id p, const void *arg)
{
    int dir = *(const int *)arg;
    const osm_snapshot *g = c->g;
    const uint32_t *off = dir == OSM_DIR_FWD ? g->out_off : g->in_off;
    const osm_adj *adj = dir == OSM_DIR_FWD ? g->out : g->in;
    osm_id h = q_path_source(w, p);
    uint32_t info = OSM_REQUEST;
    for (uint32_t i = off[c->x]; i < off[c->x + 1]; i++)
        if (adj[i].node == h && OSM_ADJ_KIND(adj[i].info) == OSM_REQUEST &&
            !(dir == OSM_DIR_FWD ? q_cut_out(c->q, i) : q_cut_in(c->q, i)))
            info = adj[i].info;
    return q_emit_step(c->out, c->x, 0, false) | q_emit_step(c->out, h, info, dir != OSM_DIR_FWD) |
           q_emit_path(c->out, w, p, true);
}

/* Members of `comp`: the PDs reached from x by REQUEST chains of one or
 * more edges after the first hops (x REQUEST-> h, h REQUEST->+ p), forward
 * or backward. */
static int request_chain(qctx *c, int dir, uint32_t comp)
{
    const osm_snapshot *g = c->g;
    const uint32_t *off = dir == OSM_DIR_FWD ? g->out_off : g->in_off;
    const osm_adj *adj = dir == OSM_DIR_FWD ? g->out : g->in;
    qset *w = q_set(c->q, 4, c->why);
    qset *src = q_set(c->q, 6, false);
    if (!w || !src)
        return -1;
    for (uint32_t i = off[c->x]; i < off[c->x + 1]; i++)
        if (OSM_ADJ_KIND(adj[i].info) == OSM_REQUEST && g->kind[adj[i].node] == OSM_PD &&
            !(dir == OSM_DIR_FWD ? q_cut_out(c->q, i) : q_cut_in(c->q, i)))
            qset_add(src, adj[i].node);
    qwalk wk = { E_REQ, dir, 0, K_PD, K_PD, OSM_DEPTH_INF, true };
    q_walk(c->q, &wk, src->v, src->n, w);
    return walk_members(c, w, comp, request_why, &dir);
}

/* What control_chain's reasons need besides the walk. */
typedef struct control_why_arg { qset *tmp; int dir; } control_why_arg;

static int control_why(qctx *c, const qset *w, osm_id p, const void *arg)
{
    const control_why_arg *a = arg;
    return q_control_emit(c->out, w, a->tmp, a->dir, p);
}

/* Members of `comp`: the PDs with a control chain to x (dir BACK) or from
 * x (FWD) whose edge at the controlled end carries `mode` (q_control_walk). */
static int control_chain(qctx *c, int dir, uint8_t mode, uint32_t comp)
{
    qset *w = q_set(c->q, 4, c->why);
    qset *tmp = q_set(c->q, 6, c->why);
    if (!w || !tmp)
        return -1;
    q_control_walk(c->q, c->x, dir, mode, w, tmp);
    control_why_arg a = { tmp, dir };
    return walk_members(c, w, comp, control_why, &a);
}

/* ---- the components (TCB direction) ---------------------------------------------- */

static int ensure_spaces(qctx *c)
{
    if (c->sx)
        return 0;
    if (walk_x(c, 0) < 0 || !(c->sx = spaces_of_x(c, 1, c->types)))
        return -1;
    c->sxall = c->types ? spaces_of_x(c, 2, NULL) : c->sx;
    return c->sxall ? 0 : -1;
}

/* Resources of x's walk whose type passes, as walk sources (set 6). */
static qset *typed_resources(qctx *c)
{
    qset *src = q_set(c->q, 6, false);
    if (!src)
        return NULL;
    for (size_t k = 0; k < c->v1->n; k++) {
        osm_id r = c->v1->v[k];
        if (c->g->kind[r] == OSM_RESOURCE && q_res_type_ok(c->types, c->g->data[r]))
            qset_add(src, r);
    }
    return src;
}

/* SharedResources: fwd_mode for x's walk, back_mode for the others'. */
static int comp_shared_resources(qctx *c, uint8_t fwd_mode, uint8_t back_mode)
{
    if (walk_x(c, fwd_mode) < 0)
        return -1;
    qset *src = typed_resources(c);
    if (!src)
        return -1;
    /* back_to_pds reuses set 6 only through src->v, which it reads first. */
    return back_to_pds(c, src->v, src->n, back_mode, OSM_COMP_SHARED_RESOURCES, reason_v1);
}

static int comp_shared_spaces(qctx *c)
{
    if (ensure_spaces(c) < 0)
        return -1;
    return spaces_users(c, c->sx, c->types, OSM_COMP_SHARED_SPACES, xside_sx);
}

static int request_hops(qctx *c, int dir, uint32_t comp)
{
    const osm_snapshot *g = c->g;
    const uint32_t *off = dir == OSM_DIR_FWD ? g->out_off : g->in_off;
    const osm_adj *adj = dir == OSM_DIR_FWD ? g->out : g->in;
    for (uint32_t i = off[c->x]; i < off[c->x + 1]; i++) {
        osm_id p = adj[i].node;
        if (OSM_ADJ_KIND(adj[i].info) != OSM_REQUEST || g->kind[p] != OSM_PD || p == c->x ||
            (dir == OSM_DIR_FWD ? q_cut_out(c->q, i) : q_cut_in(c->q, i)))
            continue;
        osm_member *e;
        int fresh = member_add(c, p, comp, OSM_NONE, &e);
        if (fresh < 0)
            return -1;
        if (fresh && c->why && member_why_end(c, e, q_emit_step(c->out, c->x, 0, false) |
                                     q_emit_step(c->out, p, adj[i].info, dir != OSM_DIR_FWD)) < 0)
            return -1;
    }
    return 0;
}

static int comp_servers(qctx *c)
{
    if (ensure_spaces(c) < 0 ||
        space_holders(c, c->sxall, NULL, OSM_COMP_SERVERS, xside_sxall) < 0)
        return -1;
    return request_hops(c, OSM_DIR_FWD, OSM_COMP_SERVERS);
}

static int comp_indirect_servers(qctx *c)
{
    if (ensure_spaces(c) < 0)
        return -1;
    c->mw = q_set(c->q, 7, c->why);
    if (!c->mw)
        return -1;
    qwalk wk = { E_MAP, OSM_DIR_FWD, 0, K_SPACE, K_SPACE, OSM_DEPTH_INF, true };
    q_walk(c->q, &wk, c->sxall->v, c->sxall->n, c->mw);
    c->mw_base = xside_sxall;
    if (space_holders(c, c->mw, NULL, OSM_COMP_INDIRECT_SERVERS, xside_mw) < 0)
        return -1;
    return request_chain(c, OSM_DIR_FWD, OSM_COMP_INDIRECT_SERVERS);
}

/* ---- the components seen from the other side (impact boundary) ------------------- */

/* The spaces x HOLDs directly, into set 2. */
static qset *held_spaces(qctx *c)
{
    const osm_snapshot *g = c->g;
    qset *s = q_set(c->q, 2, c->why);
    if (!s)
        return NULL;
    for (uint32_t i = g->out_off[c->x]; i < g->out_off[c->x + 1]; i++) {
        osm_id v = g->out[i].node;
        if (OSM_ADJ_KIND(g->out[i].info) == OSM_HOLD && g->kind[v] == OSM_SPACE &&
            !q_cut_out(c->q, i) && qset_add(s, v) && s->par)
            s->par[v] = (qpar){ c->x, g->out[i].info, 1, 0 };
    }
    c->sxall = s;
    return s;
}

/* x in Servers(p): x HOLDs a space of Spaces(p, all), or p REQUESTs x. */
static int ib_servers(qctx *c)
{
    qset *hx = held_spaces(c);
    if (!hx || spaces_users(c, hx, NULL, OSM_COMP_SERVERS, xside_sxall) < 0)
        return -1;
    return request_hops(c, OSM_DIR_BACK, OSM_COMP_SERVERS);
}

/* x in IndirectServers(p): x HOLDs a space that a space of Spaces(p, all)
 * reaches by MAP edges, or p reaches x by two or more REQUEST edges. */
static int ib_indirect_servers(qctx *c)
{
    qset *hx = held_spaces(c);
    if (!hx)
        return -1;
    c->mw = q_set(c->q, 7, c->why);
    if (!c->mw)
        return -1;
    qwalk wk = { E_MAP, OSM_DIR_BACK, 0, K_SPACE, K_SPACE, OSM_DEPTH_INF, true };
    q_walk(c->q, &wk, hx->v, hx->n, c->mw);
    c->mw_base = xside_sxall;
    if (spaces_users(c, c->mw, NULL, OSM_COMP_INDIRECT_SERVERS, xside_mw) < 0)
        return -1;
    return request_chain(c, OSM_DIR_BACK, OSM_COMP_INDIRECT_SERVERS);
}

/* ---- entry points --------------------------------------------------------------------- */

static int ctx_init(qctx *c, osm_query *q, osm_id x, const osm_qopts *o, osm_members *out)
{
    static const osm_qopts dflt;
    if (!o)
        o = &dflt;
    memset(out, 0, sizeof *out);
    memset(c, 0, sizeof *c);
    if (x >= q->n || q->g->kind[x] != OSM_PD) {
        errno = EINVAL;
        return -1;
    }
    if (!q->slot && !(q->slot = malloc((q->n + 1) * sizeof *q->slot)))
        return -1;
    *c = (qctx){ .q = q, .g = q->g, .x = x, .types = o->types, .why = o->why, .out = out,
                 .v1_mode = -1 };
    c->mem = q_set(q, 5, false);
    return c->mem ? 0 : -1;
}

static int finish(qctx *c, int rc)
{
    if (rc < 0) {
        osm_members_free(c->out);
        errno = ENOMEM;
        return -1;
    }
    q_members_sort(c->q, c->out->v, c->out->n);
    return 0;
}

int q_components_modes(osm_query *q, osm_id x, uint32_t comps, const osm_qopts *o,
                       uint8_t srm, uint8_t ctlm, osm_members *out)
{
    qctx c;
    if (ctx_init(&c, q, x, o, out) < 0)
        return -1;
    int rc = 0;
    if (!rc && (comps & OSM_COMP_SHARED_RESOURCES))
        rc = comp_shared_resources(&c, 0, srm);
    if (!rc && (comps & OSM_COMP_SHARED_SPACES))
        rc = comp_shared_spaces(&c);
    if (!rc && (comps & OSM_COMP_SERVERS))
        rc = comp_servers(&c);
    if (!rc && (comps & OSM_COMP_INDIRECT_SERVERS))
        rc = comp_indirect_servers(&c);
    if (!rc && (comps & OSM_COMP_CAN_CONTROL))
        rc = control_chain(&c, OSM_DIR_BACK, ctlm, OSM_COMP_CAN_CONTROL);
    if (!rc && (comps & OSM_COMP_CONTROL_BY))
        rc = control_chain(&c, OSM_DIR_FWD, ctlm, OSM_COMP_CONTROL_BY);
    return finish(&c, rc);
}

int osm_query_components(osm_query *q, osm_id x, uint32_t comps, const osm_qopts *o,
                         osm_members *out)
{
    static const osm_qopts dflt;
    if (!o)
        o = &dflt;
    return q_components_modes(q, x, comps, o, q_sr_mode(o), q_control_mode(o), out);
}

int osm_tcb(osm_query *q, osm_id x, const osm_qopts *o, osm_members *out)
{
    static const osm_qopts dflt;
    return osm_query_components(q, x, q_property_comps((o ? o : &dflt)->property), o, out);
}

int osm_ib(osm_query *q, osm_id x, const osm_qopts *o, osm_members *out)
{
    static const osm_qopts dflt;
    qctx c;
    if (ctx_init(&c, q, x, o, out) < 0)
        return -1;
    if (!o)
        o = &dflt;
    uint32_t comps = q_property_comps(o->property);
    /* Each block answers "x in COMPONENT(p)" for every p at once. */
    int rc = comp_shared_resources(&c, q_sr_mode(o), 0);
    if (!rc && (comps & OSM_COMP_SHARED_SPACES))
        rc = comp_shared_spaces(&c);            /* a symmetric relation */
    if (!rc) {
        c.sx = NULL;                            /* ib_* reuse set 2 */
        rc = ib_servers(&c);
    }
    if (!rc && (comps & OSM_COMP_INDIRECT_SERVERS))
        rc = ib_indirect_servers(&c);
    if (!rc)    /* x in CanControl(p) <=> a chain leads from x to p */
        rc = control_chain(&c, OSM_DIR_FWD, q_control_mode(o), OSM_COMP_CAN_CONTROL);
    return finish(&c, rc);
}
