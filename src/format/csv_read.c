/*
 * CellulOS CSV reader (MODEL.md §2).
 *
 * Real dumps are console captures: log lines, prompts, repeated headers, CR
 * or CRLF line ends, blank lines, edges naming nodes declared later, nodes
 * declared twice.  We make two passes over the input: pass 1 declares every
 * node (rows not starting with ','), pass 2 adds every edge (rows starting
 * with ',', from the first one on), so forward references resolve without
 * buffering rows.  A regular file is streamed twice through a window
 * (csv_lines.c) rather than held whole: a 10M-edge dump is 350 MB of text
 * against ~500 MB of store.  Pipes are read into memory first.  Every unusable line is reported with its number;
 * nothing usable is dropped.
 *
 * Hand-written rather than libcsv & co.: the last column takes the rest of
 * the line when unquoted (old generators wrote Python dicts with commas
 * there), and the hot loop must run at memchr speed for 10M-edge states.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <osmosis/osmosis.h>

#include "csv_lines.h"
#include "file_read.h"
#include "text.h"

enum { F_KIND, F_ID, F_DATA, F_EDGE, F_FROM, F_TO, F_EXTRA, NFIELDS };

typedef struct field {
    const char *p;
    size_t n;
    char *owned;        /* unescaped copy of a quoted field, or NULL */
} field;

/* The last ID seen in an endpoint column and its node: dumps list the
 * edges of one node together, so most lookups repeat the previous row's. */
typedef struct id_cache {
    char key[48];       /* a copy: the input window moves */
    size_t n;           /* 0: empty (IDs are never empty) */
    osm_id id;
} id_cache;

typedef struct reader {
    osm_store *s;
    const char *name;
    osm_diags *d;
    osm_csv_stats *st;
    osm_severity row_sev;
    bool ctl;               /* the last split saw a control or NUL byte */
    bool high;              /* ... or a byte >= 0x80 (then UTF-8 is checked) */
    field f[NFIELDS];
    int nf;
    id_cache ends[2];       /* EDGE_FROM, EDGE_TO */
    size_t edge_lines;      /* lines starting with ',' (pass 1 counts them) */
    uint64_t first_edge_off;    /* where pass 2 starts, with its line number */
    uint64_t first_edge_line;
} reader;

/* Byte classes for the field scanner: a comma ends a field; control bytes
 * (tab aside) and NUL make a row unusable; a high byte may start UTF-8
 * that is not valid (a warning, see utf8_check). */
enum { B_COMMA = 1, B_CTRL = 2, B_HIGH = 4 };
static const uint8_t byte_class[256] = {
    [0 ... 8] = B_CTRL, [10 ... 31] = B_CTRL, [','] = B_COMMA, [0x80 ... 0xff] = B_HIGH,
};

/* Show at most 40 bytes of a line, with non-printable bytes as '?'. */
static const char *preview(const char *p, size_t n, char buf[48])
{
    size_t k = n > 40 ? 40 : n;
    for (size_t i = 0; i < k; i++)
        buf[i] = (p[i] >= 0x20 && p[i] < 0x7f) ? p[i] : '?';
    if (n > 40) {
        memcpy(buf + 40, "...", 4);
    } else {
        buf[k] = '\0';
    }
    return buf;
}

static void clear_fields(reader *r)
{
    for (int i = 0; i < r->nf; i++)
        free(r->f[i].owned);
    memset(r->f, 0, sizeof r->f);
    r->nf = 0;
}

static void trim(const char **p, size_t *n)
{
    while (*n && (**p == ' ' || **p == '\t')) {
        (*p)++;
        (*n)--;
    }
    while (*n && ((*p)[*n - 1] == ' ' || (*p)[*n - 1] == '\t'))
        (*n)--;
}

/* Parse a quoted field starting at q (on the opening quote) and ending
 * before `e`.  Returns the position after the closing quote, or NULL if the
 * quote does not close on this line. */
static const char *parse_quoted(const char *q, const char *e, field *f)
{
    size_t cap = (size_t)(e - q);
    char *buf = malloc(cap + 1), *o = buf;
    if (!buf)
        return NULL;
    for (const char *p = q + 1; p < e; p++) {
        if (*p == '"') {
            if (p + 1 < e && p[1] == '"') {
                *o++ = '"';
                p++;
                continue;
            }
            *o = '\0';
            f->owned = buf;
            f->p = buf;
            f->n = (size_t)(o - buf);
            return p + 1;
        }
        *o++ = *p;
    }
    free(buf);
    return NULL;
}

/* Note in r what a quoted field holds: control bytes, high bytes. */
static void scan_quoted(reader *r, const field *f)
{
    for (size_t i = 0; i < f->n; i++) {
        unsigned char c = (unsigned char)f->p[i];
        r->ctl |= c < 0x20 && c != '\t';
        r->high |= c >= 0x80;
    }
}

/* Split [p, e) into at most NFIELDS fields; the last field takes the rest of
 * the line when unquoted.  Returns the field count, or -1 on a bad quote. */
static int split(reader *r, const char *p, const char *e)
{
    clear_fields(r);
    r->ctl = r->high = false;
    for (;;) {
        field *f = &r->f[r->nf++];
        const char *s = p;
        while (s < e && (*s == ' ' || *s == '\t'))
            s++;
        if (s < e && *s == '"') {
            const char *after = parse_quoted(s, e, f);
            if (!after)
                return -1;
            scan_quoted(r, f);
            while (after < e && (*after == ' ' || *after == '\t'))
                after++;
            if (after == e)
                return r->nf;
            if (*after != ',' || r->nf == NFIELDS)
                return -1;
            p = after + 1;
            continue;
        }
        /* Unquoted: up to the next comma (the last field: the rest of the
         * line), noting control bytes on the way. */
        const char *c = p;
        uint8_t seen = 0, stop = r->nf == NFIELDS ? 0 : B_COMMA;
        while (c < e) {
            uint8_t b = byte_class[(uint8_t)*c];
            if (b & stop)
                break;
            seen |= b;
            c++;
        }
        r->ctl |= (seen & B_CTRL) != 0;
        r->high |= (seen & B_HIGH) != 0;
        f->p = p;
        f->n = (size_t)(c - p);
        trim(&f->p, &f->n);
        if (c == e)
            return r->nf;
        p = c + 1;
    }
}

static bool is_kind_word(const field *f)
{
    return osm_kind_parse(f->p, f->n) >= 0 || (f->n == 9 && !memcmp(f->p, "NODE_TYPE", 9));
}

/* Classify a line that did not split into a usable row.  Console noise
 * (anything that does not look like a CSV row of ours) and broken rows are
 * both reported; they are counted apart. */
static void report_line(reader *r, uint64_t line, const char *p, size_t n, const char *why)
{
    char pv[48];
    bool csvish = r->nf >= 2 && (is_kind_word(&r->f[0]) || r->f[0].n == 0);
    if (!why && !csvish) {
        r->st->noise++;
        osm_diags_add(r->d, r->row_sev, 0, line, "not a CSV row, skipped: \"%s\"",
                      preview(p, n, pv));
        return;
    }
    r->st->bad_rows++;
    osm_diags_add(r->d, r->row_sev, 0, line, "%s: \"%s\"", why ? why : "unusable row",
                  preview(p, n, pv));
}

static char *dupfield(const field *f)
{
    char *s = malloc(f->n + 1);
    if (s) {
        memcpy(s, f->p, f->n);
        s[f->n] = '\0';
    }
    return s;
}

/* A node declared again: same kind required; the first DATA and the first
 * non-empty EXTRA win.  Returns 0 when merged. */
static int merge_node(reader *r, osm_id n, int kind, uint64_t line, const char *lp, size_t ln)
{
    char pv[48];
    osm_store *s = r->s;
    const field *data = &r->f[F_DATA], *ex = r->nf > F_EXTRA ? &r->f[F_EXTRA] : NULL;
    const char *ot = osm_node_data_name(s, n);
    if ((int)osm_node_kind(s, n) != kind) {
        report_line(r, line, lp, ln, "node declared before with another kind");
        return -1;
    }
    if (strlen(ot) != data->n || memcmp(ot, data->p, data->n))
        osm_diags_add(r->d, OSM_WARNING, 0, line,
                      "node %s repeated with DATA '%s' (first said '%s'); keeping the first",
                      osm_node_id(s, n), preview(data->p, data->n, pv), ot);
    if (ex && ex->n && !*osm_node_extra(s, n)) {
        char *e = dupfield(ex);
        int rc = e ? osm_node_set_extra(s, n, e) : -1;
        free(e);
        if (rc < 0) {
            osm_diags_add(r->d, OSM_ERROR, 0, line, "out of memory");
            return -1;
        }
    }
    r->st->nodes_merged++;
    r->st->node_rows[kind]++;
    return 0;
}

/* Pass 1: a node row.  Returns 0 when used. */
static int node_row(reader *r, uint64_t line, const char *lp, size_t ln)
{
    int kind = osm_kind_parse(r->f[F_KIND].p, r->f[F_KIND].n);
    const field *id = &r->f[F_ID], *data = &r->f[F_DATA];
    if (id->n == 0) {
        report_line(r, line, lp, ln, "node row without a NODE_ID");
        return -1;
    }
    if (kind != OSM_PD && data->n == 0) {
        report_line(r, line, lp, ln, "resource or space row without a type in DATA");
        return -1;
    }
    if (r->f[F_EDGE].n || r->f[F_FROM].n || r->f[F_TO].n) {
        report_line(r, line, lp, ln, "node row with edge columns filled");
        return -1;
    }
    const field *ex = r->nf > F_EXTRA ? &r->f[F_EXTRA] : NULL;
    osm_store *s = r->s;
    /* Add first: one hash probe for the common case of a new node. */
    osm_id t = osm_store_intern(s, data->p, data->n);
    osm_id n = t == OSM_NONE ? OSM_NONE
                             : osm_store_add_node_n(s, (osm_kind)kind, id->p, id->n, t,
                                                    ex ? ex->p : NULL, ex ? ex->n : 0);
    if (n == OSM_NONE && t != OSM_NONE && errno == EEXIST)
        return merge_node(r, osm_store_find_n(s, id->p, id->n), kind, line, lp, ln);
    if (n == OSM_NONE) {
        osm_diags_add(r->d, OSM_ERROR, 0, line, "out of memory");
        return -1;
    }
    r->st->node_rows[kind]++;
    r->st->nodes_new[kind]++;
    return 0;
}

/* Permissions from an old-style EXTRA dict: {'perms': 'RW', ...}. */
static int perms_from_dict(const field *ex, uint8_t *out)
{
    static const char key[] = "'perms':";
    if (!ex || ex->n < sizeof key)
        return -1;
    const char *k = memmem(ex->p, ex->n, key, sizeof key - 1);
    if (!k)
        return -1;
    const char *p = k + sizeof key - 1, *e = ex->p + ex->n;
    while (p < e && *p == ' ')
        p++;
    if (p >= e || (*p != '\'' && *p != '"'))
        return -1;
    const char *q = memchr(p + 1, *p, (size_t)(e - p - 1));
    if (!q)
        return -1;
    return osm_perms_parse(p + 1, (size_t)(q - p - 1), out);
}

/* Look an endpoint up, trying the previous row's first. */
static osm_id find_cached(reader *r, id_cache *c, const field *f)
{
    if (c->n == f->n && memcmp(c->key, f->p, f->n) == 0)
        return c->id;
    osm_id id = osm_store_find_n(r->s, f->p, f->n);
    if (id != OSM_NONE && f->n <= sizeof c->key) {
        memcpy(c->key, f->p, f->n);
        c->n = f->n;
        c->id = id;
    }
    return id;
}

/* Pass 2: an edge row. */
static int edge_row(reader *r, uint64_t line, const char *lp, size_t ln)
{
    char msg[160], pv[48];
    const field *fk = &r->f[F_EDGE], *data = &r->f[F_DATA];
    int kind = osm_edge_kind_parse(fk->p, fk->n);
    if (kind < 0) {
        snprintf(msg, sizeof msg, "unknown edge kind '%s'", preview(fk->p, fk->n, pv));
        report_line(r, line, lp, ln, msg);
        return -1;
    }
    osm_store *s = r->s;
    osm_id ends[2];
    for (int i = 0; i < 2; i++) {
        const field *f = &r->f[F_FROM + i];
        if (f->n == 0) {
            report_line(r, line, lp, ln, i ? "edge without EDGE_TO" : "edge without EDGE_FROM");
            return -1;
        }
        ends[i] = find_cached(r, &r->ends[i], f);
        if (ends[i] == OSM_NONE) {
            snprintf(msg, sizeof msg, "edge names node '%s', which is never declared",
                     preview(f->p, f->n, pv));
            report_line(r, line, lp, ln, msg);
            return -1;
        }
    }
    const field *ex = r->nf > F_EXTRA ? &r->f[F_EXTRA] : NULL;
    uint8_t perms = 0;
    osm_id type = OSM_NONE;
    if (kind == OSM_REQUEST) {
        if (data->n == 0 || (data->n == 4 && !memcmp(data->p, "NONE", 4))) {
            report_line(r, line, lp, ln, "REQUEST edge without a resource type in DATA");
            return -1;
        }
        type = osm_store_intern(s, data->p, data->n);
    } else if (kind == OSM_HOLD || kind == OSM_MAP) {
        if (osm_perms_parse(data->p, data->n, &perms) < 0) {
            snprintf(msg, sizeof msg, "bad permission letters '%s'",
                     preview(data->p, data->n, pv));
            report_line(r, line, lp, ln, msg);
            return -1;
        }
        if (perms == 0)
            (void)perms_from_dict(ex, &perms);
    }
    char *extra = ex && ex->n ? dupfield(ex) : NULL;
    osm_id e = osm_store_add_edge(s, (osm_edge_kind)kind, ends[0], ends[1], perms, type, extra);
    free(extra);
    if (e == OSM_NONE) {
        osm_diags_add(r->d, OSM_ERROR, 0, line, "out of memory");
        return -1;
    }
    r->st->edge_rows[kind]++;
    return 0;
}

/* Each pass reports in line order; merge the two runs [first, mid) and
 * [mid, n) stably so messages come out in line order, pass 1 first on a tie. */
static void merge_diags(osm_diags *d, size_t first, size_t mid)
{
    size_t n = d->n - first;
    if (mid == first || mid == d->n)
        return;
    osm_diag *tmp = malloc(n * sizeof *tmp);
    if (!tmp)
        return;                 /* keep pass order: still complete */
    size_t i = first, j = mid, k = 0;
    while (i < mid || j < d->n)
        tmp[k++] = (j == d->n || (i < mid && d->v[i].line <= d->v[j].line)) ? d->v[i++]
                                                                              : d->v[j++];
    memcpy(d->v + first, tmp, n * sizeof *tmp);
    free(tmp);
}

/* Warn (file:line) about the first field of a used row that is not valid
 * UTF-8: it is kept as it is, and exports write its stray bytes as \xNN
 * (text.h, docs/format.md). */
static void utf8_check(reader *r, uint64_t line)
{
    static const char *const names[NFIELDS] = { "NODE_TYPE", "NODE_ID", "DATA", "EDGE_TYPE",
                                                "EDGE_FROM", "EDGE_TO", "EXTRA" };
    for (int i = 0; i < r->nf; i++) {
        size_t at = osm_utf8_invalid_at(r->f[i].p, r->f[i].n);
        if (at < r->f[i].n) {
            osm_diags_add(r->d, OSM_WARNING, 0, line,
                          "%s is not valid UTF-8 (byte %zu of the field is 0x%02x): kept as "
                          "it is; exports write such bytes as \\x%02x",
                          names[i], at + 1, (unsigned char)r->f[i].p[at],
                          (unsigned char)r->f[i].p[at]);
            return;
        }
    }
}

/* Handle one line of a pass; returns 1 when it was a usable row. */
static int pass_line(reader *r, uint64_t line, const char *p, const char *e, bool edges)
{
    size_t n = (size_t)(e - p);
    if (!edges) {
        const char *q = p;
        while (q < e && (*q == ' ' || *q == '\t'))
            q++;
        if (q == e) {
            r->st->blank++;
            return 0;
        }
    }
    int nf = split(r, p, e);
    if (nf < 0) {
        clear_fields(r);   /* frees the fields parsed before the bad quote */
        report_line(r, line, p, n, "unbalanced quotes");
        return 0;
    }
    if (!edges && r->f[F_KIND].n == 9 && !memcmp(r->f[F_KIND].p, "NODE_TYPE", 9)) {
        r->st->headers++;
        return 0;
    }
    bool known = edges ? (nf >= 2 && r->f[F_ID].n == 0) : is_kind_word(&r->f[F_KIND]);
    if (!known || nf < 2) {
        if (!edges && nf >= 7) {
            char msg[96], pv[48];
            snprintf(msg, sizeof msg, "unknown node kind '%s'",
                     preview(r->f[F_KIND].p, r->f[F_KIND].n, pv));
            report_line(r, line, p, n, msg);
        } else {
            report_line(r, line, p, n, NULL);
        }
        return 0;
    }
    if (r->ctl) {
        report_line(r, line, p, n, "control or NUL bytes in a field");
        return 0;
    }
    if (nf < 6) {
        char msg[64];
        snprintf(msg, sizeof msg, "truncated row: %d of 7 columns", nf);
        report_line(r, line, p, n, msg);
        return 0;
    }
    int used = (edges ? edge_row(r, line, p, n) : node_row(r, line, p, n)) == 0;
    if (used && r->high)
        utf8_check(r, line);
    return used;
}

/* One pass: edges == false declares nodes, classifies every other line and
 * notes where the first edge line is; edges == true adds the edges, from
 * there on.  -1 on a read error (reported). */
static int64_t pass(reader *r, osm_lines *l, bool edges)
{
    size_t used = 0;
    uint64_t line = 0;
    const char *p, *e;
    if (edges) {                /* nothing before the first edge line is ours */
        if (!r->edge_lines)
            return 0;
        if (osm_lines_seek(l, r->first_edge_off) < 0) {
            osm_diags_add(r->d, OSM_ERROR, 0, 0, "cannot reread: %s", strerror(errno));
            return -1;
        }
        line = r->first_edge_line - 1;
    }
    while (osm_lines_next(l, &p, &e)) {
        line++;
        bool edge_line = e > p && p[0] == ',';
        if (edge_line != edges) {
            if (edge_line && !r->edge_lines++) {
                r->first_edge_off = l->line_off;
                r->first_edge_line = line;
            }
            continue;
        }
        used += (size_t)pass_line(r, line, p, e, edges);
    }
    clear_fields(r);
    if (l->err) {
        osm_diags_add(r->d, OSM_ERROR, 0, line + 1, "cannot read: %s", strerror(l->err));
        return -1;
    }
    if (!edges)
        r->st->lines = line;
    return (int64_t)used;
}

/* Both passes over `l`. */
static int read_lines(osm_store *s, osm_lines *l, const char *name, const osm_csv_opts *opts,
                      osm_diags *d, osm_csv_stats *st)
{
    osm_csv_stats local;
    if (!st)
        st = &local;
    memset(st, 0, sizeof *st);
    reader r = { .s = s, .name = name, .d = d, .st = st,
                 .row_sev = opts && opts->strict ? OSM_ERROR : OSM_WARNING };
    size_t first = d->n;
    int64_t used = pass(&r, l, false);
    if (used < 0)
        return -1;
    size_t mid = d->n;
    /* Pass 1 counted the edge lines: size the edge array once. */
    if (osm_store_reserve(s, 0, osm_store_edge_bound(s) + r.edge_lines) < 0) {
        osm_diags_add(d, OSM_ERROR, 0, 0, "out of memory reserving %zu edges", r.edge_lines);
        return -1;
    }
    int64_t used2 = pass(&r, l, true);
    if (used2 < 0)
        return -1;
    merge_diags(d, first, mid);
    if (used + used2 == 0) {
        if (d->n >= d->limit)   /* the verdict must not be the message dropped */
            d->limit = d->n + 1;
        osm_diags_add(d, OSM_ERROR, 0, 0,
                      st->lines ? "no usable row in the input" : "empty input");
        return -1;
    }
    return 0;
}

int osm_csv_read_buffer(osm_store *s, const char *buf, size_t len, const char *name,
                        const osm_csv_opts *opts, osm_diags *d, osm_csv_stats *st)
{
    osm_lines l;
    osm_lines_open_mem(&l, buf, len);
    return read_lines(s, &l, name, opts, d, st);
}

/* Input that cannot be reread (a pipe on standard input) is held in
 * memory whole; beyond this it is refused (a file is streamed instead). */
#define CSV_PIPE_CAP ((size_t)1 << 30)

/* Read a file that is not seekable (a pipe, a terminal) through memory. */
static int read_unseekable(osm_store *s, int fd, const char *path, const osm_csv_opts *opts,
                           osm_diags *d, osm_csv_stats *st)
{
    size_t len = 0;
    char why[160];
    char *buf = osm_fd_read_all(fd, CSV_PIPE_CAP, "CSV read from a pipe (save it to a file)",
                                &len, why, sizeof why);
    if (!buf) {
        osm_diags_add(d, OSM_ERROR, 0, 0, "cannot read: %s", why);
        return -1;
    }
    int r = osm_csv_read_buffer(s, buf, len, path, opts, d, st);
    free(buf);
    return r;
}

int osm_csv_read_file(osm_store *s, const char *path, const osm_csv_opts *opts, osm_diags *d,
                      osm_csv_stats *st)
{
    /* A named file must be a regular file (a FIFO would block the open, a
     * device could be endless); standard input may be a pipe. */
    bool is_stdin = !strcmp(path, "-");
    struct stat sb;
    char why[160];
    int fd = is_stdin ? 0 : osm_file_open(AT_FDCWD, path, false, &sb, why, sizeof why);
    if (fd < 0) {
        bool refused = errno == EISDIR || errno == EINVAL;  /* why says what it is */
        osm_diags_add(d, OSM_ERROR, 0, 0, "%s%s", refused ? "" : "cannot open: ", why);
        return -1;
    }
    int r;
    osm_lines l;
    if (osm_lines_open_fd(&l, fd) == 0) {
        r = read_lines(s, &l, path, opts, d, st);
        osm_lines_close(&l);
    } else if (errno == ESPIPE && is_stdin) {
        r = read_unseekable(s, fd, path, opts, d, st);
    } else {
        osm_diags_add(d, OSM_ERROR, 0, 0, "cannot read: %s", strerror(errno));
        r = -1;
    }
    if (!is_stdin)
        close(fd);
    return r;
}
