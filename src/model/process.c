/*
 * The processing split (MODEL.md §2, the original csv_processing step):
 * lift an implementation-level dump to the model level, where one PD runs
 * on one VCPU in one address space.
 *
 * A PD's own VCPUs / ADSes are those it HOLDs that no other PD holds, the
 * root task aside.  Both are computed once on the input: after the VCPU
 * split the copies of one PD hold the same ADSes, and they must still count
 * as that PD's own.  A PD with k >= 2 own VCPUs becomes k copies (ID.0 ..),
 * each dropping its HOLDs on the siblings' VCPUs; then a copy with m >= 2
 * own ADSes becomes m copies, each dropping the siblings' ADSes and their
 * VMRs.  Edges into a split PD go to every copy.  The output is a new store
 * with nodes and edges in input order, copies in place of their original.
 */
#include <stdlib.h>
#include <string.h>

#include "store_internal.h"

/* One final copy of an original PD. */
typedef struct pd_copy {
    char *id;
    osm_id keep_vcpu;       /* the own VCPU this copy keeps, or OSM_NONE */
    osm_id keep_ads;        /* the own ADS this copy keeps, or OSM_NONE */
} pd_copy;

typedef struct split {
    osm_id *own_vcpu, *own_ads;     /* per PD: lists (in node order) */
    size_t n_vcpu, n_ads;
    pd_copy *copies;
    size_t n_copies;
} split;

/* Is n held by a PD other than `pd` and the root? */
static bool held_by_other(const osm_store *s, osm_id n, osm_id pd, osm_id root)
{
    for (osm_id e = s->nodes[n].first_in; e != OSM_NONE; e = s->edges[e].next_in) {
        const osm_edge_rec *r = &s->edges[e];
        if (r->kind == OSM_HOLD && r->from != pd && r->from != root &&
            s->nodes[r->from].kind == OSM_PD)
            return true;
    }
    return false;
}

static int cmp_id(const void *a, const void *b)
{
    osm_id x = *(const osm_id *)a, y = *(const osm_id *)b;
    return x < y ? -1 : x > y;
}

/* Collect pd's own nodes of kind k and type t, sorted by node index (the
 * order they appear in the file). */
static osm_id *own_nodes(const osm_store *s, osm_id pd, osm_id root, osm_kind k, osm_id t,
                         size_t *n_out)
{
    size_t n = 0, cap = 0;
    osm_id *v = NULL;
    *n_out = 0;
    if (t == OSM_NONE)
        return NULL;
    for (osm_id e = s->nodes[pd].first_out; e != OSM_NONE; e = s->edges[e].next_out) {
        const osm_edge_rec *r = &s->edges[e];
        if (r->kind != OSM_HOLD || s->nodes[r->to].kind != k || s->nodes[r->to].data != t ||
            held_by_other(s, r->to, pd, root))
            continue;
        if (n == cap) {
            cap = cap ? cap * 2 : 4;
            osm_id *w = realloc(v, cap * sizeof *w);
            if (!w) {
                free(v);
                return NULL;
            }
            v = w;
        }
        v[n++] = r->to;
    }
    if (v)
        qsort(v, n, sizeof *v, cmp_id);
    /* A PD may hold the same node twice (two HOLD rows): dedupe. */
    size_t m = 0;
    for (size_t i = 0; i < n; i++)
        if (m == 0 || v[m - 1] != v[i])
            v[m++] = v[i];
    *n_out = m;
    return v;
}

static bool in_list(const osm_id *v, size_t n, osm_id x)
{
    for (size_t i = 0; i < n; i++)
        if (v[i] == x)
            return true;
    return false;
}

/* Should copy c of a split PD drop HOLD pd -> target? */
static bool excluded(const osm_store *s, const split *sp, const pd_copy *c, osm_id target)
{
    if (c->keep_vcpu != OSM_NONE && target != c->keep_vcpu &&
        in_list(sp->own_vcpu, sp->n_vcpu, target))
        return true;
    if (c->keep_ads == OSM_NONE)
        return false;
    if (target != c->keep_ads && in_list(sp->own_ads, sp->n_ads, target))
        return true;
    if (s->nodes[target].kind == OSM_RESOURCE) {
        osm_id space = osm_store_space_of(s, target);
        return space != c->keep_ads && in_list(sp->own_ads, sp->n_ads, space);
    }
    return false;
}

static void split_free(split *sp)
{
    for (size_t i = 0; i < sp->n_copies; i++)
        free(sp->copies[i].id);
    free(sp->copies);
    free(sp->own_vcpu);
    free(sp->own_ads);
    memset(sp, 0, sizeof *sp);
}

/* Plan the copies of one PD; n_copies == 0 means "not split". */
static int plan(const osm_store *s, osm_id pd, osm_id root, split *sp, osm_process_stats *st)
{
    osm_id t_vcpu = osm_store_type_lookup(s, "VCPU"), t_ads = osm_store_type_lookup(s, "ADS");
    memset(sp, 0, sizeof *sp);
    if (pd == root)
        return 0;
    sp->own_vcpu = own_nodes(s, pd, root, OSM_RESOURCE, t_vcpu, &sp->n_vcpu);
    sp->own_ads = own_nodes(s, pd, root, OSM_SPACE, t_ads, &sp->n_ads);
    size_t nv = sp->n_vcpu >= 2 ? sp->n_vcpu : 1, na = sp->n_ads >= 2 ? sp->n_ads : 1;
    if (nv == 1 && na == 1)
        return 0;
    st->split_vcpu += nv > 1;
    st->split_ads += na > 1 ? nv : 0;
    sp->copies = calloc(nv * na, sizeof *sp->copies);
    if (!sp->copies)
        return -1;
    const char *base = osm_node_id(s, pd);
    for (size_t i = 0; i < nv; i++)
        for (size_t j = 0; j < na; j++) {
            pd_copy *c = &sp->copies[sp->n_copies++];
            c->keep_vcpu = nv > 1 ? sp->own_vcpu[i] : OSM_NONE;
            c->keep_ads = na > 1 ? sp->own_ads[j] : OSM_NONE;
            int r = nv > 1 && na > 1 ? asprintf(&c->id, "%s.%zu.%zu", base, i, j)
                                     : asprintf(&c->id, "%s.%zu", base, nv > 1 ? i : j);
            if (r < 0) {
                c->id = NULL;
                return -1;
            }
        }
    st->pds_added += sp->n_copies - 1;
    return 0;
}

/* Map an input node to its output node(s): *first and count. */
typedef struct node_map {
    osm_id first;
    uint32_t count;         /* 1, or the number of copies */
    uint32_t split;         /* index into the splits array + 1, or 0 */
} node_map;

osm_store *osm_process(const osm_store *s, osm_process_stats *st)
{
    osm_process_stats local;
    if (!st)
        st = &local;
    memset(st, 0, sizeof *st);
    osm_store *o = osm_store_new();
    node_map *map = calloc(s->n_nodes + 1, sizeof *map);
    split *splits = NULL;
    size_t n_splits = 0, cap_splits = 0;
    osm_id root = osm_store_root(s);
    if (!o || !map)
        goto fail;
    osm_store_reserve(o, s->live_nodes, s->live_edges);
    for (size_t n = 0; n < s->n_nodes; n++) {
        const osm_node_rec *r = &s->nodes[n];
        if (r->kind == OSM_DEAD)
            continue;
        const char *name = osm_store_type_name(s, r->data), *extra = s->strings.buf + r->extra_off;
        split sp = { 0 };
        if (r->kind == OSM_PD && plan(s, (osm_id)n, root, &sp, st) < 0) {
            split_free(&sp);
            goto fail;
        }
        if (!sp.n_copies) {
            split_free(&sp);
            map[n].first = osm_store_add_node(o, (osm_kind)r->kind, osm_node_id(s, (osm_id)n), name,
                                              extra);
            map[n].count = 1;
            if (map[n].first == OSM_NONE)
                goto fail;
            continue;
        }
        if (n_splits == cap_splits) {
            cap_splits = cap_splits ? cap_splits * 2 : 8;
            split *w = realloc(splits, cap_splits * sizeof *w);
            if (!w) {
                split_free(&sp);
                goto fail;
            }
            splits = w;
        }
        splits[n_splits++] = sp;
        map[n].count = (uint32_t)sp.n_copies;
        map[n].split = (uint32_t)n_splits;
        for (size_t i = 0; i < sp.n_copies; i++) {
            osm_id c = osm_store_add_node(o, OSM_PD, sp.copies[i].id, name, extra);
            if (c == OSM_NONE)
                goto fail;
            if (i == 0)
                map[n].first = c;
        }
    }
    if (root != OSM_NONE)
        osm_store_set_root(o, map[root].first);
    for (size_t i = 0; i < s->n_edges; i++) {
        const osm_edge_rec *e = &s->edges[i];
        if (e->kind == OSM_DEAD)
            continue;
        const node_map *f = &map[e->from], *t = &map[e->to];
        const char *extra = s->strings.buf + e->extra_off;
        osm_id type = e->type == OSM_NONE ? OSM_NONE
                          : osm_store_intern(o, osm_store_type_name(s, e->type),
                                             strlen(osm_store_type_name(s, e->type)));
        for (uint32_t a = 0; a < f->count; a++) {
            if (f->split && e->kind == OSM_HOLD &&
                excluded(s, &splits[f->split - 1], &splits[f->split - 1].copies[a], e->to))
                continue;
            for (uint32_t b = 0; b < t->count; b++)
                if (osm_store_add_edge(o, (osm_edge_kind)e->kind, f->first + a, t->first + b,
                                       e->perms, type, extra) == OSM_NONE)
                    goto fail;
        }
    }
    for (size_t i = 0; i < n_splits; i++)
        split_free(&splits[i]);
    free(splits);
    free(map);
    return o;
fail:
    for (size_t i = 0; i < n_splits; i++)
        split_free(&splits[i]);
    free(splits);
    free(map);
    osm_store_free(o);
    return NULL;
}
