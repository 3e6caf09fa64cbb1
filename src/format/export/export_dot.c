/*
 * Graphviz DOT: one digraph, node shape by kind (PD box, resource ellipse,
 * space folder), node label "ID\nDATA", edge label "KIND PERMS" or
 * "REQUEST TYPE".  Every value is a quoted DOT string.
 */
#include "export_internal.h"
#include "../text.h"

/* Write `s` as the inside of a DOT double-quoted string.  Backslashes are
 * doubled so that Graphviz's label escapes (\n, \l, \N) are not triggered
 * by IDs; line breaks become \n; bytes that are not UTF-8 the text \xNN
 * (text.h), its backslash doubled like any other. */
static void put_dot(FILE *f, const char *s)
{
    char esc[5];
    for (; *s; s++) {
        size_t k = osm_text_step(s, esc);
        if (esc[0] || k > 1) {      /* not UTF-8: \\xNN; or a whole character */
            if (esc[0])
                fprintf(f, "\\\\%s", esc + 1);
            else
                fwrite(s, 1, k, f);
            s += esc[0] ? 0 : k - 1;
            continue;
        }
        if (*s == '"' || *s == '\\')
            fputc('\\', f);
        if (*s == '\n')
            fputs("\\n", f);
        else if (*s != '\r')
            fputc(*s, f);
    }
}

static const char *const shapes[OSM_KIND_COUNT] = { "box", "ellipse", "folder" };
static const char *const fills[OSM_KIND_COUNT] = { "#f4c7a1", "#cfe2f3", "#d9ead3" };

static void write_node(FILE *f, const osm_store *s, osm_id n)
{
    osm_kind k = osm_node_kind(s, n);
    fputs("  \"", f);
    put_dot(f, osm_node_id(s, n));
    fprintf(f, "\" [shape=%s, fillcolor=\"%s\", kind=\"%s\", label=\"", shapes[k], fills[k],
            osm_kind_name(k));
    put_dot(f, osm_node_id(s, n));
    fputs("\\n", f);
    put_dot(f, osm_node_data_name(s, n));
    fputs("\"];\n", f);
}

static void write_edge(FILE *f, const osm_store *s, osm_id i)
{
    osm_edge e;
    char b[8];
    osm_store_edge(s, i, &e);
    const char *kind = osm_edge_kind_name((osm_edge_kind)e.kind);
    fputs("  \"", f);
    put_dot(f, osm_node_id(s, e.from));
    fputs("\" -> \"", f);
    put_dot(f, osm_node_id(s, e.to));
    fprintf(f, "\" [kind=\"%s\", label=\"%s", kind, kind);
    const char *detail = e.kind == OSM_REQUEST ? osm_export_edge_data(s, &e, b)
                                                : osm_export_edge_perms(&e, b);
    if (*detail) {
        fputc(' ', f);
        put_dot(f, detail);
    }
    fputs(e.kind == OSM_SUBSET || e.kind == OSM_CREATEDBY ? "\", style=dashed];\n" : "\"];\n", f);
}

int osm_export_dot(const osm_store *s, FILE *f)
{
    osm_export_order o;
    if (osm_export_order_build(s, &o) < 0)
        return -1;
    fputs("digraph osmosis {\n"
          "  graph [rankdir=LR];\n"
          "  node [style=filled, fontname=\"Helvetica\", fontsize=10];\n"
          "  edge [fontname=\"Helvetica\", fontsize=8];\n", f);
    for (size_t i = 0; i < o.n_nodes; i++)
        write_node(f, s, o.nodes[i]);
    for (size_t i = 0; i < o.n_edges; i++)
        write_edge(f, s, o.edges[i]);
    fputs("}\n", f);
    osm_export_order_free(&o);
    return ferror(f) ? -1 : 0;
}
