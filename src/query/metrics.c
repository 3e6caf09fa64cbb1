/*
 * The metrics of the original evaluation (MODEL.md §5): the resource
 * sharing index RSI and the fault ripple FR.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "query_internal.h"

/* ---- RSI ------------------------------------------------------------------- */

/* Resources reachable from x by 1..4 HOLD/MAP edges (any mode; PDs other
 * than x are not walked through, as in every BFS of §3). */
static qset *rsi_walk(osm_query *q, osm_id x, int idx)
{
    qset *s = q_set(q, idx, false);
    if (!s)
        return NULL;
    qwalk w = { OSM_EDGE_BIT(OSM_HOLD) | OSM_EDGE_BIT(OSM_MAP), OSM_DIR_FWD, 0,
                OSM_KIND_BIT(OSM_RESOURCE) | OSM_KIND_BIT(OSM_SPACE),
                OSM_KIND_BIT(OSM_RESOURCE) | OSM_KIND_BIT(OSM_SPACE), 4, false };
    q_walk(q, &w, &x, 1, s);
    return s;
}

static int cmp_type_name(const void *a, const void *b, void *arg)
{
    return strcmp(osm_store_type_name(arg, *(const osm_id *)a),
                  osm_store_type_name(arg, *(const osm_id *)b));
}

/* Weighted |A ∩ B| and |A ∪ B| per type, over the types in `want` (NULL = all). */
static int rsi_sums(osm_query *q, osm_id x, osm_id y, uint64_t *inter, uint64_t *uni)
{
    const osm_snapshot *g = q->g;
    qset *a = rsi_walk(q, x, 0), *b = a ? rsi_walk(q, y, 1) : NULL;
    if (!b)
        return -1;
    for (size_t i = 1; i < a->n; i++) {
        osm_id r = a->v[i];
        if (g->kind[r] != OSM_RESOURCE)
            continue;
        uni[g->data[r]] += g->weight[r];
        if (qset_has(b, r))
            inter[g->data[r]] += g->weight[r];
    }
    for (size_t i = 1; i < b->n; i++) {
        osm_id r = b->v[i];
        if (g->kind[r] == OSM_RESOURCE && !qset_has(a, r))
            uni[g->data[r]] += g->weight[r];
    }
    return 0;
}

int osm_rsi_all(osm_query *q, osm_id x, osm_id y, osm_id **types, double **rsi, size_t *n)
{
    *types = NULL;
    *rsi = NULL;
    *n = 0;
    if (x >= q->n || y >= q->n) {
        errno = EINVAL;
        return -1;
    }
    uint64_t *inter = calloc(q->n_types + 1, sizeof *inter);
    uint64_t *uni = calloc(q->n_types + 1, sizeof *uni);
    osm_id *tv = malloc((q->n_types + 1) * sizeof *tv);
    double *rv = malloc((q->n_types + 1) * sizeof *rv);
    if (!inter || !uni || !tv || !rv || rsi_sums(q, x, y, inter, uni) < 0) {
        free(inter), free(uni), free(tv), free(rv);
        return -1;
    }
    size_t m = 0;
    for (osm_id t = 0; t < q->n_types; t++)
        if (q->type_present[t] & 1)
            tv[m++] = t;
    qsort_r(tv, m, sizeof *tv, cmp_type_name, (void *)q->g->store);
    for (size_t i = 0; i < m; i++)
        rv[i] = uni[tv[i]] ? (double)inter[tv[i]] / (double)uni[tv[i]] : 0.0;
    free(inter);
    free(uni);
    *types = tv;
    *rsi = rv;
    *n = m;
    return 0;
}

int osm_rsi(osm_query *q, osm_id x, osm_id y, osm_id type, double *rsi)
{
    if (x >= q->n || y >= q->n) {
        errno = EINVAL;
        return -1;
    }
    uint64_t *inter = calloc(q->n_types + 1, sizeof *inter);
    uint64_t *uni = calloc(q->n_types + 1, sizeof *uni);
    int rc = -1;
    if (inter && uni && rsi_sums(q, x, y, inter, uni) == 0) {
        *rsi = type < q->n_types && uni[type] ? (double)inter[type] / (double)uni[type] : 0.0;
        rc = 0;
    }
    free(inter);
    free(uni);
    return rc;
}

/* ---- FR: flatten ------------------------------------------------------------- */

typedef struct fr_edge { osm_id d, o, t; } fr_edge;

static int cmp_fr_edge(const void *a, const void *b)
{
    const fr_edge *x = a, *y = b;
    if (x->d != y->d) return x->d < y->d ? -1 : 1;
    if (x->o != y->o) return x->o < y->o ? -1 : 1;
    return x->t < y->t ? -1 : x->t > y->t;
}

static int push_edge(fr_edge **v, size_t *n, size_t *cap, fr_edge e)
{
    if (*n == *cap) {
        size_t nc = *cap ? *cap * 2 : 256;
        fr_edge *nv = realloc(*v, nc * sizeof *nv);
        if (!nv)
            return -1;
        *v = nv;
        *cap = nc;
    }
    (*v)[(*n)++] = e;
    return 0;
}

/* Candidate REQUESTs dependent -> owner for every space with resources,
 * and the space-type map table.  Sets 0 (owners) and 1 (dependents). */
static int fr_candidates(osm_query *q, fr_edge **ev, size_t *ne, uint8_t *maps)
{
    const osm_snapshot *g = q->g;
    size_t cap = 0;
    *ev = NULL;
    *ne = 0;
    for (osm_id s = 0; s < q->n; s++) {
        if (g->kind[s] != OSM_SPACE)
            continue;
        qset *own = q_set(q, 0, false), *dep = q_set(q, 1, false);
        if (!own || !dep)
            return -1;
        bool has_subset = false;
        for (uint32_t i = g->in_off[s]; i < g->in_off[s + 1]; i++) {
            uint32_t k = OSM_ADJ_KIND(g->in[i].info);
            osm_id u = g->in[i].node;
            if (k == OSM_SUBSET)
                has_subset = true;
            else if (k == OSM_HOLD && g->kind[u] == OSM_PD)
                qset_add(own, u);
        }
        if (!has_subset)
            continue;
        for (uint32_t i = g->out_off[s]; i < g->out_off[s + 1]; i++) {
            osm_id t = g->out[i].node;
            if (OSM_ADJ_KIND(g->out[i].info) == OSM_MAP && g->kind[t] == OSM_SPACE)
                maps[(size_t)g->data[s] * q->n_types + g->data[t]] = 1;
        }
        for (uint32_t i = g->in_off[s]; i < g->in_off[s + 1]; i++) {
            osm_id r = g->in[i].node;
            if (OSM_ADJ_KIND(g->in[i].info) != OSM_SUBSET || g->kind[r] != OSM_RESOURCE)
                continue;
            for (uint32_t j = g->in_off[r]; j < g->in_off[r + 1]; j++) {
                osm_id d = g->in[j].node;
                if (OSM_ADJ_KIND(g->in[j].info) == OSM_HOLD && g->kind[d] == OSM_PD &&
                    !qset_has(own, d))
                    qset_add(dep, d);
            }
        }
        for (size_t a = 0; a < dep->n; a++)
            for (size_t b = 0; b < own->n; b++)
                if (push_edge(ev, ne, &cap, (fr_edge){ dep->v[a], own->v[b], g->data[s] }) < 0)
                    return -1;
    }
    return 0;
}

/* Build the flattened REQUEST adjacency (added edges only) and the map
 * table, once per context.  "No edge between them" is judged on the
 * state itself, so the result does not depend on the order of spaces. */
static int fr_flatten(osm_query *q)
{
    if (q->fr_off)
        return 0;
    const osm_snapshot *g = q->g;
    size_t nt = q->n_types ? q->n_types : 1;
    uint8_t *maps = calloc(nt * nt, 1);
    fr_edge *ev = NULL;
    size_t ne = 0;
    if (!maps || fr_candidates(q, &ev, &ne, maps) < 0)
        goto oom;
    if (ne > 1)
        qsort(ev, ne, sizeof *ev, cmp_fr_edge);
    q->fr_off = calloc(q->n + 1, sizeof *q->fr_off);
    q->fr_adj = malloc((ne + 1) * sizeof *q->fr_adj);
    if (!q->fr_off || !q->fr_adj)
        goto oom;
    size_t m = 0;
    qset *nb = NULL;
    for (size_t i = 0; i < ne; i++) {
        if (i > 0 && !cmp_fr_edge(&ev[i], &ev[i - 1]))
            continue;
        if (i == 0 || ev[i].d != ev[i - 1].d) {     /* mark d's neighbours once */
            if (!(nb = q_set(q, 2, false)))
                goto oom;
            for (uint32_t j = g->out_off[ev[i].d]; j < g->out_off[ev[i].d + 1]; j++)
                qset_add(nb, g->out[j].node);
        }
        if (qset_has(nb, ev[i].o))
            continue;
        uint32_t t = ev[i].t < OSM_SNAP_NOTYPE ? ev[i].t : OSM_SNAP_NOTYPE;
        q->fr_adj[m++] = (osm_adj){ ev[i].o, OSM_REQUEST | t << 9 };
        q->fr_off[ev[i].d + 1]++;
    }
    for (uint32_t v = 0; v < q->n; v++)
        q->fr_off[v + 1] += q->fr_off[v];
    /* Map table as CSR per space type. */
    q->fr_maps_off = calloc(nt + 1, sizeof *q->fr_maps_off);
    size_t nm = 0;
    for (size_t i = 0; i < nt * nt; i++)
        nm += maps[i];
    q->fr_maps = malloc((nm + 1) * sizeof *q->fr_maps);
    if (!q->fr_maps_off || !q->fr_maps)
        goto oom;
    nm = 0;
    for (size_t a = 0; a < nt; a++) {
        q->fr_maps_off[a] = (osm_id)nm;
        for (size_t b = 0; b < nt; b++)
            if (maps[a * nt + b])
                q->fr_maps[nm++] = (osm_id)b;
    }
    q->fr_maps_off[nt] = (osm_id)nm;
    free(maps);
    free(ev);
    return 0;
oom:
    free(maps);
    free(ev);
    free(q->fr_off), free(q->fr_adj), free(q->fr_maps_off), free(q->fr_maps);
    q->fr_off = NULL, q->fr_adj = NULL, q->fr_maps_off = NULL, q->fr_maps = NULL;
    return -1;
}

/* ---- FR: the two walks ----------------------------------------------------------- */

typedef struct fr_walk {
    qset *vis;          /* PDs reached, BFS order */
    uint32_t *level;    /* [n] valid for members */
    uint64_t *tset;     /* [vis index * words] type sets */
} fr_walk;

static bool fr_follow(const fr_walk *w, size_t ui, size_t words, uint32_t info)
{
    uint32_t t = OSM_ADJ_TYPE(info);
    return t != OSM_SNAP_NOTYPE && t / 64 < words && (w->tset[ui * words + t / 64] >> (t % 64) & 1);
}

static void fr_visit(osm_query *q, fr_walk *w, size_t ui, size_t words, osm_id v, uint32_t info)
{
    if (!qset_add(w->vis, v))
        return;
    size_t vi = w->vis->n - 1;
    w->level[v] = w->level[w->vis->v[ui]] + 1;
    memcpy(&w->tset[vi * words], &w->tset[ui * words], words * sizeof *w->tset);
    uint32_t t = OSM_ADJ_TYPE(info);
    if (t < q->n_types)
        for (osm_id k = q->fr_maps_off[t]; k < q->fr_maps_off[t + 1]; k++)
            w->tset[vi * words + q->fr_maps[k] / 64] |= 1ull << (q->fr_maps[k] % 64);
}

static int fr_run(osm_query *q, osm_id x, int idx, fr_walk *w)
{
    const osm_snapshot *g = q->g;
    size_t words = (q->n_types + 63) / 64 + 1;
    w->vis = q_set(q, idx, false);
    w->level = malloc((q->n + 1) * sizeof *w->level);
    if (!w->vis || !w->level)
        return -1;
    size_t cap = 64;
    w->tset = calloc(cap * words, sizeof *w->tset);
    if (!w->tset)
        return -1;
    qset_add(w->vis, x);
    w->level[x] = 0;
    for (uint32_t i = g->out_off[x]; i < g->out_off[x + 1]; i++) {
        osm_id r = g->out[i].node;
        if (OSM_ADJ_KIND(g->out[i].info) == OSM_HOLD && g->kind[r] == OSM_RESOURCE)
            w->tset[g->data[r] / 64] |= 1ull << (g->data[r] % 64);
    }
    for (size_t ui = 0; ui < w->vis->n; ui++) {
        osm_id u = w->vis->v[ui];
        /* Room for every neighbour before visiting (tset may move). */
        size_t need = w->vis->n + (g->out_off[u + 1] - g->out_off[u]) +
                      (q->fr_off[u + 1] - q->fr_off[u]);
        if (need > cap) {
            while (cap < need)
                cap *= 2;
            uint64_t *nt = realloc(w->tset, cap * words * sizeof *nt);
            if (!nt)
                return -1;
            w->tset = nt;
        }
        for (uint32_t i = g->out_off[u]; i < g->out_off[u + 1]; i++)
            if (OSM_ADJ_KIND(g->out[i].info) == OSM_REQUEST && g->kind[g->out[i].node] == OSM_PD &&
                fr_follow(w, ui, words, g->out[i].info))
                fr_visit(q, w, ui, words, g->out[i].node, g->out[i].info);
        for (uint32_t i = q->fr_off[u]; i < q->fr_off[u + 1]; i++)
            if (fr_follow(w, ui, words, q->fr_adj[i].info))
                fr_visit(q, w, ui, words, q->fr_adj[i].node, q->fr_adj[i].info);
    }
    return 0;
}

int osm_fr(osm_query *q, osm_id x, osm_id y, uint32_t *fr)
{
    if (x >= q->n || y >= q->n || q->g->kind[x] != OSM_PD || q->g->kind[y] != OSM_PD) {
        errno = EINVAL;
        return -1;
    }
    if (fr_flatten(q) < 0)
        return -1;
    fr_walk a = { 0 }, b = { 0 };
    int rc = -1;
    if (fr_run(q, x, 3, &a) == 0 && fr_run(q, y, 4, &b) == 0) {
        uint32_t best = OSM_FR_INF;
        for (size_t i = 0; i < a.vis->n; i++) {
            osm_id p = a.vis->v[i];
            if (!qset_has(b.vis, p))
                continue;
            uint32_t l = a.level[p] < b.level[p] ? a.level[p] : b.level[p];
            if (l < best)
                best = l;
        }
        *fr = best;
        rc = 0;
    }
    free(a.level), free(a.tset), free(b.level), free(b.tset);
    return rc;
}
