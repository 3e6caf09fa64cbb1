/* CellulOS-specific fix-ups of imported dumps (MODEL.md §7). */
#include <osmosis/osmosis.h>

size_t osm_cellulos_add_control(osm_store *s)
{
    osm_id root = osm_store_root(s);
    if (root == OSM_NONE)
        return 0;
    /* Only when the dump has no PD -> PD HOLD at all: a dump that records
     * control says all there is to say about it. */
    osm_edge e;
    for (osm_id i = osm_store_next_edge(s, OSM_NONE); i != OSM_NONE;
         i = osm_store_next_edge(s, i)) {
        osm_store_edge(s, i, &e);
        if (e.kind == OSM_HOLD && osm_node_kind(s, e.from) == OSM_PD &&
            osm_node_kind(s, e.to) == OSM_PD)
            return 0;
    }
    size_t added = 0;
    for (osm_id n = osm_store_next_node(s, OSM_NONE); n != OSM_NONE;
         n = osm_store_next_node(s, n)) {
        if (n == root || osm_node_kind(s, n) != OSM_PD)
            continue;
        if (osm_store_add_edge(s, OSM_HOLD, root, n, OSM_PERM_R | OSM_PERM_W | OSM_PERM_T,
                               OSM_NONE, NULL) != OSM_NONE)
            added++;
    }
    return added;
}
