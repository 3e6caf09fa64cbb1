/*
 * CellulOS CSV writer: header, nodes in index order, edges in index order.
 * Same state in, same bytes out.  Fields are quoted (RFC 4180) only when
 * they hold a comma, quote or line break, so other CSV readers agree.
 *
 * Lines are assembled in a local 64 KiB buffer and handed to stdio in
 * blocks: an extraction with a million pages writes four million lines, and
 * a stdio call per field was most of its cost; blocks larger than stdio's
 * own buffer go straight to write(2), one call per 64 KiB instead of 4 KiB.
 */
#include <string.h>

#include <osmosis/osmosis.h>

/* Lines being assembled; falls back to stdio for an overlong field. */
typedef struct csv_line {
    FILE *f;
    size_t n;
    char b[1 << 16];            /* whole 64 KiB blocks bypass stdio's 4 KiB buffer */
} csv_line;

static void line_flush(csv_line *l)
{
    if (l->n)
        fwrite(l->b, 1, l->n, l->f);
    l->n = 0;
}

static void line_put(csv_line *l, const char *s, size_t n)
{
    if (l->n + n > sizeof l->b) {
        line_flush(l);
        if (n > sizeof l->b) {
            fwrite(s, 1, n, l->f);
            return;
        }
    }
    memcpy(l->b + l->n, s, n);
    l->n += n;
}

static void line_putc(csv_line *l, char c)
{
    if (l->n == sizeof l->b)
        line_flush(l);
    l->b[l->n++] = c;
}

/* Length of s, and whether the reader would split the field or trim its
 * leading or trailing blanks (then it needs quotes). */
static size_t field_scan(const char *s, bool *quote)
{
    size_t n = strcspn(s, ",\"\r\n");   /* vectorised in libc */
    bool q = s[n] != '\0';
    if (q)
        n += strlen(s + n);
    if (n && (s[0] == ' ' || s[0] == '\t' || s[n - 1] == ' ' || s[n - 1] == '\t'))
        q = true;
    *quote = q;
    return n;
}

static void line_field(csv_line *l, const char *s)
{
    bool quote;
    size_t n = field_scan(s, &quote);
    if (!quote) {
        line_put(l, s, n);
        return;
    }
    line_putc(l, '"');
    for (; *s; s++) {
        if (*s == '"')
            line_putc(l, '"');
        line_putc(l, *s);
    }
    line_putc(l, '"');
}

static void line_str(csv_line *l, const char *s)
{
    line_put(l, s, strlen(s));
}

int osm_csv_write(const osm_store *s, FILE *f)
{
    csv_line l;
    l.f = f;
    l.n = 0;
    line_str(&l, "NODE_TYPE,NODE_ID,DATA,EDGE_TYPE,EDGE_FROM,EDGE_TO,EXTRA\n");
    for (osm_id n = osm_store_next_node(s, OSM_NONE); n != OSM_NONE;
         n = osm_store_next_node(s, n)) {
        line_str(&l, osm_kind_name(osm_node_kind(s, n)));
        line_putc(&l, ',');
        line_field(&l, osm_node_id(s, n));
        line_putc(&l, ',');
        line_field(&l, osm_node_data_name(s, n));
        line_put(&l, ",,,,", 4);
        line_field(&l, osm_node_extra(s, n));
        line_putc(&l, '\n');
    }
    osm_edge e;
    char pb[8];
    for (osm_id i = osm_store_next_edge(s, OSM_NONE); i != OSM_NONE;
         i = osm_store_next_edge(s, i)) {
        osm_store_edge(s, i, &e);
        line_put(&l, ",,", 2);
        if (e.kind == OSM_REQUEST)
            line_field(&l, osm_store_type_name(s, e.type));
        else if (e.kind == OSM_HOLD || e.kind == OSM_MAP)
            line_str(&l, osm_perms_format(e.perms, pb));
        else
            line_put(&l, "NONE", 4);
        line_putc(&l, ',');
        line_str(&l, osm_edge_kind_name((osm_edge_kind)e.kind));
        line_putc(&l, ',');
        line_field(&l, osm_node_id(s, e.from));
        line_putc(&l, ',');
        line_field(&l, osm_node_id(s, e.to));
        line_putc(&l, ',');
        line_field(&l, osm_edge_extra(s, i));
        line_putc(&l, '\n');
    }
    line_flush(&l);
    return ferror(f) ? -1 : 0;
}

void osm_csv_write_field(FILE *f, const char *s)
{
    csv_line l;
    l.f = f;
    l.n = 0;
    line_field(&l, s);
    line_flush(&l);
}
