/*
 * The query context, mode and type parsing, chains, and the walk primitive
 * (MODEL.md §3).  The graph engine is hand-written on purpose: the queries
 * need walks that stop at PDs, filter on packed permission bits and run on
 * the snapshot's CSR arrays without copying them into a library's format.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "query_internal.h"

/* ---- context ----------------------------------------------------------- */

static void scan_types(osm_query *q)
{
    const osm_snapshot *g = q->g;
    for (uint32_t i = 0; i < g->n_nodes; i++) {
        if (g->kind[i] == OSM_RESOURCE && g->data[i] < q->n_types)
            q->type_present[g->data[i]] |= 1;
        else if (g->kind[i] == OSM_SPACE && g->data[i] < q->n_types)
            q->type_present[g->data[i]] |= 2;
    }
}

osm_query *osm_query_new_snapshot(const osm_snapshot *g)
{
    osm_query *q = calloc(1, sizeof *q);
    if (!q)
        return NULL;
    q->g = g;
    q->n = g->n_nodes;
    q->n_types = osm_store_type_count(g->store);
    q->type_present = calloc(q->n_types + 1, 1);
    if (!q->type_present) {
        free(q);
        return NULL;
    }
    q->t_ads = osm_store_type_lookup(g->store, "ADS");
    q->t_vmr = osm_store_type_lookup(g->store, "VMR");
    scan_types(q);
    return q;
}

osm_query *osm_query_new(const osm_store *s)
{
    osm_snapshot *g = osm_snapshot_build(s);
    if (!g)
        return NULL;
    osm_query *q = osm_query_new_snapshot(g);
    if (!q) {
        osm_snapshot_free(g);
        return NULL;
    }
    q->owned = g;
    return q;
}

void osm_query_free(osm_query *q)
{
    if (!q)
        return;
    for (int i = 0; i < Q_NSETS; i++) {
        free(q->sets[i].stamp);
        free(q->sets[i].v);
        free(q->sets[i].par);
    }
    free(q->slot);
    free(q->type_present);
    free(q->fr_off);
    free(q->fr_adj);
    free(q->fr_maps_off);
    free(q->fr_maps);
    free(q->cut_out);
    free(q->cut_in);
    free(q->cut_log);
    osm_snapshot_free(q->owned);
    free(q);
}

const osm_snapshot *osm_query_snapshot(const osm_query *q) { return q->g; }
const osm_store *osm_query_store(const osm_query *q) { return q->g->store; }

qset *q_set(osm_query *q, int i, bool par)
{
    qset *s = &q->sets[i];
    if (!s->stamp) {
        s->stamp = calloc(q->n + 1, sizeof *s->stamp);
        s->v = malloc((q->n + 1) * sizeof *s->v);
        if (!s->stamp || !s->v) {
            free(s->stamp);
            free(s->v);
            s->stamp = NULL;
            s->v = NULL;
            return NULL;
        }
        s->gen = 0;
    }
    if (par && !s->par && !(s->par = malloc((q->n + 1) * sizeof *s->par)))
        return NULL;
    if (++s->gen == 0) {    /* wrapped: stale stamps could match again */
        memset(s->stamp, 0, (q->n + 1) * sizeof *s->stamp);
        s->gen = 1;
    }
    s->n = 0;
    return s;
}

/* ---- modes, properties, types ------------------------------------------- */

int osm_mode_parse(const char *s, uint8_t *mode)
{
    if (!s || !*s)
        return -1;
    if (!strcasecmp(s, "ANY")) {
        *mode = 0;
        return 0;
    }
    uint8_t m = 0;
    for (const char *p = s; *p; p++) {
        switch (toupper((unsigned char)*p)) {
        case 'R': m |= OSM_PERM_R; break;
        case 'W': m |= OSM_PERM_W; break;
        case 'X': m |= OSM_PERM_X; break;
        case 'T': m |= OSM_PERM_T; break;
        default: return -1;
        }
    }
    *mode = m;
    return 0;
}

const char *osm_mode_format(uint8_t mode, char buf[8])
{
    if (!(mode & OSM_PERM_RWXT))
        return strcpy(buf, "ANY");
    char *p = buf;
    if (mode & OSM_PERM_R) *p++ = 'R';
    if (mode & OSM_PERM_W) *p++ = 'W';
    if (mode & OSM_PERM_X) *p++ = 'X';
    if (mode & OSM_PERM_T) *p++ = 'T';
    *p = 0;
    return buf;
}

int osm_property_parse(const char *s)
{
    if (!s || strlen(s) != 1)
        return -1;
    switch (toupper((unsigned char)s[0])) {
    case 'A': return OSM_PROP_A;
    case 'I': return OSM_PROP_I;
    case 'C': return OSM_PROP_C;
    default: return -1;
    }
}

bool osm_query_type_present(const osm_query *q, osm_id t)
{
    return t < q->n_types && q->type_present[t];
}

int osm_typeset_add(const osm_query *q, osm_typeset *ts, osm_id type)
{
    if (!ts->res) {
        ts->n = q->n_types + 1;
        ts->res = calloc(ts->n, 1);
        ts->space = calloc(ts->n, 1);
        if (!ts->res || !ts->space) {
            osm_typeset_free(ts);
            return -1;
        }
    }
    if (type >= ts->n)
        return 0;
    ts->res[type] = ts->space[type] = 1;
    /* The ADS / VMR pairing works both ways. */
    if (type == q->t_vmr && q->t_ads != OSM_NONE)
        ts->space[q->t_ads] = 1;
    if (type == q->t_ads && q->t_vmr != OSM_NONE)
        ts->res[q->t_vmr] = 1;
    return 0;
}

int osm_typeset_parse(const osm_query *q, const char *list, osm_typeset *ts, char bad[64])
{
    memset(ts, 0, sizeof *ts);
    bad[0] = 0;
    const osm_store *s = q->g->store;
    const char *p = list;
    bool any = false;
    while (p && *p) {
        const char *e = strchr(p, ',');
        size_t len = e ? (size_t)(e - p) : strlen(p);
        char name[64];
        snprintf(name, sizeof name, "%.*s", (int)(len < 63 ? len : 63), p);
        if (len) {
            osm_id t = len < 64 ? osm_store_type_lookup(s, name) : OSM_NONE;
            if (t == OSM_NONE || !osm_query_type_present(q, t)) {
                snprintf(bad, 64, "%s", name);
                osm_typeset_free(ts);
                return -1;
            }
            if (osm_typeset_add(q, ts, t) < 0)
                return -1;
            any = true;
        }
        p = e ? e + 1 : NULL;
    }
    if (!any) {
        osm_typeset_free(ts);
        return -1;
    }
    return 0;
}

void osm_typeset_free(osm_typeset *ts)
{
    free(ts->res);
    free(ts->space);
    memset(ts, 0, sizeof *ts);
}

/* ---- chains ---------------------------------------------------------------- */

int q_emit_step(osm_members *m, osm_id node, uint32_t info, bool back)
{
    if (m->n_steps == m->cap_steps) {
        size_t nc = m->cap_steps ? m->cap_steps * 2 : 64;
        osm_step *nv = realloc(m->steps, nc * sizeof *nv);
        if (!nv)
            return -1;
        m->steps = nv;
        m->cap_steps = nc;
    }
    m->steps[m->n_steps++] = (osm_step){ node, info, back };
    return 0;
}

osm_id q_path_source(const qset *vis, osm_id v)
{
    for (uint32_t d = vis->par[v].depth; d > 0; d--)
        v = vis->par[v].from;
    return v;
}

int q_emit_path(osm_members *m, const qset *vis, osm_id v, bool skip_first)
{
    uint32_t d = vis->par[v].depth;
    size_t at = m->n_steps;
    for (uint32_t i = 0; i <= d; i++)       /* reserve d + 1 steps */
        if (q_emit_step(m, OSM_NONE, 0, false) < 0)
            return -1;
    /* Fill backwards: the path has exactly `d` edges even when a plus-walk
     * revisited its source, so count rather than stop at a parentless node. */
    for (uint32_t i = d + 1; i-- > 0;) {
        const qpar *p = &vis->par[v];
        m->steps[at + i] = i ? (osm_step){ v, p->info, (uint8_t)p->back }
                             : (osm_step){ v, 0, 0 };
        if (i)
            v = p->from;
    }
    if (skip_first) {
        memmove(&m->steps[at], &m->steps[at + 1], d * sizeof *m->steps);
        m->n_steps--;
    }
    return 0;
}

char *osm_steps_format(const osm_query *q, const osm_step *v, size_t n)
{
    const osm_store *s = q->g->store;
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    if (!f)
        return NULL;
    for (size_t i = 0; i < n; i++) {
        if (i) {
            const char *k = osm_edge_kind_name((osm_edge_kind)OSM_ADJ_KIND(v[i].info));
            fprintf(f, v[i].back ? " <-%s- " : " -%s-> ", k);
        }
        fputs(osm_node_id(s, v[i].node), f);
    }
    if (fclose(f) != 0) {
        free(buf);
        return NULL;
    }
    return buf;
}

void osm_members_free(osm_members *m)
{
    free(m->v);
    free(m->steps);
    memset(m, 0, sizeof *m);
}

const char *osm_comp_name(uint32_t c)
{
    switch (c) {
    case OSM_COMP_SHARED_RESOURCES: return "shared-resources";
    case OSM_COMP_SHARED_SPACES: return "shared-spaces";
    case OSM_COMP_SERVERS: return "servers";
    case OSM_COMP_INDIRECT_SERVERS: return "indirect-servers";
    case OSM_COMP_CAN_CONTROL: return "can-control";
    case OSM_COMP_CONTROL_BY: return "control-by";
    default: return "?";
    }
}

static int cmp_id(const void *a, const void *b, void *arg)
{
    const osm_store *s = arg;
    return strcmp(osm_node_id(s, *(const osm_id *)a), osm_node_id(s, *(const osm_id *)b));
}

void q_ids_sort(const osm_store *s, osm_id *v, size_t n)
{
    if (n > 1)  /* v may be NULL when empty, which qsort_r must not see */
        qsort_r(v, n, sizeof *v, cmp_id, (void *)s);
}

static int cmp_member(const void *a, const void *b, void *arg)
{
    return cmp_id(&((const osm_member *)a)->pd, &((const osm_member *)b)->pd, arg);
}

void q_members_sort(const osm_query *q, osm_member *v, size_t n)
{
    if (n > 1)
        qsort_r(v, n, sizeof *v, cmp_member, (void *)q->g->store);
}

uint32_t q_subset_info(const osm_snapshot *g, osm_id r)
{
    for (uint32_t i = g->out_off[r]; i < g->out_off[r + 1]; i++)
        if (OSM_ADJ_KIND(g->out[i].info) == OSM_SUBSET)
            return g->out[i].info;
    return OSM_SUBSET;
}

/* ---- the walk ------------------------------------------------------------- */

/* Visit the neighbours of u in one direction. */
static inline void walk_adj(const osm_snapshot *g, const qwalk *w, uint8_t mode, qset *vis,
                            osm_id u, uint32_t du, const uint32_t *off, const osm_adj *adj,
                            bool back, const uint8_t *cut)
{
    for (uint32_t i = off[u], e = off[u + 1]; i < e; i++) {
        uint32_t info = adj[i].info;
        osm_id v = adj[i].node;
        if (!(w->edges >> OSM_ADJ_KIND(info) & 1) || !q_perm_ok(info, mode))
            continue;
        if (cut && cut[i])
            continue;
        if (g->kind[v] >= OSM_KIND_COUNT || !(w->enter >> g->kind[v] & 1))
            continue;
        if (!qset_add(vis, v))
            continue;
        if (vis->par)
            vis->par[v] = (qpar){ u, info, du + 1, back };
    }
}

/* q_walk, with the hops out of the sources of a plus-walk taken in `mode0`
 * instead of w->mode (control chains: the hop at the controlled end). */
static void walk_run(osm_query *q, const qwalk *w, uint8_t mode0, const osm_id *src,
                     size_t nsrc, qset *vis)
{
    const osm_snapshot *g = q->g;
    size_t head = vis->n;
    /* Plus-walks keep their sources in a private frontier: they only become
     * members when reached by an edge. */
    for (size_t i = 0; i < nsrc; i++) {
        osm_id u = src[i];
        if (w->plus) {
            if (w->dir & OSM_DIR_FWD)
                walk_adj(g, w, mode0, vis, u, 0, g->out_off, g->out, false, q->cut_out);
            if (w->dir & OSM_DIR_BACK)
                walk_adj(g, w, mode0, vis, u, 0, g->in_off, g->in, true, q->cut_in);
        } else if (qset_add(vis, u) && vis->par) {
            vis->par[u] = (qpar){ OSM_NONE, 0, 0, 0 };
        }
    }
    uint32_t level = w->plus ? 1 : 0;
    size_t level_end = vis->n;
    while (head < vis->n) {
        if (head == level_end) {
            level++;
            level_end = vis->n;
        }
        if (level >= w->depth)
            break;
        osm_id u = vis->v[head++];
        /* Sources are expanded whatever their kind; others by kind. */
        bool is_src = !w->plus && level == 0;
        if (!is_src && !(w->expand >> g->kind[u] & 1))
            continue;
        if (w->dir & OSM_DIR_FWD)
            walk_adj(g, w, w->mode, vis, u, level, g->out_off, g->out, false, q->cut_out);
        if (w->dir & OSM_DIR_BACK)
            walk_adj(g, w, w->mode, vis, u, level, g->in_off, g->in, true, q->cut_in);
    }
}

void q_walk(osm_query *q, const qwalk *w, const osm_id *src, size_t nsrc, qset *vis)
{
    walk_run(q, w, w->mode, src, nsrc, vis);
}

void q_control_walk(osm_query *q, osm_id x, int dir, uint8_t mode, qset *vis, qset *tmp)
{
    const osm_snapshot *g = q->g;
    qwalk w = { E_HOLD, dir, OSM_PERM_W, K_PD, K_PD, OSM_DEPTH_INF, dir == OSM_DIR_BACK };
    if (dir == OSM_DIR_BACK) {
        /* Backwards the hop into x comes first: take it in `mode`, then
         * only edges through which a PD acts as the next one (W). */
        walk_run(q, &w, mode, &x, 1, vis);
        return;
    }
    /* Forwards it comes last: every PD x acts as (W hops, x included),
     * then one hop in `mode` to each PD one of them controls. */
    q_walk(q, &w, &x, 1, tmp);
    for (size_t k = 0; k < tmp->n; k++) {
        osm_id a = tmp->v[k];
        uint32_t da = tmp->par ? tmp->par[a].depth : 0;
        for (uint32_t i = g->out_off[a]; i < g->out_off[a + 1]; i++) {
            uint32_t info = g->out[i].info;
            osm_id p = g->out[i].node;
            if (OSM_ADJ_KIND(info) != OSM_HOLD || g->kind[p] != OSM_PD ||
                !q_perm_ok(info, mode) || q_cut_out(q, i))
                continue;
            if (qset_add(vis, p) && vis->par)
                vis->par[p] = (qpar){ a, info, da + 1, 0 };
        }
    }
}

int q_control_emit(osm_members *m, const qset *vis, const qset *tmp, int dir, osm_id p)
{
    if (dir == OSM_DIR_BACK)
        return q_emit_path(m, vis, p, false);
    return q_emit_path(m, tmp, vis->par[p].from, false) |
           q_emit_step(m, p, vis->par[p].info, false);
}

/* ---- osm_bfs ------------------------------------------------------------------ */

int osm_bfs(osm_query *q, osm_id start, const osm_bfs_opts *o, osm_bfs_result *out)
{
    memset(out, 0, sizeof *out);
    out->start = start;
    if (start >= q->n || q->g->kind[start] >= OSM_KIND_COUNT) {
        errno = EINVAL;
        return -1;
    }
    qset *vis = q_set(q, 0, true);
    if (!vis)
        return -1;
    /* MODEL.md §3: only the start PD is expanded among PDs. */
    qwalk w = { .edges = o->edge_kinds ? o->edge_kinds
                                       : OSM_EDGE_BIT(OSM_HOLD) | OSM_EDGE_BIT(OSM_MAP),
                .dir = o->dir ? o->dir : OSM_DIR_FWD,
                .mode = o->mode,
                .enter = 7,
                .expand = OSM_KIND_BIT(OSM_RESOURCE) | OSM_KIND_BIT(OSM_SPACE),
                .depth = o->depth ? o->depth : OSM_DEPTH_INF };
    q_walk(q, &w, &start, 1, vis);
    out->nodes = malloc(vis->n * sizeof *out->nodes + 1);
    out->depth = malloc(vis->n * sizeof *out->depth + 1);
    if (o->why)
        out->parent = malloc(q->n * sizeof *out->parent + 1);
    if (!out->nodes || !out->depth || (o->why && !out->parent)) {
        osm_bfs_result_free(out);
        return -1;
    }
    const osm_snapshot *g = q->g;
    uint32_t kinds = o->node_kinds ? o->node_kinds : 7;
    for (size_t i = 1; i < vis->n; i++) {
        osm_id v = vis->v[i];
        uint8_t k = g->kind[v];
        if (!(kinds >> k & 1))
            continue;
        if (k == OSM_RESOURCE && !q_res_type_ok(o->types, g->data[v]))
            continue;
        if (k == OSM_SPACE && !q_space_type_ok(o->types, g->data[v]))
            continue;
        out->depth[out->n] = vis->par[v].depth;
        out->nodes[out->n++] = v;
    }
    if (o->why)
        for (size_t i = 0; i < vis->n; i++) {
            osm_id v = vis->v[i];
            const qpar *p = &vis->par[v];
            /* parent[v].node is the predecessor; info/back the edge. */
            out->parent[v] = (osm_step){ p->from, p->info, (uint8_t)p->back };
        }
    if (o->why) {
        /* Mark unreached nodes so osm_bfs_path can tell. */
        for (uint32_t v = 0; v < q->n; v++)
            if (!qset_has(vis, v))
                out->parent[v].info = UINT32_MAX;
    }
    return 0;
}

size_t osm_bfs_path(const osm_bfs_result *r, osm_id node, osm_step *buf, size_t cap)
{
    if (!r->parent || r->parent[node].info == UINT32_MAX || node == r->start)
        return 0;
    size_t len = 1;
    for (osm_id v = node; v != r->start; v = r->parent[v].node)
        len++;
    size_t i = len;
    osm_id v = node;
    while (i-- > 0) {
        if (i < cap)
            buf[i] = i ? (osm_step){ v, r->parent[v].info, r->parent[v].back }
                       : (osm_step){ v, 0, 0 };
        if (i)
            v = r->parent[v].node;
    }
    return len;
}

void osm_bfs_result_free(osm_bfs_result *r)
{
    free(r->nodes);
    free(r->depth);
    free(r->parent);
    memset(r, 0, sizeof *r);
}
