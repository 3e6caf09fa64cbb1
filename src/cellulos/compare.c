/*
 * `cellulos compare`: run the key-value scenarios, dump each one's model
 * state at its verdict, and compare the client/store pair across them:
 * RSI per resource type, FR and both TCBs (MODEL.md §4-5).
 *
 * Each scenario runs in a child `cellulos run NAME --dump FILE`, so a
 * failing scenario cannot disturb the others and each starts from a fresh
 * root task.  The client is the first PD named kvclient*, the store the
 * first named kvstore* (the client itself when the store is a library in
 * it, kv001).
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <osmosis/osmosis.h>

#include "scenario_kv.h"

static const char *const rsi_types[] = { "VMR", "MO", "VCPU", "PCPU", "FILE", "BLOCK" };
#define N_TYPES (sizeof rsi_types / sizeof *rsi_types)

typedef struct kv_row {
    char name[32];
    bool ran, checked;
    char client[CEL_NAME_MAX], store[CEL_NAME_MAX];
    double rsi[N_TYPES];
    uint32_t fr;
    char **tcb[2];          /* member IDs, sorted */
    size_t n_tcb[2];
} kv_row;

/* Run `cellulos run NAME --dump PATH` with this binary; its exit status. */
static int run_child(const char *name, const char *path)
{
    char exe[PATH_MAX];
    ssize_t k = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (k <= 0)
        return -1;
    exe[k] = '\0';
    pid_t pid = fork();
    if (pid < 0)
        return -1;
    if (pid == 0) {
        int null = open("/dev/null", O_WRONLY);
        if (null >= 0)
            dup2(null, STDOUT_FILENO);  /* the table is ours to print */
        execl(exe, exe, "run", name, "--dump", path, (char *)NULL);
        _exit(127);
    }
    int st = 0;
    while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
        ;
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* The first PD whose name starts with prefix, or OSM_NONE. */
static osm_id find_pd(const osm_store *s, const char *prefix)
{
    osm_id best = OSM_NONE;
    for (osm_id n = osm_store_next_node(s, OSM_NONE); n != OSM_NONE; n = osm_store_next_node(s, n)) {
        const char *nm = osm_node_data_name(s, n);
        if (osm_node_kind(s, n) != OSM_PD || !nm || strncmp(nm, prefix, strlen(prefix)))
            continue;
        /* lowest PD number: PD_9 before PD_10 */
        if (best == OSM_NONE || strlen(osm_node_id(s, n)) < strlen(osm_node_id(s, best)) ||
            (strlen(osm_node_id(s, n)) == strlen(osm_node_id(s, best)) &&
             strcmp(osm_node_id(s, n), osm_node_id(s, best)) < 0))
            best = n;
    }
    return best;
}

static int tcb_ids(osm_query *q, osm_id x, char ***out, size_t *n)
{
    osm_members m = { 0 };
    osm_qopts o = { 0 };
    if (osm_tcb(q, x, &o, &m))
        return -1;
    *out = calloc(m.n + 1, sizeof **out);
    for (size_t i = 0; *out && i < m.n; i++)
        (*out)[i] = strdup(osm_node_id(osm_query_store(q), m.v[i].pd));
    *n = m.n;
    osm_members_free(&m);
    return *out ? 0 : -1;
}

/* Load one dump, check it strictly, compute the row. */
static int analyse(kv_row *row, const char *path)
{
    osm_store *s = osm_store_new();
    osm_diags d;
    osm_diags_init(&d, 5);
    osm_csv_opts co = { .strict = true };
    int rc = s && osm_csv_read_file(s, path, &co, &d, NULL) == 0 ? 0 : -1;
    osm_diags_free(&d);
    osm_diags_init(&d, 5);
    if (!rc && osm_check(s, true, &d)) {
        for (size_t i = 0; i < d.n; i++)
            fprintf(stderr, "cellulos: compare: %s: %s\n", path, d.v[i].msg);
        rc = -1;
    }
    osm_diags_free(&d);
    row->checked = rc == 0;
    osm_id c = s ? find_pd(s, "kvclient") : OSM_NONE, st = s ? find_pd(s, "kvstore") : OSM_NONE;
    if (st == OSM_NONE)
        st = c;
    osm_query *q = !rc && c != OSM_NONE ? osm_query_new(s) : NULL;
    if (!q) {
        osm_store_free(s);
        return -1;
    }
    snprintf(row->client, sizeof row->client, "%s", osm_node_id(s, c));
    snprintf(row->store, sizeof row->store, "%s", osm_node_id(s, st));
    for (size_t i = 0; i < N_TYPES && !rc; i++) {
        osm_id t = osm_store_type_lookup(s, rsi_types[i]);
        row->rsi[i] = 0;
        if (t != OSM_NONE)
            rc = osm_rsi(q, c, st, t, &row->rsi[i]);
    }
    rc = rc ? rc : osm_fr(q, c, st, &row->fr);
    rc = rc ? rc : tcb_ids(q, c, &row->tcb[0], &row->n_tcb[0]);
    rc = rc ? rc : tcb_ids(q, st, &row->tcb[1], &row->n_tcb[1]);
    osm_query_free(q);
    osm_store_free(s);
    return rc;
}

static void row_free(kv_row *row)
{
    for (int k = 0; k < 2; k++) {
        for (size_t i = 0; row->tcb[k] && i < row->n_tcb[k]; i++)
            free(row->tcb[k][i]);
        free(row->tcb[k]);
    }
}

static void print_members(char **v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        printf("%s%s", i ? " " : "", v[i]);
    printf("\n");
}

static void print_table(const kv_row *rows, size_t n)
{
    printf("%-8s %-7s %-7s", "scenario", "client", "store");
    for (size_t t = 0; t < N_TYPES; t++)
        printf(" %6s", rsi_types[t]);
    printf(" %4s %5s %5s\n", "FR", "TCB_c", "TCB_s");
    for (size_t i = 0; i < n; i++) {
        const kv_row *r = &rows[i];
        if (!r->ran) {
            printf("%-8s FAILED (see the messages above)\n", r->name);
            continue;
        }
        printf("%-8s %-7s %-7s", r->name, r->client, r->store);
        for (size_t t = 0; t < N_TYPES; t++)
            printf(" %6.3f", r->rsi[t]);
        if (r->fr == OSM_FR_INF)
            printf(" %4s", "inf");
        else
            printf(" %4u", r->fr);
        printf(" %5zu %5zu\n", r->n_tcb[0], r->n_tcb[1]);
    }
    printf("\nTCB members (MODEL.md §4, availability view):\n");
    for (size_t i = 0; i < n; i++) {
        if (!rows[i].ran)
            continue;
        printf("  %s client %s: ", rows[i].name, rows[i].client);
        print_members(rows[i].tcb[0], rows[i].n_tcb[0]);
        printf("  %s store  %s: ", rows[i].name, rows[i].store);
        print_members(rows[i].tcb[1], rows[i].n_tcb[1]);
    }
}

static void json_ids(osm_json *j, char **v, size_t n)
{
    osm_json_begin_array(j);
    for (size_t i = 0; i < n; i++)
        osm_json_string(j, v[i]);
    osm_json_end_array(j);
}

static void print_json(const kv_row *rows, size_t n)
{
    osm_json j;
    osm_json_init(&j, stdout, true);
    osm_json_begin_object(&j);
    osm_json_key(&j, "scenarios");
    osm_json_begin_object(&j);
    for (size_t i = 0; i < n; i++) {
        const kv_row *r = &rows[i];
        osm_json_key(&j, r->name);
        if (!r->ran) {
            osm_json_null(&j);
            continue;
        }
        osm_json_begin_object(&j);
        osm_json_key(&j, "client");
        osm_json_string(&j, r->client);
        osm_json_key(&j, "fr");
        if (r->fr == OSM_FR_INF)
            osm_json_string(&j, "inf");
        else
            osm_json_uint(&j, r->fr);
        osm_json_key(&j, "rsi");
        osm_json_begin_object(&j);
        static const int sorted[N_TYPES] = { 5, 4, 1, 3, 2, 0 };   /* BLOCK .. VMR */
        for (size_t t = 0; t < N_TYPES; t++) {
            osm_json_key(&j, rsi_types[sorted[t]]);
            osm_json_double(&j, r->rsi[sorted[t]]);
        }
        osm_json_end_object(&j);
        osm_json_key(&j, "store");
        osm_json_string(&j, r->store);
        osm_json_key(&j, "tcb_client");
        json_ids(&j, r->tcb[0], r->n_tcb[0]);
        osm_json_key(&j, "tcb_store");
        json_ids(&j, r->tcb[1], r->n_tcb[1]);
        osm_json_end_object(&j);
    }
    osm_json_end_object(&j);
    osm_json_end_object(&j);
    osm_json_finish(&j);
}

static int usage(FILE *f, int st)
{
    fprintf(f, "usage: cellulos compare [--json] [--small] [--dir DIR] [SCENARIO...]\n"
               "\n"
               "Run the key-value scenarios (default: kv001 kv002 kv003 kv004 kv007 kv008),\n"
               "keep each one's model state (DIR/NAME.csv; default a temporary directory,\n"
               "removed afterwards) and print, for the client/store pair of each, RSI for\n"
               "VMR, MO, VCPU, PCPU, FILE and BLOCK, FR, and both TCBs.  --small runs the\n"
               "-small variants (a tenth of the workload).  Every state must pass the strict\n"
               "invariant check.  Exit status: 0 all ran and passed, 1 one failed, 2 usage.\n");
    return st;
}

int cel_compare_main(int argc, char **argv)
{
    static const struct option opts[] = {
        { "json", no_argument, NULL, 'j' }, { "small", no_argument, NULL, 's' },
        { "dir", required_argument, NULL, 'd' }, { "help", no_argument, NULL, 'h' }, { 0 },
    };
    bool json = false, small = false;
    const char *dir = NULL;
    int c;
    while ((c = getopt_long(argc, argv, "jsd:h", opts, NULL)) != -1) {
        switch (c) {
        case 'j': json = true; break;
        case 's': small = true; break;
        case 'd': dir = optarg; break;
        case 'h': return usage(stdout, 0);
        default: return usage(stderr, 2);
        }
    }
    const char *const *names = optind < argc ? (const char *const *)argv + optind : cel_kv_compare_names;
    size_t n = 0;
    while (names[n] && (optind >= argc || (int)n < argc - optind))
        n++;
    for (size_t i = 0; i < n; i++)
        if (!cel_scenario_kv_find(names[i]) || strncmp(names[i], "kv", 2)) {
            fprintf(stderr, "cellulos: compare: '%s' is not a key-value scenario\n", names[i]);
            return 2;
        }
    char tmpl[] = "/tmp/cellulos-compare-XXXXXX";
    if (!dir && !(dir = mkdtemp(tmpl))) {
        perror("cellulos: compare: mkdtemp");
        return 1;
    }
    if (mkdir(dir, 0755) && errno != EEXIST) {
        fprintf(stderr, "cellulos: compare: cannot create %s: %s\n", dir, strerror(errno));
        return 2;
    }
    kv_row *rows = calloc(n ? n : 1, sizeof *rows);
    int status = rows ? 0 : 1;
    for (size_t i = 0; rows && i < n; i++) {
        char run[40], path[PATH_MAX];
        snprintf(rows[i].name, sizeof rows[i].name, "%s", names[i]);
        snprintf(run, sizeof run, "%s%s", names[i], small && !strstr(names[i], "-small") ? "-small" : "");
        snprintf(path, sizeof path, "%s/%s.csv", dir, names[i]);
        if (!json)
            fprintf(stderr, "cellulos: compare: running %s\n", run);
        int st = run_child(run, path);
        rows[i].ran = st == 0 && analyse(&rows[i], path) == 0;
        if (!rows[i].ran) {
            fprintf(stderr, "cellulos: compare: %s failed (exit %d)\n", run, st);
            status = 1;
        }
        if (dir == tmpl)
            unlink(path);
    }
    if (rows && json)
        print_json(rows, n);
    else if (rows)
        print_table(rows, n);
    if (dir == tmpl)
        rmdir(tmpl);
    for (size_t i = 0; rows && i < n; i++)
        row_free(&rows[i]);
    free(rows);
    return status;
}
