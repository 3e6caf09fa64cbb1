/*
 * The model store: node and edge records, ID lookup, adjacency lists.
 * See store_internal.h for the layout.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "store_internal.h"
#include "strtab.h"

static const char *node_key(const void *ctx, osm_id v)
{
    const osm_store *s = ctx;
    return s->strings.buf + s->nodes[v].id_off;
}

/* The types every state uses, with their virtual/physical class. */
static const struct {
    const char *name;
    osm_type_class cls;
} builtin_types[] = {
    { "VMR", OSM_TYPE_VIRTUAL },    { "ADS", OSM_TYPE_VIRTUAL },
    { "VCPU", OSM_TYPE_VIRTUAL },   { "FILE", OSM_TYPE_VIRTUAL },
    { "MO", OSM_TYPE_PHYSICAL },    { "BLOCK", OSM_TYPE_PHYSICAL },
    { "PCPU", OSM_TYPE_PHYSICAL },  { "FRAME", OSM_TYPE_PHYSICAL },
    { "IRQ", OSM_TYPE_PHYSICAL },
};

osm_store *osm_store_new(void)
{
    osm_store *s = calloc(1, sizeof *s);
    if (!s)
        return NULL;
    s->free_nodes = s->free_edges = OSM_NONE;
    s->root = s->root_auto = OSM_NONE;
    if (osm_arena_put(&s->strings, "", 0) == UINT32_MAX)
        goto fail;
    s->t_root_task = osm_store_intern(s, "ROOT_TASK", 9);
    if (s->t_root_task == OSM_NONE)
        goto fail;
    for (size_t i = 0; i < sizeof builtin_types / sizeof builtin_types[0]; i++) {
        const char *n = builtin_types[i].name;
        osm_id t = osm_store_intern(s, n, strlen(n));
        if (t == OSM_NONE)
            goto fail;
        osm_store_set_type_class(s, t, builtin_types[i].cls);
    }
    return s;
fail:
    osm_store_free(s);
    return NULL;
}

void osm_store_free(osm_store *s)
{
    if (!s)
        return;
    free(s->nodes);
    free(s->edges);
    osm_arena_free(&s->strings);
    osm_hindex_free(&s->ids);
    osm_strtab_free(&s->types);
    free(s);
}

static int grow(void **p, size_t *cap, size_t need, size_t elem)
{
    if (need <= *cap)
        return 0;
    size_t c = *cap ? *cap : 64;
    while (c < need)
        c += c / 2 + 16;
    if (c > (size_t)OSM_TOMB)
        c = OSM_TOMB;
    if (need > c) {
        errno = ENOMEM;
        return -1;
    }
    void *q = realloc(*p, c * elem);
    if (!q)
        return -1;
    osm_mem_hint_huge(q, c * elem);
    *p = q;
    *cap = c;
    return 0;
}

int osm_store_reserve(osm_store *s, size_t nodes, size_t edges)
{
    if (grow((void **)&s->nodes, &s->cap_nodes, nodes, sizeof *s->nodes) < 0 ||
        grow((void **)&s->edges, &s->cap_edges, edges, sizeof *s->edges) < 0 ||
        osm_hindex_reserve(&s->ids, nodes) < 0)
        return -1;
    return 0;
}

osm_store *osm_store_clone(const osm_store *s)
{
    osm_store *c = calloc(1, sizeof *c);
    if (!c)
        return NULL;
    *c = *s;
    c->nodes = NULL;
    c->edges = NULL;
    memset(&c->strings, 0, sizeof c->strings);
    memset(&c->ids, 0, sizeof c->ids);
    memset(&c->types, 0, sizeof c->types);
    c->cap_nodes = s->n_nodes;
    c->cap_edges = s->n_edges;
    if (s->n_nodes && !(c->nodes = malloc(s->n_nodes * sizeof *c->nodes)))
        goto fail;
    if (s->n_edges && !(c->edges = malloc(s->n_edges * sizeof *c->edges)))
        goto fail;
    if (s->n_nodes)
        memcpy(c->nodes, s->nodes, s->n_nodes * sizeof *c->nodes);
    if (s->n_edges)
        memcpy(c->edges, s->edges, s->n_edges * sizeof *c->edges);
    if (osm_arena_clone(&c->strings, &s->strings) < 0 ||
        osm_hindex_clone(&c->ids, &s->ids) < 0 ||
        osm_strtab_clone(&c->types, &s->types) < 0)
        goto fail;
    return c;
fail:
    osm_store_free(c);
    return NULL;
}

/* ---- interned strings ------------------------------------------------- */

osm_id osm_store_intern(osm_store *s, const char *str, size_t len)
{
    return osm_strtab_intern(&s->types, str, len);
}

osm_id osm_store_type_lookup(const osm_store *s, const char *str)
{
    return osm_strtab_lookup(&s->types, str, strlen(str));
}

const char *osm_store_type_name(const osm_store *s, osm_id t)
{
    if (t >= s->types.n)
        return "";
    return s->types.chars.buf + s->types.off[t];
}

size_t osm_store_type_count(const osm_store *s)
{
    return s->types.n;
}

void osm_store_set_type_class(osm_store *s, osm_id t, osm_type_class c)
{
    if (t < s->types.n)
        s->types.cls[t] = (uint8_t)c;
}

osm_type_class osm_store_type_class(const osm_store *s, osm_id t)
{
    return t < s->types.n ? (osm_type_class)s->types.cls[t] : OSM_TYPE_UNKNOWN;
}

/* ---- nodes ------------------------------------------------------------ */

osm_id osm_store_add_node_n(osm_store *s, osm_kind kind, const char *id, size_t id_len,
                            osm_id data, const char *extra, size_t extra_len)
{
    if ((unsigned)kind >= OSM_KIND_COUNT || data >= s->types.n) {
        errno = EINVAL;
        return OSM_NONE;
    }
    uint32_t h = osm_hash_bytes(id, id_len);
    if (osm_hindex_find(&s->ids, id, id_len, h, node_key, s) != OSM_NONE) {
        errno = EEXIST;
        return OSM_NONE;
    }
    osm_id n = s->free_nodes;
    if (n == OSM_NONE && grow((void **)&s->nodes, &s->cap_nodes, s->n_nodes + 1,
                              sizeof *s->nodes) < 0)
        return OSM_NONE;
    uint32_t id_off = osm_arena_put(&s->strings, id, id_len);
    uint32_t ex_off = extra ? osm_arena_put(&s->strings, extra, extra_len) : 0;
    if (id_off == UINT32_MAX || ex_off == UINT32_MAX)
        return OSM_NONE;
    if (n == OSM_NONE)
        n = (osm_id)s->n_nodes;
    if (osm_hindex_insert(&s->ids, h, n) < 0)
        return OSM_NONE;
    if (n == s->free_nodes)
        s->free_nodes = s->nodes[n].first_out;
    else
        s->n_nodes++;
    s->nodes[n] = (osm_node_rec){ .id_off = id_off, .extra_off = ex_off, .data = data,
                                  .first_out = OSM_NONE, .first_in = OSM_NONE,
                                  .kind = (uint8_t)kind };
    s->live_nodes++;
    s->nodes_by_kind[kind]++;
    if (kind == OSM_PD && data == s->t_root_task && s->root_auto == OSM_NONE)
        s->root_auto = n;
    return n;
}

osm_id osm_store_add_node(osm_store *s, osm_kind kind, const char *id, const char *data,
                          const char *extra)
{
    osm_id t = osm_store_intern(s, data ? data : "", data ? strlen(data) : 0);
    if (t == OSM_NONE)
        return OSM_NONE;
    return osm_store_add_node_n(s, kind, id, strlen(id), t, extra, extra ? strlen(extra) : 0);
}

bool osm_node_live(const osm_store *s, osm_id n)
{
    return n < s->n_nodes && s->nodes[n].kind != OSM_DEAD;
}

/* Rewrite the arena without dead strings once they are the larger part, so
 * a long-running runtime does not grow without bound. */
static void maybe_compact_strings(osm_store *s)
{
    osm_arena *a = &s->strings;
    if (a->dead < (1u << 20) || a->dead * 2 < a->len)
        return;
    osm_arena fresh = { 0 };
    if (osm_arena_put(&fresh, "", 0) == UINT32_MAX)
        return;
    /* Reserve first so that no put below can fail half-way. */
    size_t need = a->len - a->dead + 16;
    char *buf = realloc(fresh.buf, need);
    if (!buf) {
        osm_arena_free(&fresh);
        return;
    }
    fresh.buf = buf;
    fresh.cap = need;
    for (size_t i = 0; i < s->n_nodes; i++) {
        osm_node_rec *r = &s->nodes[i];
        if (r->kind == OSM_DEAD)
            continue;
        const char *id = a->buf + r->id_off, *ex = a->buf + r->extra_off;
        r->id_off = osm_arena_put(&fresh, id, strlen(id));
        r->extra_off = osm_arena_put(&fresh, ex, strlen(ex));
    }
    for (size_t i = 0; i < s->n_edges; i++) {
        osm_edge_rec *e = &s->edges[i];
        if (e->kind == OSM_DEAD)
            continue;
        const char *ex = a->buf + e->extra_off;
        e->extra_off = osm_arena_put(&fresh, ex, strlen(ex));
    }
    osm_arena_free(a);
    *a = fresh;
}

int osm_store_remove_node(osm_store *s, osm_id n)
{
    if (!osm_node_live(s, n))
        return -1;
    osm_node_rec *r = &s->nodes[n];
    while (r->first_out != OSM_NONE)
        osm_store_remove_edge(s, r->first_out);
    while (r->first_in != OSM_NONE)
        osm_store_remove_edge(s, r->first_in);
    const char *id = s->strings.buf + r->id_off;
    size_t idlen = strlen(id);
    osm_hindex_remove(&s->ids, osm_hash_bytes(id, idlen), n);
    s->strings.dead += idlen + 1;
    if (r->extra_off)
        s->strings.dead += strlen(s->strings.buf + r->extra_off) + 1;
    s->nodes_by_kind[r->kind]--;
    s->live_nodes--;
    r->kind = OSM_DEAD;
    r->first_out = s->free_nodes;
    s->free_nodes = n;
    if (s->root == n)
        s->root = OSM_NONE;
    if (s->root_auto == n)
        s->root_auto = OSM_NONE;
    maybe_compact_strings(s);
    return 0;
}

osm_id osm_store_find_n(const osm_store *s, const char *id, size_t len)
{
    return osm_hindex_find(&s->ids, id, len, osm_hash_bytes(id, len), node_key, s);
}

osm_id osm_store_find(const osm_store *s, const char *id)
{
    return osm_store_find_n(s, id, strlen(id));
}

osm_kind osm_node_kind(const osm_store *s, osm_id n)
{
    return n < s->n_nodes ? (osm_kind)s->nodes[n].kind : OSM_DEAD;
}

const char *osm_node_id(const osm_store *s, osm_id n)
{
    return osm_node_live(s, n) ? s->strings.buf + s->nodes[n].id_off : "";
}

osm_id osm_node_data(const osm_store *s, osm_id n)
{
    return osm_node_live(s, n) ? s->nodes[n].data : OSM_NONE;
}

const char *osm_node_data_name(const osm_store *s, osm_id n)
{
    return osm_store_type_name(s, osm_node_data(s, n));
}

const char *osm_node_extra(const osm_store *s, osm_id n)
{
    return osm_node_live(s, n) ? s->strings.buf + s->nodes[n].extra_off : "";
}

int osm_node_set_extra(osm_store *s, osm_id n, const char *extra)
{
    if (!osm_node_live(s, n))
        return -1;
    uint32_t off = osm_arena_put(&s->strings, extra, strlen(extra));
    if (off == UINT32_MAX)
        return -1;
    osm_node_rec *r = &s->nodes[n];
    if (r->extra_off)
        s->strings.dead += strlen(s->strings.buf + r->extra_off) + 1;
    r->extra_off = off;
    return 0;
}

size_t osm_store_node_count(const osm_store *s)
{
    return s->live_nodes;
}

size_t osm_store_node_count_kind(const osm_store *s, osm_kind k)
{
    return (unsigned)k < OSM_KIND_COUNT ? s->nodes_by_kind[k] : 0;
}

osm_id osm_store_node_bound(const osm_store *s)
{
    return (osm_id)s->n_nodes;
}

osm_id osm_store_next_node(const osm_store *s, osm_id prev)
{
    for (size_t i = prev == OSM_NONE ? 0 : (size_t)prev + 1; i < s->n_nodes; i++)
        if (s->nodes[i].kind != OSM_DEAD)
            return (osm_id)i;
    return OSM_NONE;
}

osm_id osm_store_root(const osm_store *s)
{
    return s->root != OSM_NONE ? s->root : s->root_auto;
}

void osm_store_set_root(osm_store *s, osm_id pd)
{
    s->root = pd;
}

void osm_store_set_debug_invariants(osm_store *s, bool on)
{
    s->debug_invariants = on;
}

/* ---- edges ------------------------------------------------------------ */

osm_id osm_store_add_edge(osm_store *s, osm_edge_kind kind, osm_id from, osm_id to,
                          uint8_t perms, osm_id type, const char *extra)
{
    if (!osm_node_live(s, from) || !osm_node_live(s, to) ||
        (unsigned)kind >= OSM_EDGE_KIND_COUNT) {
        errno = EINVAL;
        return OSM_NONE;
    }
    osm_id e = s->free_edges;
    if (e == OSM_NONE && grow((void **)&s->edges, &s->cap_edges, s->n_edges + 1,
                              sizeof *s->edges) < 0)
        return OSM_NONE;
    uint32_t ex = extra && *extra ? osm_arena_put(&s->strings, extra, strlen(extra)) : 0;
    if (ex == UINT32_MAX)
        return OSM_NONE;
    if (e == OSM_NONE)
        e = (osm_id)s->n_edges++;
    else
        s->free_edges = s->edges[e].next_out;
    osm_node_rec *f = &s->nodes[from], *t = &s->nodes[to];
    s->edges[e] = (osm_edge_rec){ .from = from, .to = to,
                                  .next_out = f->first_out, .prev_out = OSM_NONE,
                                  .next_in = t->first_in, .prev_in = OSM_NONE,
                                  .type = type, .extra_off = ex,
                                  .kind = (uint8_t)kind, .perms = perms };
    if (f->first_out != OSM_NONE)
        s->edges[f->first_out].prev_out = e;
    f->first_out = e;
    if (t->first_in != OSM_NONE)
        s->edges[t->first_in].prev_in = e;
    t->first_in = e;
    s->live_edges++;
    s->edges_by_kind[kind]++;
    return e;
}

int osm_store_remove_edge(osm_store *s, osm_id e)
{
    if (e >= s->n_edges || s->edges[e].kind == OSM_DEAD)
        return -1;
    osm_edge_rec *r = &s->edges[e];
    if (r->prev_out != OSM_NONE)
        s->edges[r->prev_out].next_out = r->next_out;
    else
        s->nodes[r->from].first_out = r->next_out;
    if (r->next_out != OSM_NONE)
        s->edges[r->next_out].prev_out = r->prev_out;
    if (r->prev_in != OSM_NONE)
        s->edges[r->prev_in].next_in = r->next_in;
    else
        s->nodes[r->to].first_in = r->next_in;
    if (r->next_in != OSM_NONE)
        s->edges[r->next_in].prev_in = r->prev_in;
    if (r->extra_off)
        s->strings.dead += strlen(s->strings.buf + r->extra_off) + 1;
    s->edges_by_kind[r->kind]--;
    s->live_edges--;
    r->kind = OSM_DEAD;
    r->next_out = s->free_edges;
    s->free_edges = e;
    maybe_compact_strings(s);
    return 0;
}

osm_id osm_store_find_edge(const osm_store *s, osm_edge_kind kind, osm_id from, osm_id to,
                           osm_id type)
{
    if (!osm_node_live(s, from))
        return OSM_NONE;
    for (osm_id e = s->nodes[from].first_out; e != OSM_NONE; e = s->edges[e].next_out) {
        const osm_edge_rec *r = &s->edges[e];
        if (r->kind == kind && r->to == to && (type == OSM_NONE || r->type == type))
            return e;
    }
    return OSM_NONE;
}

osm_id osm_store_hold_edge(const osm_store *s, osm_id a, osm_id b)
{
    return osm_store_find_edge(s, OSM_HOLD, a, b, OSM_NONE);
}

osm_id osm_store_space_of(const osm_store *s, osm_id r)
{
    if (!osm_node_live(s, r))
        return OSM_NONE;
    osm_id found = OSM_NONE;
    /* Out-lists are newest first; the space is the oldest SUBSET. */
    for (osm_id e = s->nodes[r].first_out; e != OSM_NONE; e = s->edges[e].next_out)
        if (s->edges[e].kind == OSM_SUBSET)
            found = s->edges[e].to;
    return found;
}

bool osm_store_edge(const osm_store *s, osm_id e, osm_edge *out)
{
    if (e >= s->n_edges || s->edges[e].kind == OSM_DEAD)
        return false;
    const osm_edge_rec *r = &s->edges[e];
    *out = (osm_edge){ r->from, r->to, r->kind, r->perms, r->type };
    return true;
}

const char *osm_edge_extra(const osm_store *s, osm_id e)
{
    if (e >= s->n_edges || s->edges[e].kind == OSM_DEAD)
        return "";
    return s->strings.buf + s->edges[e].extra_off;
}

void osm_edge_set_perms(osm_store *s, osm_id e, uint8_t perms)
{
    if (e < s->n_edges && s->edges[e].kind != OSM_DEAD)
        s->edges[e].perms = perms;
}

size_t osm_store_edge_count(const osm_store *s)
{
    return s->live_edges;
}

size_t osm_store_edge_count_kind(const osm_store *s, osm_edge_kind k)
{
    return (unsigned)k < OSM_EDGE_KIND_COUNT ? s->edges_by_kind[k] : 0;
}

osm_id osm_store_edge_bound(const osm_store *s)
{
    return (osm_id)s->n_edges;
}

osm_id osm_store_next_edge(const osm_store *s, osm_id prev)
{
    for (size_t i = prev == OSM_NONE ? 0 : (size_t)prev + 1; i < s->n_edges; i++)
        if (s->edges[i].kind != OSM_DEAD)
            return (osm_id)i;
    return OSM_NONE;
}

osm_id osm_store_first_out(const osm_store *s, osm_id n)
{
    return osm_node_live(s, n) ? s->nodes[n].first_out : OSM_NONE;
}

osm_id osm_store_next_out(const osm_store *s, osm_id e)
{
    return e < s->n_edges ? s->edges[e].next_out : OSM_NONE;
}

osm_id osm_store_first_in(const osm_store *s, osm_id n)
{
    return osm_node_live(s, n) ? s->nodes[n].first_in : OSM_NONE;
}

osm_id osm_store_next_in(const osm_store *s, osm_id e)
{
    return e < s->n_edges ? s->edges[e].next_in : OSM_NONE;
}

size_t osm_store_memory(const osm_store *s)
{
    return sizeof *s + s->cap_nodes * sizeof *s->nodes + s->cap_edges * sizeof *s->edges +
           s->strings.cap + s->ids.cap * sizeof(osm_hslot) + s->types.chars.cap +
           s->types.cap * (sizeof(uint32_t) + 1) + s->types.index.cap * sizeof(osm_hslot);
}
