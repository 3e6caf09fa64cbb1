/*
 * What every exporter shares: format names, the canonical order of nodes
 * and edges, and the edge fields.  Edges are sorted on integer keys (node
 * ranks, type ranks) rather than by comparing strings, so that ordering a
 * million edges stays cheap.
 */
#include <stdlib.h>
#include <string.h>

#include "export_internal.h"

/* qsort has no context argument; thread-local keeps exports reentrant. */
static _Thread_local const osm_store *sort_store;

static int cmp_node_id(const void *a, const void *b)
{
    return strcmp(osm_node_id(sort_store, *(const osm_id *)a),
                  osm_node_id(sort_store, *(const osm_id *)b));
}

static int cmp_type_name(const void *a, const void *b)
{
    return strcmp(osm_store_type_name(sort_store, *(const osm_id *)a),
                  osm_store_type_name(sort_store, *(const osm_id *)b));
}

typedef struct edge_key {
    uint64_t ends;      /* rank(from) << 32 | rank(to) */
    uint32_t kind_type; /* kind << 24 | type rank */
    osm_id e;
} edge_key;

static int cmp_edge_key(const void *a, const void *b)
{
    const edge_key *x = a, *y = b;
    if (x->ends != y->ends)
        return x->ends < y->ends ? -1 : 1;
    if (x->kind_type != y->kind_type)
        return x->kind_type < y->kind_type ? -1 : 1;
    return x->e < y->e ? -1 : x->e > y->e;
}

/* rank[type] = position of the type's name in sorted order (0 = none). */
static uint32_t *type_ranks(const osm_store *s)
{
    size_t nt = osm_store_type_count(s);
    osm_id *ids = malloc((nt + 1) * sizeof *ids);
    uint32_t *rank = calloc(nt + 1, sizeof *rank);
    if (!ids || !rank) {
        free(ids);
        free(rank);
        return NULL;
    }
    for (size_t i = 0; i < nt; i++)
        ids[i] = (osm_id)i;
    sort_store = s;
    qsort(ids, nt, sizeof *ids, cmp_type_name);
    for (size_t i = 0; i < nt; i++)
        rank[ids[i]] = (uint32_t)i + 1;
    free(ids);
    return rank;
}

static int order_edges(const osm_store *s, osm_export_order *o, const uint32_t *node_rank)
{
    uint32_t *trank = type_ranks(s);
    edge_key *keys = malloc((osm_store_edge_count(s) + 1) * sizeof *keys);
    o->edges = malloc((osm_store_edge_count(s) + 1) * sizeof *o->edges);
    if (!trank || !keys || !o->edges) {
        free(trank);
        free(keys);
        return -1;
    }
    size_t m = 0;
    osm_edge e;
    for (osm_id i = osm_store_next_edge(s, OSM_NONE); i != OSM_NONE; i = osm_store_next_edge(s, i)) {
        osm_store_edge(s, i, &e);
        uint32_t tr = e.type == OSM_NONE ? 0 : trank[e.type];
        keys[m++] = (edge_key){ (uint64_t)node_rank[e.from] << 32 | node_rank[e.to],
                                (uint32_t)e.kind << 24 | tr, i };
    }
    qsort(keys, m, sizeof *keys, cmp_edge_key);
    for (size_t i = 0; i < m; i++)
        o->edges[i] = keys[i].e;
    o->n_edges = m;
    free(keys);
    free(trank);
    return 0;
}

int osm_export_order_build(const osm_store *s, osm_export_order *o)
{
    memset(o, 0, sizeof *o);
    size_t n = osm_store_node_count(s);
    o->nodes = malloc((n + 1) * sizeof *o->nodes);
    uint32_t *rank = malloc(((size_t)osm_store_node_bound(s) + 1) * sizeof *rank);
    if (!o->nodes || !rank)
        goto fail;
    for (osm_id v = osm_store_next_node(s, OSM_NONE); v != OSM_NONE; v = osm_store_next_node(s, v))
        o->nodes[o->n_nodes++] = v;
    sort_store = s;
    qsort(o->nodes, o->n_nodes, sizeof *o->nodes, cmp_node_id);
    for (size_t i = 0; i < o->n_nodes; i++)
        rank[o->nodes[i]] = (uint32_t)i;
    if (order_edges(s, o, rank) < 0)
        goto fail;
    free(rank);
    return 0;
fail:
    free(rank);
    osm_export_order_free(o);
    return -1;
}

void osm_export_order_free(osm_export_order *o)
{
    free(o->nodes);
    free(o->edges);
    memset(o, 0, sizeof *o);
}

const char *osm_export_edge_data(const osm_store *s, const osm_edge *e, char buf[8])
{
    if (e->kind == OSM_REQUEST)
        return e->type == OSM_NONE ? "" : osm_store_type_name(s, e->type);
    if (e->kind == OSM_HOLD || e->kind == OSM_MAP)
        return osm_perms_format(e->perms, buf);
    return "NONE";
}

const char *osm_export_edge_perms(const osm_edge *e, char buf[8])
{
    if ((e->kind != OSM_HOLD && e->kind != OSM_MAP) || !e->perms)
        return "";
    return osm_perms_format(e->perms, buf);
}

bool osm_export_node_pages(const osm_store *s, osm_id n, uint64_t *pages)
{
    const char *type = osm_node_data_name(s, n);
    const char *extra = osm_node_extra(s, n);
    if (osm_node_kind(s, n) != OSM_RESOURCE || !*extra)
        return false;
    if (!strcmp(type, "MO")) {
        osm_mo_info mo;
        if (osm_mo_info_parse(extra, &mo) < 0)
            return false;
        *pages = mo.pages;
        return true;
    }
    if (!strcmp(type, "VMR")) {
        osm_vmr_info vmr;
        if (osm_vmr_info_parse(extra, &vmr) < 0)
            return false;
        *pages = vmr.pages;
        return true;
    }
    return false;
}

static const char *const format_names[OSM_EXPORT_FORMAT_COUNT] = {
    "csv", "json", "graphml", "dot", "neo4j"
};

const char *osm_export_format_name(osm_export_format f)
{
    return (unsigned)f < OSM_EXPORT_FORMAT_COUNT ? format_names[f] : NULL;
}

int osm_export_format_parse(const char *name)
{
    for (int i = 0; i < OSM_EXPORT_FORMAT_COUNT; i++)
        if (!strcmp(name, format_names[i]))
            return i;
    return -1;
}
