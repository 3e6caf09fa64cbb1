/*
 * The store's nodes and edges as the extractor makes them: find-or-create
 * nodes, holds whose permissions merge, membership resources, SUBSET and
 * MAP (with the space MAP rule 5 asks for).  Below every other part of the
 * extractor (build, control, mounts, pools call these; these call only
 * libosmosis), so that no two of them need each other.
 */
#include <stdio.h>

#include "linux_internal.h"

osm_id lx_node(lx_ctx *c, osm_kind kind, const char *id, const char *type, const char *extra)
{
    osm_id n = osm_store_find(c->s, id);
    if (n != OSM_NONE)
        return n;
    return osm_store_add_node(c->s, kind, id, type, extra);
}

int lx_hold_new(lx_ctx *c, osm_id from, osm_id to, uint8_t perms)
{
    return osm_store_add_edge(c->s, OSM_HOLD, from, to, perms, OSM_NONE, NULL) == OSM_NONE ? -1 : 0;
}

int lx_hold(lx_ctx *c, osm_id from, osm_id to, uint8_t perms)
{
    osm_id e = osm_store_find_edge(c->s, OSM_HOLD, from, to, OSM_NONE);
    if (e == OSM_NONE)
        return lx_hold_new(c, from, to, perms);
    osm_edge ed;
    osm_store_edge(c->s, e, &ed);
    if ((ed.perms & OSM_PERM_RWXT) && (perms & OSM_PERM_RWXT))
        osm_edge_set_perms(c->s, e, ed.perms | perms);
    else                        /* either is unrestricted: so is the union */
        osm_edge_set_perms(c->s, e, (uint8_t)((ed.perms | perms) & ~OSM_PERM_RWXT));
    return 0;
}

int lx_member(lx_ctx *c, const osm_lx_proc *p, osm_id space)
{
    char id[OSM_LX_PATH_MAX + 256];
    snprintf(id, sizeof id, "%s#%d", osm_node_id(c->s, space), p->pid);
    if (osm_store_find(c->s, id) != OSM_NONE)
        return 0;
    osm_id r = osm_store_add_node(c->s, OSM_RESOURCE, id, osm_node_data_name(c->s, space), NULL);
    if (r == OSM_NONE || lx_subset(c, r, space) < 0)
        return -1;
    for (size_t t = 0; t < p->n_pd; t++)
        if (lx_hold_new(c, p->pd[t], r, 0) < 0)
            return -1;
    return 0;
}

int lx_subset(lx_ctx *c, osm_id r, osm_id space)
{
    return osm_store_add_edge(c->s, OSM_SUBSET, r, space, 0, OSM_NONE, NULL) == OSM_NONE ? -1 : 0;
}

int lx_map(lx_ctx *c, osm_id r, osm_id rspace, osm_id q, osm_id qspace, uint8_t perms)
{
    if (osm_store_add_edge(c->s, OSM_MAP, r, q, perms, OSM_NONE, NULL) == OSM_NONE)
        return -1;
    if (osm_store_find_edge(c->s, OSM_MAP, rspace, qspace, OSM_NONE) != OSM_NONE)
        return 0;
    return osm_store_add_edge(c->s, OSM_MAP, rspace, qspace, 0, OSM_NONE, NULL) == OSM_NONE ? -1 : 0;
}
