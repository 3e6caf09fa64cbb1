/*
 * The invariant checker: the seven well-formedness rules of MODEL.md §1.
 * Each violation names the IDs involved.  Real dumps break some rules, so
 * violations are warnings unless the caller asks for strict mode.
 */
#include <stdlib.h>
#include <string.h>

#include "store_internal.h"
#include "check_internal.h"

typedef struct checker {
    const osm_store *s;
    osm_diags *d;
    osm_severity sev;
    size_t count;
    osm_id t_ads, t_vmr;
} checker;

#define VIOLATION(c, rule, ...)                                   \
    do {                                                          \
        (c)->count++;                                             \
        osm_diags_add((c)->d, (c)->sev, rule, 0, __VA_ARGS__);    \
    } while (0)

static const char *id(const checker *c, osm_id n)
{
    return osm_node_id(c->s, n);
}

bool osm_type_pairs(const osm_store *s, osm_id res_type, osm_id space_type)
{
    if (res_type == space_type)
        return true;
    osm_id vmr = osm_store_type_lookup(s, "VMR"), ads = osm_store_type_lookup(s, "ADS");
    return res_type == vmr && space_type == ads;
}

/* Rule 1: endpoints have the kinds the edge table allows. */
static void rule1(checker *c)
{
    const osm_store *s = c->s;
    for (size_t i = 0; i < s->n_edges; i++) {
        const osm_edge_rec *e = &s->edges[i];
        if (e->kind == OSM_DEAD)
            continue;
        osm_kind a = (osm_kind)s->nodes[e->from].kind, b = (osm_kind)s->nodes[e->to].kind;
        bool ok;
        switch (e->kind) {
        case OSM_HOLD:
            ok = a == OSM_PD;
            if (ok && b == OSM_PD && !(e->perms & (OSM_PERM_R | OSM_PERM_W | OSM_PERM_T))) {
                VIOLATION(c, 1, "rule 1: control edge HOLD %s -> %s carries none of R, W, T",
                          id(c, e->from), id(c, e->to));
                continue;
            }
            break;
        case OSM_MAP:
            ok = (a == OSM_RESOURCE && b == OSM_RESOURCE) || (a == OSM_SPACE && b == OSM_SPACE);
            break;
        case OSM_SUBSET: ok = a == OSM_RESOURCE && b == OSM_SPACE; break;
        case OSM_REQUEST: ok = a == OSM_PD && b == OSM_PD; break;
        default: ok = b == OSM_PD; break;  /* CREATEDBY: space -> creating PD */
        }
        if (!ok)
            VIOLATION(c, 1, "rule 1: %s edge %s (%s) -> %s (%s) joins kinds it may not join",
                      osm_edge_kind_name((osm_edge_kind)e->kind), id(c, e->from),
                      osm_kind_name(a), id(c, e->to), osm_kind_name(b));
    }
}

/* Rule 2: every resource has exactly one SUBSET, to a space of its type. */
static void rule2(checker *c)
{
    const osm_store *s = c->s;
    for (size_t n = 0; n < s->n_nodes; n++) {
        if (s->nodes[n].kind != OSM_RESOURCE)
            continue;
        size_t k = 0;
        osm_id sp = OSM_NONE;
        for (osm_id e = s->nodes[n].first_out; e != OSM_NONE; e = s->edges[e].next_out)
            if (s->edges[e].kind == OSM_SUBSET) {
                k++;
                sp = s->edges[e].to;
            }
        if (k != 1) {
            VIOLATION(c, 2, "rule 2: resource %s has %zu SUBSET edges (needs exactly one)",
                      id(c, (osm_id)n), k);
        } else if (s->nodes[sp].kind == OSM_SPACE &&
                   !osm_type_pairs(s, s->nodes[n].data, s->nodes[sp].data)) {
            VIOLATION(c, 2, "rule 2: resource %s of type %s is drawn from space %s of type %s",
                      id(c, (osm_id)n), osm_node_data_name(s, (osm_id)n), id(c, sp),
                      osm_node_data_name(s, sp));
        }
    }
}

/* Rule 3: every resource and space is held by at least one PD. */
static void rule3(checker *c)
{
    const osm_store *s = c->s;
    for (size_t n = 0; n < s->n_nodes; n++) {
        uint8_t k = s->nodes[n].kind;
        if (k != OSM_RESOURCE && k != OSM_SPACE)
            continue;
        bool held = false;
        for (osm_id e = s->nodes[n].first_in; e != OSM_NONE && !held; e = s->edges[e].next_in)
            held = s->edges[e].kind == OSM_HOLD && s->nodes[s->edges[e].from].kind == OSM_PD;
        if (!held)
            VIOLATION(c, 3, "rule 3: %s %s is held by no PD", osm_kind_name((osm_kind)k),
                      id(c, (osm_id)n));
    }
}

bool osm_holds_space_of_type(const osm_store *s, osm_id pd, osm_id type)
{
    for (osm_id e = s->nodes[pd].first_out; e != OSM_NONE; e = s->edges[e].next_out) {
        const osm_edge_rec *r = &s->edges[e];
        if (r->kind == OSM_HOLD && s->nodes[r->to].kind == OSM_SPACE &&
            osm_type_pairs(s, type, s->nodes[r->to].data))
            return true;
    }
    return false;
}

/* Rule 4: a REQUEST's target holds a space of the requested type. */
static void rule4(checker *c)
{
    const osm_store *s = c->s;
    for (size_t i = 0; i < s->n_edges; i++) {
        const osm_edge_rec *e = &s->edges[i];
        if (e->kind != OSM_REQUEST || s->nodes[e->to].kind != OSM_PD)
            continue;
        if (!osm_holds_space_of_type(s, e->to, e->type))
            VIOLATION(c, 4, "rule 4: %s requests %s from %s, which holds no %s space",
                      id(c, e->from), osm_store_type_name(s, e->type), id(c, e->to),
                      osm_store_type_name(s, e->type));
    }
}

/* Rules 5 and 6, over MAP edges. */
static void rules56(checker *c, bool do5, bool do6)
{
    const osm_store *s = c->s;
    for (size_t i = 0; i < s->n_edges; i++) {
        const osm_edge_rec *e = &s->edges[i];
        if (e->kind != OSM_MAP)
            continue;
        const osm_node_rec *a = &s->nodes[e->from], *b = &s->nodes[e->to];
        if (do5 && a->kind == OSM_RESOURCE && b->kind == OSM_RESOURCE) {
            osm_id sa = osm_store_space_of(s, e->from), sb = osm_store_space_of(s, e->to);
            if (sa != OSM_NONE && sb != OSM_NONE && sa != sb &&
                osm_store_find_edge(s, OSM_MAP, sa, sb, OSM_NONE) == OSM_NONE)
                VIOLATION(c, 5, "rule 5: %s maps to %s but space %s does not map to space %s",
                          id(c, e->from), id(c, e->to), id(c, sa), id(c, sb));
        }
        if (do6 && osm_store_type_class(s, a->data) == OSM_TYPE_PHYSICAL &&
            osm_store_type_class(s, b->data) == OSM_TYPE_VIRTUAL)
            VIOLATION(c, 6, "rule 6: physical %s (%s) maps to virtual %s (%s)", id(c, e->from),
                      osm_store_type_name(s, a->data), id(c, e->to),
                      osm_store_type_name(s, b->data));
    }
}

/* Rule 7: no cycle among MAP edges, none among SUBSET edges.  Iterative
 * three-colour DFS; each cycle is reported once, by the edge closing it. */
static void rule7_kind(checker *c, osm_edge_kind kind)
{
    const osm_store *s = c->s;
    size_t n = s->n_nodes;
    uint8_t *colour = calloc(n ? n : 1, 1);     /* 0 new, 1 on stack, 2 done */
    osm_id *stack = malloc((n ? n : 1) * sizeof *stack);
    osm_id *cursor = malloc((n ? n : 1) * sizeof *cursor);
    if (!colour || !stack || !cursor)
        goto out;
    for (size_t root = 0; root < n; root++) {
        if (colour[root] || s->nodes[root].kind == OSM_DEAD)
            continue;
        size_t sp = 0;
        stack[sp] = (osm_id)root;
        cursor[sp++] = s->nodes[root].first_out;
        colour[root] = 1;
        while (sp) {
            osm_id e = cursor[sp - 1];
            if (e == OSM_NONE) {
                colour[stack[--sp]] = 2;
                continue;
            }
            cursor[sp - 1] = s->edges[e].next_out;
            if (s->edges[e].kind != kind)
                continue;
            osm_id t = s->edges[e].to;
            if (colour[t] == 1) {
                VIOLATION(c, 7, "rule 7: %s edges form a cycle through %s -> %s",
                          osm_edge_kind_name(kind), id(c, stack[sp - 1]), id(c, t));
            } else if (colour[t] == 0) {
                colour[t] = 1;
                stack[sp] = t;
                cursor[sp++] = s->nodes[t].first_out;
            }
        }
    }
out:
    free(colour);
    free(stack);
    free(cursor);
}

size_t osm_check_rule(const osm_store *s, int rule, bool strict, osm_diags *d)
{
    checker c = { .s = s, .d = d, .sev = strict ? OSM_ERROR : OSM_WARNING };
    switch (rule) {
    case 1: rule1(&c); break;
    case 2: rule2(&c); break;
    case 3: rule3(&c); break;
    case 4: rule4(&c); break;
    case 5: rules56(&c, true, false); break;
    case 6: rules56(&c, false, true); break;
    case 7:
        rule7_kind(&c, OSM_MAP);
        rule7_kind(&c, OSM_SUBSET);
        break;
    default: break;
    }
    return c.count;
}

size_t osm_check(const osm_store *s, bool strict, osm_diags *d)
{
    size_t total = 0;
    for (int r = 1; r <= 7; r++)
        total += osm_check_rule(s, r, strict, d);
    return total;
}
