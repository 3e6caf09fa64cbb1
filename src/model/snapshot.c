/*
 * The immutable query snapshot: CSR adjacency in both directions, built from
 * the store with two counting passes (O(nodes + edges), no sorting).
 */
#include <stdlib.h>
#include <string.h>

#include "store_internal.h"

static uint32_t pack_info(const osm_edge_rec *r)
{
    uint32_t type = r->type < OSM_SNAP_NOTYPE ? r->type : OSM_SNAP_NOTYPE;
    return (uint32_t)r->kind | ((uint32_t)(r->perms & 0x3f) << 3) | (type << 9);
}

/* Node weight for RSI: an MO counts its pages (at least 1), all else 1. */
static uint64_t node_weight(const osm_store *s, osm_id n, osm_id t_mo)
{
    const osm_node_rec *r = &s->nodes[n];
    if (r->kind != OSM_RESOURCE || r->data != t_mo)
        return 1;
    osm_mo_info mo;
    if (osm_mo_info_parse(s->strings.buf + r->extra_off, &mo) < 0 || mo.pages == 0)
        return 1;
    return mo.pages;
}

void osm_snapshot_free(osm_snapshot *snap)
{
    if (!snap)
        return;
    free(snap->kind);
    free(snap->data);
    free(snap->weight);
    free(snap->out_off);
    free(snap->out);
    free(snap->in_off);
    free(snap->in);
    free(snap);
}

osm_snapshot *osm_snapshot_build(const osm_store *s)
{
    osm_snapshot *g = calloc(1, sizeof *g);
    if (!g)
        return NULL;
    size_t n = s->n_nodes, m = s->live_edges;
    g->n_nodes = (uint32_t)n;
    g->n_edges = (uint32_t)m;
    g->store = s;
    g->root = osm_store_root(s);
    g->kind = malloc(n + 1);
    g->data = malloc((n + 1) * sizeof *g->data);
    g->weight = malloc((n + 1) * sizeof *g->weight);
    g->out_off = calloc(n + 1, sizeof *g->out_off);
    g->in_off = calloc(n + 1, sizeof *g->in_off);
    g->out = malloc((m + 1) * sizeof *g->out);
    g->in = malloc((m + 1) * sizeof *g->in);
    if (!g->kind || !g->data || !g->weight || !g->out_off || !g->in_off || !g->out || !g->in) {
        osm_snapshot_free(g);
        return NULL;
    }
    osm_id t_mo = osm_store_type_lookup(s, "MO");
    for (size_t i = 0; i < n; i++) {
        g->kind[i] = s->nodes[i].kind;
        g->data[i] = s->nodes[i].data;
        g->weight[i] = s->nodes[i].kind == OSM_DEAD ? 0 : node_weight(s, (osm_id)i, t_mo);
    }
    /* Pass 1: degrees.  Offsets are shifted by one so pass 2 can use
     * off[i + 1] as the running insert position. */
    for (size_t e = 0; e < s->n_edges; e++) {
        const osm_edge_rec *r = &s->edges[e];
        if (r->kind == OSM_DEAD)
            continue;
        g->out_off[r->from]++;
        g->in_off[r->to]++;
    }
    uint32_t so = 0, si = 0;
    for (size_t i = 0; i <= n; i++) {
        uint32_t co = i < n ? g->out_off[i] : 0, ci = i < n ? g->in_off[i] : 0;
        g->out_off[i] = so;
        g->in_off[i] = si;
        so += co;
        si += ci;
    }
    /* Pass 2: fill in edge-index order, so adjacency is deterministic. */
    uint32_t *po = malloc((n + 1) * sizeof *po), *pi = malloc((n + 1) * sizeof *pi);
    if (!po || !pi) {
        free(po);
        free(pi);
        osm_snapshot_free(g);
        return NULL;
    }
    memcpy(po, g->out_off, (n + 1) * sizeof *po);
    memcpy(pi, g->in_off, (n + 1) * sizeof *pi);
    for (size_t e = 0; e < s->n_edges; e++) {
        const osm_edge_rec *r = &s->edges[e];
        if (r->kind == OSM_DEAD)
            continue;
        uint32_t info = pack_info(r);
        g->out[po[r->from]++] = (osm_adj){ r->to, info };
        g->in[pi[r->to]++] = (osm_adj){ r->from, info };
    }
    free(po);
    free(pi);
    return g;
}
