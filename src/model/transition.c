/*
 * Transitions (MODEL.md §1): the only steps a live system takes on its
 * model state.  Each checks its precondition first and refuses with a
 * reason, changing nothing; applying only these steps keeps every
 * well-formedness rule true.  In debug mode every rule is re-checked after
 * every step.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store_internal.h"
#include "check_internal.h"

static int fail(osm_error *err, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int fail(osm_error *err, int code, const char *fmt, ...)
{
    if (err) {
        err->code = code;
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err->msg, sizeof err->msg, fmt, ap);
        va_end(ap);
    }
    return code;
}

/* Finish a successful step: in debug mode, re-check every rule. */
static int done(osm_store *s, const char *step, osm_error *err)
{
    if (err) {
        err->code = OSM_OK;
        err->msg[0] = '\0';
    }
    if (!s->debug_invariants)
        return OSM_OK;
    osm_diags d;
    osm_diags_init(&d, 1);
    size_t n = osm_check(s, false, &d);
    int r = OSM_OK;
    if (n)
        r = fail(err, OSM_EINVARIANT, "after %s: %zu violation(s), first: %s", step, n,
                 d.n ? d.v[0].msg : "?");
    osm_diags_free(&d);
    return r;
}

static bool is_kind(const osm_store *s, osm_id n, osm_kind k)
{
    return osm_node_live(s, n) && s->nodes[n].kind == k;
}

static const char *nid(const osm_store *s, osm_id n)
{
    return osm_node_live(s, n) ? osm_node_id(s, n) : "(none)";
}

/* Do hold permissions `have` include `want`?  No R/W/X/T bit means
 * unrestricted, which includes everything. */
static bool perms_cover(uint8_t have, uint8_t want)
{
    have &= OSM_PERM_RWXT;
    want &= OSM_PERM_RWXT;
    return have == 0 || (want != 0 && (want & ~have) == 0);
}

/* The resource type a node stands for when granted or requested. */
static osm_id served_type(const osm_store *s, osm_id r)
{
    return s->nodes[r].data;
}

static bool is_root(const osm_store *s, osm_id pd)
{
    return pd != OSM_NONE && pd == osm_store_root(s);
}

/* Is there a MAP path from a to b (a == b counts)?  Used to refuse maps
 * that would close a cycle (rule 7).  Returns true also when memory runs
 * out, so that the caller refuses rather than risks a cycle. */
static bool map_reaches(const osm_store *s, osm_id a, osm_id b)
{
    if (a == b)
        return true;
    size_t n = s->n_nodes;
    uint8_t *seen = calloc((n + 7) / 8, 1);
    osm_id *stack = malloc(n * sizeof *stack);
    bool found = !seen || !stack;
    size_t sp = 0;
    if (!found) {
        stack[sp++] = a;
        seen[a / 8] |= (uint8_t)(1u << (a % 8));
    }
    while (sp && !found) {
        osm_id x = stack[--sp];
        for (osm_id e = s->nodes[x].first_out; e != OSM_NONE; e = s->edges[e].next_out) {
            osm_id t = s->edges[e].to;
            if (s->edges[e].kind != OSM_MAP || (seen[t / 8] & (1u << (t % 8))))
                continue;
            if (t == b) {
                found = true;
                break;
            }
            seen[t / 8] |= (uint8_t)(1u << (t % 8));
            stack[sp++] = t;
        }
    }
    free(seen);
    free(stack);
    return found;
}

int osm_tr_create_pd(osm_store *s, osm_id act, const char *new_id, const char *name,
                     const char *const *request_types, size_t n_requests, osm_id *out,
                     osm_error *err)
{
    bool bootstrap = act == OSM_NONE;
    if (bootstrap && osm_store_root(s) != OSM_NONE)
        return fail(err, OSM_EREFUSED, "create_pd %s: no acting PD, and the root exists", new_id);
    if (!bootstrap && !is_kind(s, act, OSM_PD))
        return fail(err, OSM_EREFUSED, "create_pd %s: acting node is not a live PD", new_id);
    if (osm_store_find(s, new_id) != OSM_NONE)
        return fail(err, OSM_EREFUSED, "create_pd %s: the ID exists already", new_id);
    if (bootstrap && n_requests)
        return fail(err, OSM_EREFUSED, "create_pd %s: the root cannot request from anyone", new_id);
    for (size_t i = 0; i < n_requests; i++) {
        osm_id t = osm_store_type_lookup(s, request_types[i]);
        if (t == OSM_NONE || !osm_holds_space_of_type(s, act, t))
            return fail(err, OSM_EREFUSED, "create_pd %s: %s holds no %s space to serve requests",
                        new_id, nid(s, act), request_types[i]);
    }
    osm_id n = osm_store_add_node(s, OSM_PD, new_id, name ? name : "", NULL);
    if (n == OSM_NONE)
        return fail(err, OSM_ENOMEM, "create_pd %s: out of memory", new_id);
    if (bootstrap)
        osm_store_set_root(s, n);
    for (size_t i = 0; i < n_requests; i++) {
        osm_id t = osm_store_type_lookup(s, request_types[i]);
        if (osm_store_add_edge(s, OSM_REQUEST, n, act, 0, t, NULL) == OSM_NONE)
            goto nomem;
    }
    if (!bootstrap &&
        osm_store_add_edge(s, OSM_HOLD, act, n, OSM_PERM_R | OSM_PERM_W | OSM_PERM_T, OSM_NONE,
                           NULL) == OSM_NONE)
        goto nomem;
    if (out)
        *out = n;
    return done(s, "create_pd", err);
nomem:
    osm_store_remove_node(s, n);
    return fail(err, OSM_ENOMEM, "create_pd %s: out of memory", new_id);
}

int osm_tr_create_resource(osm_store *s, osm_id act, const char *r_id, osm_id space,
                           const char *extra, osm_id *out, osm_error *err)
{
    if (!is_kind(s, act, OSM_PD) || !is_kind(s, space, OSM_SPACE))
        return fail(err, OSM_EREFUSED, "create_resource %s: needs a live PD and a live space", r_id);
    if (osm_store_hold_edge(s, act, space) == OSM_NONE)
        return fail(err, OSM_EREFUSED, "create_resource %s: %s does not hold space %s", r_id,
                    nid(s, act), nid(s, space));
    if (osm_store_find(s, r_id) != OSM_NONE)
        return fail(err, OSM_EREFUSED, "create_resource %s: the ID exists already", r_id);
    osm_id type = s->nodes[space].data;
    if (type == osm_store_type_lookup(s, "ADS"))
        type = osm_store_intern(s, "VMR", 3);
    osm_id r = osm_store_add_node_n(s, OSM_RESOURCE, r_id, strlen(r_id), type, extra,
                                    extra ? strlen(extra) : 0);
    if (r == OSM_NONE)
        return fail(err, OSM_ENOMEM, "create_resource %s: out of memory", r_id);
    if (osm_store_add_edge(s, OSM_SUBSET, r, space, 0, OSM_NONE, NULL) == OSM_NONE ||
        osm_store_add_edge(s, OSM_HOLD, act, r, 0, OSM_NONE, NULL) == OSM_NONE) {
        osm_store_remove_node(s, r);
        return fail(err, OSM_ENOMEM, "create_resource %s: out of memory", r_id);
    }
    if (out)
        *out = r;
    return done(s, "create_resource", err);
}

int osm_tr_grant(osm_store *s, osm_id act, osm_id pd, osm_id r, uint8_t perms, osm_error *err)
{
    if (!is_kind(s, act, OSM_PD) || !is_kind(s, pd, OSM_PD) || act == pd)
        return fail(err, OSM_EREFUSED, "grant: needs two distinct live PDs");
    if (!is_kind(s, r, OSM_RESOURCE) && !is_kind(s, r, OSM_SPACE))
        return fail(err, OSM_EREFUSED, "grant: %s is not a resource or space", nid(s, r));
    osm_id h = osm_store_hold_edge(s, act, r);
    if (h == OSM_NONE)
        return fail(err, OSM_EREFUSED, "grant %s: %s does not hold it", nid(s, r), nid(s, act));
    if (!perms_cover(s->edges[h].perms, perms))
        return fail(err, OSM_EREFUSED, "grant %s: %s holds it with fewer permissions than granted",
                    nid(s, r), nid(s, act));
    osm_id type = served_type(s, r);
    bool asked = false;
    for (osm_id e = s->nodes[pd].first_out; e != OSM_NONE && !asked; e = s->edges[e].next_out)
        asked = s->edges[e].kind == OSM_REQUEST && s->edges[e].to == act &&
                (s->edges[e].type == type || osm_type_pairs(s, type, s->edges[e].type) ||
                 osm_type_pairs(s, s->edges[e].type, type));
    if (!asked && !is_root(s, act))
        return fail(err, OSM_EREFUSED, "grant %s: %s has no REQUEST edge to %s for type %s",
                    nid(s, r), nid(s, pd), nid(s, act), osm_store_type_name(s, type));
    osm_id old = osm_store_hold_edge(s, pd, r);
    if (old != OSM_NONE) {
        uint8_t p = s->edges[old].perms, q = perms;
        bool unrestricted = !(p & OSM_PERM_RWXT) || !(q & OSM_PERM_RWXT);
        s->edges[old].perms = unrestricted ? (uint8_t)((p | q) & ~OSM_PERM_RWXT) : (p | q);
    } else if (osm_store_add_edge(s, OSM_HOLD, pd, r, perms, OSM_NONE, NULL) == OSM_NONE) {
        return fail(err, OSM_ENOMEM, "grant: out of memory");
    }
    return done(s, "grant", err);
}

/* Number of PDs holding n. */
static size_t holders(const osm_store *s, osm_id n)
{
    size_t k = 0;
    for (osm_id e = s->nodes[n].first_in; e != OSM_NONE; e = s->edges[e].next_in)
        k += s->edges[e].kind == OSM_HOLD && s->nodes[s->edges[e].from].kind == OSM_PD;
    return k;
}

int osm_tr_revoke(osm_store *s, osm_id act, osm_id pd, osm_id r, osm_error *err)
{
    if (!is_kind(s, act, OSM_PD) || !is_kind(s, pd, OSM_PD) || !osm_node_live(s, r))
        return fail(err, OSM_EREFUSED, "revoke: needs live PDs and a live resource");
    osm_id owner_of = is_kind(s, r, OSM_RESOURCE) ? osm_store_space_of(s, r) : r;
    if (owner_of == OSM_NONE || osm_store_hold_edge(s, act, owner_of) == OSM_NONE || act == pd)
        return fail(err, OSM_EREFUSED, "revoke %s from %s: %s does not hold the space it is drawn from",
                    nid(s, r), nid(s, pd), nid(s, act));
    osm_id h = osm_store_hold_edge(s, pd, r);
    if (h == OSM_NONE)
        return fail(err, OSM_EREFUSED, "revoke %s: %s does not hold it", nid(s, r), nid(s, pd));
    if (holders(s, r) == 1)
        return fail(err, OSM_EREFUSED, "revoke %s: %s is its last holder (delete it instead)",
                    nid(s, r), nid(s, pd));
    osm_store_remove_edge(s, h);
    return done(s, "revoke", err);
}

/* Does n have a MAP edge in or out? */
static bool is_mapped(const osm_store *s, osm_id n)
{
    for (osm_id e = s->nodes[n].first_out; e != OSM_NONE; e = s->edges[e].next_out)
        if (s->edges[e].kind == OSM_MAP)
            return true;
    for (osm_id e = s->nodes[n].first_in; e != OSM_NONE; e = s->edges[e].next_in)
        if (s->edges[e].kind == OSM_MAP)
            return true;
    return false;
}

int osm_tr_delete_resource(osm_store *s, osm_id act, osm_id r, osm_error *err)
{
    if (!is_kind(s, act, OSM_PD) || !is_kind(s, r, OSM_RESOURCE))
        return fail(err, OSM_EREFUSED, "delete_resource: needs a live PD and a live resource");
    osm_id sp = osm_store_space_of(s, r);
    if (sp == OSM_NONE || osm_store_hold_edge(s, act, sp) == OSM_NONE)
        return fail(err, OSM_EREFUSED, "delete_resource %s: %s does not hold its space", nid(s, r),
                    nid(s, act));
    for (osm_id e = s->nodes[r].first_in; e != OSM_NONE; e = s->edges[e].next_in)
        if (s->edges[e].kind == OSM_HOLD && s->edges[e].from != act)
            return fail(err, OSM_EREFUSED, "delete_resource %s: still held by %s", nid(s, r),
                        nid(s, s->edges[e].from));
    if (is_mapped(s, r))
        return fail(err, OSM_EREFUSED, "delete_resource %s: still mapped", nid(s, r));
    osm_store_remove_node(s, r);
    return done(s, "delete_resource", err);
}

int osm_tr_create_space(osm_store *s, osm_id act, const char *s_id, const char *type,
                        const char *extra, osm_id *out, osm_error *err)
{
    if (!is_kind(s, act, OSM_PD))
        return fail(err, OSM_EREFUSED, "create_space %s: acting node is not a live PD", s_id);
    if (!type || !*type)
        return fail(err, OSM_EREFUSED, "create_space %s: a space needs a type", s_id);
    if (osm_store_find(s, s_id) != OSM_NONE)
        return fail(err, OSM_EREFUSED, "create_space %s: the ID exists already", s_id);
    osm_id n = osm_store_add_node(s, OSM_SPACE, s_id, type, extra);
    if (n == OSM_NONE)
        return fail(err, OSM_ENOMEM, "create_space %s: out of memory", s_id);
    if (osm_store_add_edge(s, OSM_HOLD, act, n, 0, OSM_NONE, NULL) == OSM_NONE) {
        osm_store_remove_node(s, n);
        return fail(err, OSM_ENOMEM, "create_space %s: out of memory", s_id);
    }
    if (out)
        *out = n;
    return done(s, "create_space", err);
}

int osm_tr_destroy_space(osm_store *s, osm_id act, osm_id sp, osm_error *err)
{
    if (!is_kind(s, act, OSM_PD) || !is_kind(s, sp, OSM_SPACE))
        return fail(err, OSM_EREFUSED, "destroy_space: needs a live PD and a live space");
    if (osm_store_hold_edge(s, act, sp) == OSM_NONE)
        return fail(err, OSM_EREFUSED, "destroy_space %s: %s does not hold it", nid(s, sp), nid(s, act));
    for (osm_id e = s->nodes[sp].first_in; e != OSM_NONE; e = s->edges[e].next_in) {
        const osm_edge_rec *r = &s->edges[e];
        if (r->kind == OSM_HOLD && r->from != act)
            return fail(err, OSM_EREFUSED, "destroy_space %s: still held by %s", nid(s, sp),
                        nid(s, r->from));
        if (r->kind == OSM_SUBSET)
            return fail(err, OSM_EREFUSED, "destroy_space %s: resource %s is drawn from it",
                        nid(s, sp), nid(s, r->from));
    }
    if (is_mapped(s, sp))
        return fail(err, OSM_EREFUSED, "destroy_space %s: still mapped", nid(s, sp));
    osm_store_remove_node(s, sp);
    return done(s, "destroy_space", err);
}

/* Refuse a map that rule 6 or 7 forbids. */
static int map_allowed(const osm_store *s, osm_id a, osm_id b, const char *step, osm_error *err)
{
    if (osm_store_type_class(s, s->nodes[a].data) == OSM_TYPE_PHYSICAL &&
        osm_store_type_class(s, s->nodes[b].data) == OSM_TYPE_VIRTUAL)
        return fail(err, OSM_EREFUSED, "%s %s -> %s: physical onto virtual", step, nid(s, a), nid(s, b));
    if (map_reaches(s, b, a))
        return fail(err, OSM_EREFUSED, "%s %s -> %s: would close a MAP cycle", step, nid(s, a),
                    nid(s, b));
    if (osm_store_find_edge(s, OSM_MAP, a, b, OSM_NONE) != OSM_NONE)
        return fail(err, OSM_EREFUSED, "%s %s -> %s: already mapped", step, nid(s, a), nid(s, b));
    return OSM_OK;
}

int osm_tr_map_space(osm_store *s, osm_id from, osm_id to, osm_error *err)
{
    if (!is_kind(s, from, OSM_SPACE) || !is_kind(s, to, OSM_SPACE))
        return fail(err, OSM_EREFUSED, "map_space: needs two live spaces");
    for (osm_id e = s->nodes[from].first_out; e != OSM_NONE; e = s->edges[e].next_out)
        if (s->edges[e].kind == OSM_MAP && s->edges[e].to != to)
            return fail(err, OSM_EREFUSED, "map_space %s: already maps to %s", nid(s, from),
                        nid(s, s->edges[e].to));
    int r = map_allowed(s, from, to, "map_space", err);
    if (r)
        return r;
    if (osm_store_add_edge(s, OSM_MAP, from, to, 0, OSM_NONE, NULL) == OSM_NONE)
        return fail(err, OSM_ENOMEM, "map_space: out of memory");
    return done(s, "map_space", err);
}

int osm_tr_unmap_space(osm_store *s, osm_id from, osm_id to, osm_error *err)
{
    osm_id e = is_kind(s, from, OSM_SPACE) ? osm_store_find_edge(s, OSM_MAP, from, to, OSM_NONE)
                                           : OSM_NONE;
    if (e == OSM_NONE)
        return fail(err, OSM_EREFUSED, "unmap_space %s -> %s: not mapped", nid(s, from), nid(s, to));
    /* Refuse while a resource of `from` maps to a resource of `to` (rule 5). */
    for (osm_id i = s->nodes[from].first_in; i != OSM_NONE; i = s->edges[i].next_in) {
        if (s->edges[i].kind != OSM_SUBSET)
            continue;
        osm_id r = s->edges[i].from;
        for (osm_id m = s->nodes[r].first_out; m != OSM_NONE; m = s->edges[m].next_out)
            if (s->edges[m].kind == OSM_MAP && osm_store_space_of(s, s->edges[m].to) == to)
                return fail(err, OSM_EREFUSED, "unmap_space %s -> %s: %s still maps to %s",
                            nid(s, from), nid(s, to), nid(s, r), nid(s, s->edges[m].to));
    }
    osm_store_remove_edge(s, e);
    return done(s, "unmap_space", err);
}

int osm_tr_map(osm_store *s, osm_id r, osm_id q, uint8_t perms, osm_error *err)
{
    if (!is_kind(s, r, OSM_RESOURCE) || !is_kind(s, q, OSM_RESOURCE))
        return fail(err, OSM_EREFUSED, "map: needs two live resources");
    osm_id sr = osm_store_space_of(s, r), sq = osm_store_space_of(s, q);
    if (sr == OSM_NONE || sq == OSM_NONE ||
        (sr != sq && osm_store_find_edge(s, OSM_MAP, sr, sq, OSM_NONE) == OSM_NONE))
        return fail(err, OSM_EREFUSED, "map %s -> %s: space %s does not map to space %s", nid(s, r),
                    nid(s, q), nid(s, sr), nid(s, sq));
    int rc = map_allowed(s, r, q, "map", err);
    if (rc)
        return rc;
    if (osm_store_add_edge(s, OSM_MAP, r, q, perms, OSM_NONE, NULL) == OSM_NONE)
        return fail(err, OSM_ENOMEM, "map: out of memory");
    return done(s, "map", err);
}

int osm_tr_unmap(osm_store *s, osm_id r, osm_id q, osm_error *err)
{
    osm_id e = is_kind(s, r, OSM_RESOURCE) ? osm_store_find_edge(s, OSM_MAP, r, q, OSM_NONE)
                                           : OSM_NONE;
    if (e == OSM_NONE)
        return fail(err, OSM_EREFUSED, "unmap %s -> %s: not mapped", nid(s, r), nid(s, q));
    osm_store_remove_edge(s, e);
    return done(s, "unmap", err);
}

/* Delete a space with every resource drawn from it. */
static void drop_space(osm_store *s, osm_id sp)
{
    osm_id e;
    while ((e = s->nodes[sp].first_in) != OSM_NONE) {
        /* Removing a resource removes its SUBSET edge; other in-edges
         * (HOLDs, MAPs) go one by one. */
        if (s->edges[e].kind == OSM_SUBSET && s->nodes[s->edges[e].from].kind == OSM_RESOURCE)
            osm_store_remove_node(s, s->edges[e].from);
        else
            osm_store_remove_edge(s, e);
    }
    osm_store_remove_node(s, sp);
}

int osm_tr_destroy_pd(osm_store *s, osm_id act, osm_id pd, osm_error *err)
{
    if (!is_kind(s, pd, OSM_PD))
        return fail(err, OSM_EREFUSED, "destroy_pd: %s is not a live PD", nid(s, pd));
    if (is_root(s, pd))
        return fail(err, OSM_EREFUSED, "destroy_pd: the root is never destroyed");
    if (!is_root(s, act)) {
        osm_id h = is_kind(s, act, OSM_PD) ? osm_store_hold_edge(s, act, pd) : OSM_NONE;
        if (h == OSM_NONE || !(s->edges[h].perms & OSM_PERM_T))
            return fail(err, OSM_EREFUSED, "destroy_pd %s: %s does not control it", nid(s, pd),
                        nid(s, act));
    }
    /* Remember what pd holds, remove pd, then delete whatever nobody holds
     * any more (rule 3): spaces go with the resources drawn from them. */
    size_t n = 0;
    for (osm_id e = s->nodes[pd].first_out; e != OSM_NONE; e = s->edges[e].next_out)
        n += s->edges[e].kind == OSM_HOLD;
    osm_id *held = n ? malloc(n * sizeof *held) : NULL;
    if (n && !held)
        return fail(err, OSM_ENOMEM, "destroy_pd: out of memory");
    size_t k = 0;
    for (osm_id e = s->nodes[pd].first_out; e != OSM_NONE; e = s->edges[e].next_out)
        if (s->edges[e].kind == OSM_HOLD)
            held[k++] = s->edges[e].to;
    osm_store_remove_node(s, pd);
    for (size_t i = 0; i < k; i++)      /* spaces first: they take their resources */
        if (is_kind(s, held[i], OSM_SPACE) && holders(s, held[i]) == 0)
            drop_space(s, held[i]);
    for (size_t i = 0; i < k; i++)
        if (is_kind(s, held[i], OSM_RESOURCE) && holders(s, held[i]) == 0)
            osm_store_remove_node(s, held[i]);
    free(held);
    return done(s, "destroy_pd", err);
}
