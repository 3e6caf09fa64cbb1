/*
 * CellulOS CSV writer: header, nodes in index order, edges in index order.
 * Same state in, same bytes out.  Fields are quoted (RFC 4180) only when
 * they hold a comma, quote or line break, so other CSV readers agree.
 */
#include <string.h>

#include <osmosis/osmosis.h>

/* Quote when the reader would otherwise split the field, or trim its
 * leading or trailing blanks. */
static bool needs_quotes(const char *s)
{
    size_t n = strlen(s);
    return strpbrk(s, ",\"\r\n") || (n && (s[0] == ' ' || s[0] == '\t' ||
                                             s[n - 1] == ' ' || s[n - 1] == '\t'));
}

static void put_field(FILE *f, const char *s)
{
    if (!needs_quotes(s)) {
        fputs(s, f);
        return;
    }
    fputc('"', f);
    for (; *s; s++) {
        if (*s == '"')
            fputc('"', f);
        fputc(*s, f);
    }
    fputc('"', f);
}

int osm_csv_write(const osm_store *s, FILE *f)
{
    fputs("NODE_TYPE,NODE_ID,DATA,EDGE_TYPE,EDGE_FROM,EDGE_TO,EXTRA\n", f);
    for (osm_id n = osm_store_next_node(s, OSM_NONE); n != OSM_NONE;
         n = osm_store_next_node(s, n)) {
        fputs(osm_kind_name(osm_node_kind(s, n)), f);
        fputc(',', f);
        put_field(f, osm_node_id(s, n));
        fputc(',', f);
        put_field(f, osm_node_data_name(s, n));
        fputs(",,,,", f);
        put_field(f, osm_node_extra(s, n));
        fputc('\n', f);
    }
    osm_edge e;
    char pb[8];
    for (osm_id i = osm_store_next_edge(s, OSM_NONE); i != OSM_NONE;
         i = osm_store_next_edge(s, i)) {
        osm_store_edge(s, i, &e);
        fputs(",,", f);
        if (e.kind == OSM_REQUEST)
            put_field(f, osm_store_type_name(s, e.type));
        else if (e.kind == OSM_HOLD || e.kind == OSM_MAP)
            fputs(osm_perms_format(e.perms, pb), f);
        else
            fputs("NONE", f);
        fputc(',', f);
        fputs(osm_edge_kind_name((osm_edge_kind)e.kind), f);
        fputc(',', f);
        put_field(f, osm_node_id(s, e.from));
        fputc(',', f);
        put_field(f, osm_node_id(s, e.to));
        fputc(',', f);
        put_field(f, osm_edge_extra(s, i));
        fputc('\n', f);
    }
    return ferror(f) ? -1 : 0;
}

void osm_csv_write_field(FILE *f, const char *s)
{
    put_field(f, s);
}
