/*
 * CellulOS CSV reader (MODEL.md §2).
 *
 * Real dumps are console captures: log lines, prompts, repeated headers, CR
 * or CRLF line ends, blank lines, edges naming nodes declared later, nodes
 * declared twice.  We read the whole input into memory and make two passes
 * over it: pass 1 declares every node (rows not starting with ','), pass 2
 * adds every edge (rows starting with ','), so forward references resolve
 * without buffering rows.  Every unusable line is reported with its number;
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

enum { F_KIND, F_ID, F_DATA, F_EDGE, F_FROM, F_TO, F_EXTRA, NFIELDS };

typedef struct field {
    const char *p;
    size_t n;
    char *owned;        /* unescaped copy of a quoted field, or NULL */
} field;

typedef struct reader {
    osm_store *s;
    const char *name;
    osm_diags *d;
    osm_csv_stats *st;
    osm_severity row_sev;
    field f[NFIELDS];
    int nf;
} reader;

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

/* Split [p, e) into at most NFIELDS fields; the last field takes the rest of
 * the line when unquoted.  Returns the field count, or -1 on a bad quote. */
static int split(reader *r, const char *p, const char *e)
{
    clear_fields(r);
    for (;;) {
        field *f = &r->f[r->nf++];
        const char *s = p;
        while (s < e && (*s == ' ' || *s == '\t'))
            s++;
        if (s < e && *s == '"') {
            const char *after = parse_quoted(s, e, f);
            if (!after)
                return -1;
            while (after < e && (*after == ' ' || *after == '\t'))
                after++;
            if (after == e)
                return r->nf;
            if (*after != ',' || r->nf == NFIELDS)
                return -1;
            p = after + 1;
            continue;
        }
        const char *c = r->nf == NFIELDS ? NULL : memchr(p, ',', (size_t)(e - p));
        f->p = p;
        f->n = (size_t)((c ? c : e) - p);
        trim(&f->p, &f->n);
        if (!c)
            return r->nf;
        p = c + 1;
    }
}

static bool has_control_char(const field *f)
{
    for (size_t i = 0; i < f->n; i++)
        if ((unsigned char)f->p[i] < 0x20 && f->p[i] != '\t')
            return true;
    return false;
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

/* Pass 1: a node row.  Returns 0 when used. */
static int node_row(reader *r, uint64_t line, const char *lp, size_t ln)
{
    char pv[48];
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
    osm_id n = osm_store_find_n(s, id->p, id->n);
    if (n != OSM_NONE) {
        osm_kind old = osm_node_kind(s, n);
        const char *ot = osm_node_data_name(s, n);
        if ((int)old != kind) {
            report_line(r, line, lp, ln, "node declared before with another kind");
            return -1;
        }
        if (strlen(ot) != data->n || memcmp(ot, data->p, data->n))
            osm_diags_add(r->d, OSM_WARNING, 0, line,
                          "node %s repeated with DATA '%s' (first said '%s'); keeping the first",
                          osm_node_id(s, n), preview(data->p, data->n, pv), ot);
        if (ex && ex->n && !*osm_node_extra(s, n)) {
            char *e = dupfield(ex);
            if (!e || osm_node_set_extra(s, n, e) < 0) {
                free(e);
                return -1;
            }
            free(e);
        }
        r->st->nodes_merged++;
        r->st->node_rows[kind]++;
        return 0;
    }
    osm_id t = osm_store_intern(s, data->p, data->n);
    if (t == OSM_NONE ||
        osm_store_add_node_n(s, (osm_kind)kind, id->p, id->n, t, ex ? ex->p : NULL,
                             ex ? ex->n : 0) == OSM_NONE) {
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
        ends[i] = osm_store_find_n(s, f->p, f->n);
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

/* Find the end of the line starting at p; *next is where the next starts.
 * A line ends at LF, CRLF or a lone CR. */
static const char *line_end(const char *p, const char *end, const char **next)
{
    const char *nl = memchr(p, '\n', (size_t)(end - p));
    const char *le = nl ? nl : end;
    const char *cr = memchr(p, '\r', (size_t)(le - p));
    if (cr && cr + 1 < le) {            /* a lone CR inside: it ends the line */
        *next = cr + 1;
        return cr;
    }
    *next = nl ? nl + 1 : end;
    return (le > p && le[-1] == '\r') ? le - 1 : le;
}

static int cmp_diag_line(const void *a, const void *b)
{
    const osm_diag *x = a, *y = b;
    return x->line < y->line ? -1 : x->line > y->line;
}

/* One pass: edges == false declares nodes and classifies every line;
 * edges == true adds the edges. */
static size_t pass(reader *r, const char *buf, size_t len, bool edges)
{
    size_t used = 0;
    uint64_t line = 0;
    const char *end = buf + len, *next;
    for (const char *p = buf; p < end; p = next) {
        const char *e = line_end(p, end, &next);
        line++;
        size_t n = (size_t)(e - p);
        bool edge_line = n > 0 && p[0] == ',';
        if (edge_line != edges)
            continue;
        if (!edges) {
            const char *q = p;
            while (q < e && (*q == ' ' || *q == '\t'))
                q++;
            if (q == e) {
                r->st->blank++;
                continue;
            }
        }
        int nf = split(r, p, e);
        if (nf < 0) {
            r->nf = 0;
            report_line(r, line, p, n, "unbalanced quotes");
            continue;
        }
        bool bad_chars = false;
        for (int i = 0; i < nf; i++)
            bad_chars |= has_control_char(&r->f[i]);
        if (!edges && nf >= 1 && r->f[F_KIND].n == 9 && !memcmp(r->f[F_KIND].p, "NODE_TYPE", 9)) {
            r->st->headers++;
            continue;
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
            continue;
        }
        if (bad_chars) {
            report_line(r, line, p, n, "control or NUL bytes in a field");
            continue;
        }
        if (nf < 6) {
            char msg[64];
            snprintf(msg, sizeof msg, "truncated row: %d of 7 columns", nf);
            report_line(r, line, p, n, msg);
            continue;
        }
        if ((edges ? edge_row(r, line, p, n) : node_row(r, line, p, n)) == 0)
            used++;
    }
    r->st->lines = line;
    clear_fields(r);
    return used;
}

int osm_csv_read_buffer(osm_store *s, const char *buf, size_t len, const char *name,
                        const osm_csv_opts *opts, osm_diags *d, osm_csv_stats *st)
{
    osm_csv_stats local;
    if (!st)
        st = &local;
    memset(st, 0, sizeof *st);
    reader r = { .s = s, .name = name, .d = d, .st = st,
                 .row_sev = opts && opts->strict ? OSM_ERROR : OSM_WARNING };
    size_t first = d->n;
    /* Reserve roughly: edges start with ',', nodes do not. */
    size_t lines = 0, edge_lines = 0;
    for (const char *p = buf, *end = buf + len; p < end;) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        lines++;
        edge_lines += *p == ',';
        p = nl ? nl + 1 : end;
    }
    if (osm_store_reserve(s, osm_store_node_bound(s) + (lines - edge_lines),
                          osm_store_edge_bound(s) + edge_lines) < 0) {
        osm_diags_add(d, OSM_ERROR, 0, 0, "out of memory reserving %zu rows", lines);
        return -1;
    }
    size_t used = pass(&r, buf, len, false);
    used += pass(&r, buf, len, true);
    if (d->n > first)
        qsort(d->v + first, d->n - first, sizeof *d->v, cmp_diag_line);
    if (used == 0) {
        osm_diags_add(d, OSM_ERROR, 0, 0, len ? "no usable row in the input" : "empty input");
        return -1;
    }
    return 0;
}

/* Read all of fd into a malloc'd buffer. */
static char *slurp(int fd, size_t *len)
{
    struct stat sb;
    size_t cap = (fstat(fd, &sb) == 0 && S_ISREG(sb.st_mode) && sb.st_size > 0)
                     ? (size_t)sb.st_size + 1 : 65536;
    size_t n = 0;
    char *buf = malloc(cap);
    if (!buf)
        return NULL;
    for (;;) {
        if (n == cap) {
            char *b = realloc(buf, cap * 2);
            if (!b) {
                free(buf);
                return NULL;
            }
            buf = b;
            cap *= 2;
        }
        ssize_t k = read(fd, buf + n, cap - n);
        if (k < 0 && errno == EINTR)
            continue;
        if (k < 0) {
            free(buf);
            return NULL;
        }
        if (k == 0)
            break;
        n += (size_t)k;
    }
    *len = n;
    return buf;
}

int osm_csv_read_file(osm_store *s, const char *path, const osm_csv_opts *opts, osm_diags *d,
                      osm_csv_stats *st)
{
    bool is_stdin = !strcmp(path, "-");
    int fd = is_stdin ? 0 : open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        osm_diags_add(d, OSM_ERROR, 0, 0, "cannot open: %s", strerror(errno));
        return -1;
    }
    struct stat sb;
    if (fstat(fd, &sb) == 0 && S_ISDIR(sb.st_mode)) {
        osm_diags_add(d, OSM_ERROR, 0, 0, "is a directory");
        close(fd);
        return -1;
    }
    size_t len = 0;
    char *buf = slurp(fd, &len);
    int err = errno;
    if (!is_stdin)
        close(fd);
    if (!buf) {
        osm_diags_add(d, OSM_ERROR, 0, 0, "cannot read: %s", strerror(err));
        return -1;
    }
    int r = osm_csv_read_buffer(s, buf, len, path, opts, d, st);
    free(buf);
    return r;
}
