/*
 * networkx node-link JSON (nx.node_link_data / nx.node_link_graph with the
 * default attribute names): {"directed", "multigraph", "graph", "nodes",
 * "links"}.  The graph is a MultiDiGraph because two PDs may be joined by
 * several REQUEST edges (one per type); each link carries a "key" (its
 * position in the export) so parallel edges stay apart.
 */
#include "export_internal.h"

static void write_node(osm_json *j, const osm_store *s, osm_id n)
{
    osm_json_begin_object(j);
    osm_json_key(j, "id");
    osm_json_string(j, osm_node_id(s, n));
    osm_json_key(j, "type");
    osm_json_string(j, osm_kind_name(osm_node_kind(s, n)));
    osm_json_key(j, "data");
    osm_json_string(j, osm_node_data_name(s, n));
    osm_json_key(j, "extra");
    osm_json_string(j, osm_node_extra(s, n));
    osm_json_end_object(j);
}

static void write_link(osm_json *j, const osm_store *s, osm_id i, uint64_t key)
{
    osm_edge e;
    char b1[8], b2[8];
    osm_store_edge(s, i, &e);
    osm_json_begin_object(j);
    osm_json_key(j, "source");
    osm_json_string(j, osm_node_id(s, e.from));
    osm_json_key(j, "target");
    osm_json_string(j, osm_node_id(s, e.to));
    osm_json_key(j, "key");
    osm_json_uint(j, key);
    osm_json_key(j, "type");
    osm_json_string(j, osm_edge_kind_name((osm_edge_kind)e.kind));
    osm_json_key(j, "data");
    osm_json_string(j, osm_export_edge_data(s, &e, b1));
    osm_json_key(j, "perms");
    osm_json_string(j, osm_export_edge_perms(&e, b2));
    osm_json_key(j, "extra");
    osm_json_string(j, osm_edge_extra(s, i));
    osm_json_end_object(j);
}

int osm_export_json(const osm_store *s, FILE *f)
{
    osm_export_order o;
    if (osm_export_order_build(s, &o) < 0)
        return -1;
    osm_json j;
    /* Compact, like json.dump(nx.node_link_data(G)): a 1M-edge state would
     * otherwise spend most of its bytes on indentation. */
    osm_json_init(&j, f, false);
    osm_json_begin_object(&j);
    osm_json_key(&j, "directed");
    osm_json_bool(&j, true);
    osm_json_key(&j, "multigraph");
    osm_json_bool(&j, true);
    osm_json_key(&j, "graph");
    osm_json_begin_object(&j);
    osm_json_key(&j, "generator");
    osm_json_string(&j, "osmosis " OSMOSIS_VERSION);
    osm_json_end_object(&j);
    osm_json_key(&j, "nodes");
    osm_json_begin_array(&j);
    for (size_t i = 0; i < o.n_nodes; i++)
        write_node(&j, s, o.nodes[i]);
    osm_json_end_array(&j);
    osm_json_key(&j, "links");
    osm_json_begin_array(&j);
    for (size_t i = 0; i < o.n_edges; i++)
        write_link(&j, s, o.edges[i], i);
    osm_json_end_array(&j);
    osm_json_end_object(&j);
    osm_json_finish(&j);
    osm_export_order_free(&o);
    return ferror(f) ? -1 : 0;
}
