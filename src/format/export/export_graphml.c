/*
 * GraphML (http://graphml.graphdrawing.org/): typed <key> declarations, then
 * nodes and edges with <data> children.  Edges carry id="eN" (their position
 * in the export), which nx.read_graphml uses as the multigraph key.
 */
#include "export_internal.h"
#include "../text.h"

/* Write `s` as XML character data.  What XML 1.0 cannot carry at all (C0
 * controls other than tab, LF, CR; U+FFFE and U+FFFF) and bytes that are
 * not UTF-8 are written as the text \xNN (text.h); tab, LF and CR become
 * character references so that parsers do not normalise them away. */
static void put_xml(FILE *f, const char *s)
{
    char esc[5];
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        size_t k = osm_text_step(s, esc);
        bool nonchar = k == 3 && c == 0xef && (unsigned char)s[1] == 0xbf &&
                       (unsigned char)s[2] >= 0xbe;
        if (nonchar || (c < 0x20 && c != '\t' && c != '\n' && c != '\r'))
            snprintf(esc, sizeof esc, "\\x%02x", c);
        if (esc[0]) {
            fputs(esc, f);
            continue;
        }
        if (k > 1) {
            fwrite(s, 1, k, f);
            s += k - 1;
            continue;
        }
        switch (c) {
        case '&': fputs("&amp;", f); break;
        case '<': fputs("&lt;", f); break;
        case '>': fputs("&gt;", f); break;
        case '"': fputs("&quot;", f); break;
        case '\t': case '\n': case '\r': fprintf(f, "&#%u;", c); break;
        default:
            if (c >= 0x20)
                fputc(c, f);
        }
    }
}

static void put_data(FILE *f, const char *key, const char *value)
{
    if (!*value)
        return;     /* absent = the key's empty default */
    fprintf(f, "<data key=\"%s\">", key);
    put_xml(f, value);
    fputs("</data>", f);
}

static const char keys[] =
    "  <key id=\"nt\" for=\"node\" attr.name=\"type\" attr.type=\"string\"><default></default></key>\n"
    "  <key id=\"nd\" for=\"node\" attr.name=\"data\" attr.type=\"string\"><default></default></key>\n"
    "  <key id=\"nx\" for=\"node\" attr.name=\"extra\" attr.type=\"string\"><default></default></key>\n"
    "  <key id=\"et\" for=\"edge\" attr.name=\"type\" attr.type=\"string\"><default></default></key>\n"
    "  <key id=\"ed\" for=\"edge\" attr.name=\"data\" attr.type=\"string\"><default></default></key>\n"
    "  <key id=\"ep\" for=\"edge\" attr.name=\"perms\" attr.type=\"string\"><default></default></key>\n"
    "  <key id=\"ex\" for=\"edge\" attr.name=\"extra\" attr.type=\"string\"><default></default></key>\n";

int osm_export_graphml(const osm_store *s, FILE *f)
{
    osm_export_order o;
    if (osm_export_order_build(s, &o) < 0)
        return -1;
    fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
          "<graphml xmlns=\"http://graphml.graphdrawing.org/xmlns\""
          " xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\""
          " xsi:schemaLocation=\"http://graphml.graphdrawing.org/xmlns"
          " http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd\">\n", f);
    fputs(keys, f);
    fputs("  <graph id=\"osmosis\" edgedefault=\"directed\">\n", f);
    for (size_t i = 0; i < o.n_nodes; i++) {
        osm_id n = o.nodes[i];
        fputs("    <node id=\"", f);
        put_xml(f, osm_node_id(s, n));
        fputs("\">", f);
        put_data(f, "nt", osm_kind_name(osm_node_kind(s, n)));
        put_data(f, "nd", osm_node_data_name(s, n));
        put_data(f, "nx", osm_node_extra(s, n));
        fputs("</node>\n", f);
    }
    osm_edge e;
    char b1[8], b2[8];
    for (size_t i = 0; i < o.n_edges; i++) {
        osm_store_edge(s, o.edges[i], &e);
        fprintf(f, "    <edge id=\"e%zu\" source=\"", i);
        put_xml(f, osm_node_id(s, e.from));
        fputs("\" target=\"", f);
        put_xml(f, osm_node_id(s, e.to));
        fputs("\">", f);
        put_data(f, "et", osm_edge_kind_name((osm_edge_kind)e.kind));
        put_data(f, "ed", osm_export_edge_data(s, &e, b1));
        put_data(f, "ep", osm_export_edge_perms(&e, b2));
        put_data(f, "ex", osm_edge_extra(s, o.edges[i]));
        fputs("</edge>\n", f);
    }
    fputs("  </graph>\n</graphml>\n", f);
    osm_export_order_free(&o);
    return ferror(f) ? -1 : 0;
}
