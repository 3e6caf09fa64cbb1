/* Helpers shared by the osmosis verbs. */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"

void cli_print_diags(const char *name, const osm_diags *d)
{
    for (size_t i = 0; i < d->n; i++) {
        const osm_diag *g = &d->v[i];
        const char *sev = g->severity == OSM_ERROR ? "error" : "warning";
        if (g->line)
            fprintf(stderr, "%s:%llu: %s: %s\n", name, (unsigned long long)g->line, sev, g->msg);
        else
            fprintf(stderr, "%s: %s: %s\n", name, sev, g->msg);
    }
    if (d->dropped)
        fprintf(stderr, "%s: ... and %zu more problems not shown\n", name, d->dropped);
}

int cli_load(const char *path, const cli_load_opts *o, cli_loaded *out)
{
    memset(out, 0, sizeof *out);
    out->store = osm_store_new();
    if (!out->store) {
        fprintf(stderr, "osmosis: out of memory\n");
        return CLI_USAGE;
    }
    const char *name = strcmp(path, "-") ? path : "<stdin>";
    osm_diags d;
    osm_diags_init(&d, 200);
    osm_csv_opts copts = { .strict = o->strict };
    int r = osm_csv_read_file(out->store, path, &copts, &d, &out->stats);
    out->row_problems = d.errors + d.warnings;
    if (!o->quiet || r < 0)
        cli_print_diags(name, &d);
    osm_diags_free(&d);
    if (r < 0) {
        cli_loaded_free(out);
        return CLI_USAGE;
    }
    if (!o->no_control)
        out->control_added = osm_cellulos_add_control(out->store);
    if (o->process) {
        osm_store *p = osm_process(out->store, &out->process);
        if (!p) {
            fprintf(stderr, "osmosis: out of memory while processing %s\n", name);
            cli_loaded_free(out);
            return CLI_USAGE;
        }
        osm_store_free(out->store);
        out->store = p;
    }
    return o->strict && out->row_problems ? CLI_PROBLEMS : CLI_OK;
}

void cli_loaded_free(cli_loaded *l)
{
    osm_store_free(l->store);
    l->store = NULL;
}

int cli_out_open(cli_out *o, const char *path)
{
    memset(o, 0, sizeof *o);
    if (!path || !strcmp(path, "-")) {
        o->f = stdout;
        return 0;
    }
    /* A device or FIFO (/dev/null, a pipe) is written in place: renaming a
     * temporary file over it would replace the device with a plain file. */
    struct stat sb;
    if (stat(path, &sb) == 0 && !S_ISREG(sb.st_mode) && !S_ISDIR(sb.st_mode)) {
        o->f = fopen(path, "w");
        if (!o->f) {
            fprintf(stderr, "osmosis: cannot write %s: %s\n", path, strerror(errno));
            return -1;
        }
        o->direct = true;
        return 0;
    }
    o->path = strdup(path);
    if (!o->path || asprintf(&o->tmp, "%s.tmp.XXXXXX", path) < 0) {
        free(o->path);
        fprintf(stderr, "osmosis: out of memory\n");
        return -1;
    }
    int fd = mkstemp(o->tmp);
    if (fd >= 0) {
        /* mkstemp creates 0600; give the file the mode open() would have. */
        mode_t mask = umask(0);
        umask(mask);
        fchmod(fd, 0666 & ~mask);
    }
    if (fd < 0 || !(o->f = fdopen(fd, "w"))) {
        fprintf(stderr, "osmosis: cannot write %s: %s\n", path, strerror(errno));
        if (fd >= 0)
            close(fd);
        free(o->path);
        free(o->tmp);
        memset(o, 0, sizeof *o);
        return -1;
    }
    return 0;
}

int cli_out_commit(cli_out *o)
{
    if (o->direct) {
        int bad = ferror(o->f) | (fclose(o->f) != 0);
        memset(o, 0, sizeof *o);
        if (bad)
            fprintf(stderr, "osmosis: write error: %s\n", strerror(errno));
        return bad ? -1 : 0;
    }
    if (!o->path) {
        if (fflush(stdout) != 0) {
            fprintf(stderr, "osmosis: write error on stdout: %s\n", strerror(errno));
            return -1;
        }
        return 0;
    }
    int bad = ferror(o->f);
    if (fclose(o->f) != 0)
        bad = 1;
    o->f = NULL;
    int r = 0;
    if (bad || rename(o->tmp, o->path) != 0) {
        fprintf(stderr, "osmosis: cannot write %s: %s\n", o->path, strerror(errno));
        unlink(o->tmp);
        r = -1;
    }
    free(o->path);
    free(o->tmp);
    memset(o, 0, sizeof *o);    /* a later cli_out_abort is a no-op */
    return r;
}

int cli_write_state(const osm_store *s, const char *path, osm_export_format fmt)
{
    cli_out o;
    if (cli_out_open(&o, path) < 0)
        return -1;
    int r;
    switch (fmt) {
    case OSM_EXPORT_CSV: r = osm_csv_write(s, o.f); break;
    case OSM_EXPORT_JSON: r = osm_export_json(s, o.f); break;
    case OSM_EXPORT_GRAPHML: r = osm_export_graphml(s, o.f); break;
    case OSM_EXPORT_DOT: r = osm_export_dot(s, o.f); break;
    default: r = -1; errno = EINVAL; break;
    }
    if (r < 0) {
        fprintf(stderr, "osmosis: cannot write %s: %s\n",
                path && strcmp(path, "-") ? path : "stdout", strerror(errno ? errno : EIO));
        cli_out_abort(&o);
        return -1;
    }
    return cli_out_commit(&o);
}

int cli_write_csv(const osm_store *s, const char *path)
{
    return cli_write_state(s, path, OSM_EXPORT_CSV);
}

/* One key of the summary: a count, or one of the strings (str; NULL value
 * with is_str prints null). */
typedef struct summary_key {
    const char *key, *str;
    uint64_t value;
    bool is_str;
} summary_key;

static int cmp_summary_key(const void *a, const void *b)
{
    return strcmp(((const summary_key *)a)->key, ((const summary_key *)b)->key);
}

int cli_state_summary(const char *verb, const osm_store *s, const char *path,
                      osm_export_format fmt, const cli_count *extra, size_t n_extra)
{
    bool to_file = path && strcmp(path, "-");
    if (to_file && cli_write_state(s, path, fmt) < 0)
        return CLI_USAGE;
    summary_key k[16] = {
        { .key = "edges", .value = osm_store_edge_count(s) },
        { .key = "format", .str = osm_export_format_name(fmt), .is_str = true },
        { .key = "nodes", .value = osm_store_node_count(s) },
        { .key = "output", .str = to_file ? path : NULL, .is_str = true },
        { .key = "verb", .str = verb, .is_str = true },
    };
    size_t n = 5;
    for (size_t i = 0; i < n_extra && n < sizeof k / sizeof k[0]; i++)
        k[n++] = (summary_key){ .key = extra[i].key, .value = extra[i].value,
                                .str = extra[i].str, .is_str = extra[i].str != NULL };
    qsort(k, n, sizeof k[0], cmp_summary_key);
    osm_json j;
    osm_json_init(&j, stdout, false);
    osm_json_begin_object(&j);
    for (size_t i = 0; i < n; i++) {
        osm_json_key(&j, k[i].key);
        if (!k[i].is_str)
            osm_json_uint(&j, k[i].value);
        else if (k[i].str)
            osm_json_string(&j, k[i].str);
        else
            osm_json_null(&j);
    }
    osm_json_end_object(&j);
    osm_json_finish(&j);
    if (fflush(stdout) != 0) {
        fprintf(stderr, "osmosis %s: write error on stdout: %s\n", verb, strerror(errno));
        return CLI_USAGE;
    }
    return CLI_OK;
}

int cli_state_format_parse(const char *name)
{
    int f = osm_export_format_parse(name);
    return f == OSM_EXPORT_NEO4J ? -1 : f;
}

void cli_out_abort(cli_out *o)
{
    if (o->direct) {
        fclose(o->f);
        memset(o, 0, sizeof *o);
        return;
    }
    if (!o->path)
        return;
    if (o->f)
        fclose(o->f);
    unlink(o->tmp);
    free(o->path);
    free(o->tmp);
    memset(o, 0, sizeof *o);
}

char *cli_helper_path(const char *name)
{
    char self[PATH_MAX], *p = NULL;
    ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
    if (n <= 0)
        return NULL;
    self[n] = 0;
    char *slash = strrchr(self, '/');
    if (slash)
        *slash = 0;
    if (asprintf(&p, "%s/%s", self, name) < 0)
        return NULL;
    if (access(p, X_OK) == 0)
        return p;
    char *alt;
    if (asprintf(&alt, "%s/../libexec/osmosis/%s", self, name) < 0)
        return p;
    if (access(alt, X_OK) != 0) {
        free(alt);
        return p;               /* the message about it names the usual place */
    }
    char *real = realpath(alt, NULL);
    free(alt);
    free(p);
    return real;
}

int cli_usage_error(const char *verb, const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "osmosis %s: ", verb);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, " (try 'osmosis %s --help')\n", verb);
    return CLI_USAGE;
}

osm_id cli_find_pd(const osm_store *s, const char *verb, const char *id)
{
    osm_id n = osm_store_find(s, id);
    if (n == OSM_NONE)
        fprintf(stderr, "osmosis %s: no node '%s' in the state\n", verb, id);
    else if (osm_node_kind(s, n) != OSM_PD) {
        fprintf(stderr, "osmosis %s: '%s' is a %s, not a PD\n", verb, id,
                osm_kind_name(osm_node_kind(s, n)));
        n = OSM_NONE;
    }
    return n;
}
