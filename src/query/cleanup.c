/*
 * The cleanup simulation (MODEL.md §6): what goes when a PD crashes, for a
 * PD deletion depth and a resource-space deletion depth.  It reads the
 * store directly (no snapshot) so that the live runtime can run the very
 * same computation on its current state before tearing things down.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "query_internal.h"

typedef struct idlist { osm_id *v; size_t n, cap; } idlist;

typedef struct cstate {
    const osm_store *s;
    uint8_t *mark;          /* [bound] bit 0 PD destroyed, 1 space, 2 resource */
    idlist pds, spaces, res;
    uint32_t rs_depth;
    osm_id t_ads, t_vmr;
} cstate;

static int list_push(idlist *l, osm_id v)
{
    if (l->n == l->cap) {
        size_t nc = l->cap ? l->cap * 2 : 16;
        osm_id *nv = realloc(l->v, nc * sizeof *nv);
        if (!nv)
            return -1;
        l->v = nv;
        l->cap = nc;
    }
    l->v[l->n++] = v;
    return 0;
}

int osm_cleanup_policy(const char *name, uint32_t *pd_depth, uint32_t *rs_depth)
{
    static const struct { const char *name; uint32_t pd, rs; } pol[] = {
        { "1a", 0, 0 }, { "1b", 0, OSM_DEPTH_INF }, { "2a", 1, 0 }, { "2b", OSM_DEPTH_INF, 0 } };
    for (size_t i = 0; i < sizeof pol / sizeof *pol; i++)
        if (name && !strcasecmp(name, pol[i].name)) {
            *pd_depth = pol[i].pd;
            *rs_depth = pol[i].rs;
            return 0;
        }
    return -1;
}

bool osm_cleanup_protected(const osm_store *s, osm_id pd)
{
    if (pd == osm_store_root(s))
        return true;
    const char *name = osm_node_data_name(s, pd);
    return name && strcasestr(name, "kernel") != NULL;
}

/* Delete one space (if not yet) with the resources drawn from it. */
static int delete_space(cstate *c, osm_id sp, idlist *fresh)
{
    if (c->mark[sp] & 2)
        return 0;
    c->mark[sp] |= 2;
    if (list_push(&c->spaces, sp) < 0 || list_push(fresh, sp) < 0)
        return -1;
    for (osm_id e = osm_store_first_in(c->s, sp); e != OSM_NONE; e = osm_store_next_in(c->s, e)) {
        osm_edge ed;
        osm_store_edge(c->s, e, &ed);
        if (ed.kind == OSM_SUBSET && osm_node_kind(c->s, ed.from) == OSM_RESOURCE &&
            !(c->mark[ed.from] & 4)) {
            c->mark[ed.from] |= 4;
            if (list_push(&c->res, ed.from) < 0)
                return -1;
        }
    }
    return 0;
}

/* The spaces `pd` holds go, then up to rs_depth rounds of the spaces that
 * MAP to a space deleted in the round before. */
static int delete_spaces_of(cstate *c, osm_id pd)
{
    idlist cur = { 0 }, next = { 0 };
    int rc = 0;
    for (osm_id e = osm_store_first_out(c->s, pd); e != OSM_NONE && !rc; e = osm_store_next_out(c->s, e)) {
        osm_edge ed;
        osm_store_edge(c->s, e, &ed);
        if (ed.kind == OSM_HOLD && osm_node_kind(c->s, ed.to) == OSM_SPACE)
            rc = delete_space(c, ed.to, &cur);
    }
    for (uint32_t round = 0; round < c->rs_depth && cur.n && !rc; round++) {
        next.n = 0;
        for (size_t i = 0; i < cur.n && !rc; i++)
            for (osm_id e = osm_store_first_in(c->s, cur.v[i]); e != OSM_NONE && !rc;
                 e = osm_store_next_in(c->s, e)) {
                osm_edge ed;
                osm_store_edge(c->s, e, &ed);
                if (ed.kind == OSM_MAP && osm_node_kind(c->s, ed.from) == OSM_SPACE)
                    rc = delete_space(c, ed.from, &next);
            }
        idlist t = cur;
        cur = next;
        next = t;
    }
    free(cur.v);
    free(next.v);
    return rc;
}

static int destroy_pd(cstate *c, osm_id pd)
{
    c->mark[pd] |= 1;
    if (list_push(&c->pds, pd) < 0)
        return -1;
    return delete_spaces_of(c, pd);
}

/* Does a REQUEST of `type` ask for what a deleted space provides? */
static bool type_deleted(const cstate *c, osm_id type)
{
    for (size_t i = 0; i < c->spaces.n; i++) {
        osm_id st = osm_node_data(c->s, c->spaces.v[i]);
        if (st == type || (st == c->t_ads && type == c->t_vmr && type != OSM_NONE))
            return true;
    }
    return false;
}

/* One PD round: the PDs to destroy next, found from everything deleted so
 * far.  Returns how many were added to `out`, or -1. */
static long pd_round(cstate *c, idlist *out)
{
    out->n = 0;
    for (size_t i = 0; i < c->res.n; i++)
        for (osm_id e = osm_store_first_in(c->s, c->res.v[i]); e != OSM_NONE;
             e = osm_store_next_in(c->s, e)) {
            osm_edge ed;
            osm_store_edge(c->s, e, &ed);
            if (ed.kind == OSM_HOLD && osm_node_kind(c->s, ed.from) == OSM_PD &&
                !(c->mark[ed.from] & 9) && !osm_cleanup_protected(c->s, ed.from)) {
                c->mark[ed.from] |= 8;      /* queued */
                if (list_push(out, ed.from) < 0)
                    return -1;
            }
        }
    for (size_t i = 0; i < c->pds.n; i++)
        for (osm_id e = osm_store_first_in(c->s, c->pds.v[i]); e != OSM_NONE;
             e = osm_store_next_in(c->s, e)) {
            osm_edge ed;
            osm_store_edge(c->s, e, &ed);
            if (ed.kind == OSM_REQUEST && osm_node_kind(c->s, ed.from) == OSM_PD &&
                !(c->mark[ed.from] & 9) && !osm_cleanup_protected(c->s, ed.from) &&
                type_deleted(c, ed.type)) {
                c->mark[ed.from] |= 8;
                if (list_push(out, ed.from) < 0)
                    return -1;
            }
        }
    return (long)out->n;
}

int osm_cleanup_sim(const osm_store *s, osm_id pd, uint32_t pd_depth, uint32_t rs_depth,
                    osm_cleanup_result *out)
{
    memset(out, 0, sizeof *out);
    if (!osm_node_live(s, pd) || osm_node_kind(s, pd) != OSM_PD) {
        errno = EINVAL;
        return -1;
    }
    cstate c = { .s = s, .rs_depth = rs_depth,
                 .t_ads = osm_store_type_lookup(s, "ADS"),
                 .t_vmr = osm_store_type_lookup(s, "VMR") };
    c.mark = calloc(osm_store_node_bound(s) + 1, 1);
    idlist next = { 0 };
    int rc = c.mark ? destroy_pd(&c, pd) : -1;
    for (uint32_t round = 0; round < pd_depth && !rc; round++) {
        long n = pd_round(&c, &next);
        if (n <= 0) {
            rc = (int)n;
            break;
        }
        for (size_t i = 0; i < next.n && !rc; i++)
            rc = destroy_pd(&c, next.v[i]);
    }
    free(next.v);
    free(c.mark);
    if (rc < 0) {
        free(c.pds.v), free(c.spaces.v), free(c.res.v);
        errno = ENOMEM;
        return -1;
    }
    *out = (osm_cleanup_result){ c.pds.v, c.pds.n, c.spaces.v, c.spaces.n, c.res.v, c.res.n };
    return 0;
}

void osm_cleanup_result_free(osm_cleanup_result *r)
{
    free(r->pds);
    free(r->spaces);
    free(r->resources);
    memset(r, 0, sizeof *r);
}
