/*
 * Shared by the exporters (export_*.c): the canonical order of a state's
 * nodes and edges, and the per-edge fields every format writes.
 */
#ifndef OSM_EXPORT_INTERNAL_H
#define OSM_EXPORT_INTERNAL_H

#include <osmosis/osmosis.h>

/* Live nodes sorted by ID; live edges sorted by (source ID, target ID, kind,
 * request type name, index).  Independent of the order the state was read
 * in, so exports are byte-stable. */
typedef struct osm_export_order {
    osm_id *nodes;          /* [n_nodes] */
    size_t n_nodes;
    osm_id *edges;          /* [n_edges] */
    size_t n_edges;
} osm_export_order;

/* 0, or -1 on ENOMEM. */
int osm_export_order_build(const osm_store *s, osm_export_order *o);
void osm_export_order_free(osm_export_order *o);

/* The CSV DATA column of an edge: the request type for REQUEST edges,
 * permission letters ("NONE" = unrestricted) for HOLD/MAP, else "NONE".
 * `buf` holds the letters. */
const char *osm_export_edge_data(const osm_store *s, const osm_edge *e, char buf[8]);
/* The permission letters for HOLD/MAP edges ("" when unrestricted or for
 * other kinds). */
const char *osm_export_edge_perms(const osm_edge *e, char buf[8]);

/* The page count in a VMR or MO node's EXTRA; false for other nodes. */
bool osm_export_node_pages(const osm_store *s, osm_id n, uint64_t *pages);

#endif
