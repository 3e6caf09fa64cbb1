/*
 * `cellulos compare`: run the key-value scenarios, dump each one's model
 * state at its verdict, and compare the client/store pair across them:
 * RSI per resource type, FR and both TCBs (MODEL.md §4-5).
 *
 * Each scenario runs in a child `cellulos run NAME --dump FILE`, so a
 * failing scenario cannot disturb the others and each starts from a fresh
 * root task.  The client is the first PD named kvclient*, the store the
 * first named kvstore*, else the client's thread PD (kv006), else the
 * client itself (the store is a library in it, kv001).
 */
#include <dirent.h>
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

#include "compare.h"
#include "../scenarios/scenario_kv.h"

static const char *const rsi_types[] = { "VMR", "MO", "VCPU", "PCPU", "FILE", "BLOCK" };
#define N_TYPES (sizeof rsi_types / sizeof *rsi_types)

typedef struct kv_row {
    char name[32];
    bool ran, checked;
    char client[CEL_NAME_MAX], store[CEL_NAME_MAX];
    char client_label[64], store_label[64];     /* "PD_4 (kvstore)" */
    double rsi[N_TYPES];
    uint32_t fr;
    char **tcb[2];          /* member IDs, in PD number order */
    char **tcb_label[2];    /* the same as "ID (name)" */
    size_t n_tcb[2];
} kv_row;

int cel_compare_run_scenario(const char *name, const char *path)
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

void cel_cmp_lists_print(const char *const titles[3], const cel_cmp_lists *side[2],
                         const bool ok[2], unsigned count_mask)
{
    static const char *const sys[2] = { "CellulOS", "Linux" };
    for (int k = 0; k < 3; k++) {
        printf("  %s\n", titles[k]);
        for (int i = 0; i < 2; i++) {
            if (!ok[i]) {
                printf("    %-9s FAILED (see the messages above)\n", sys[i]);
                continue;
            }
            printf("    %-9s ", sys[i]);
            if (count_mask & (1u << k))
                printf("%zu: ", side[i]->n[k]);
            cel_compare_print_list(side[i]->labels[k], side[i]->n[k]);
        }
    }
}

void cel_cmp_lists_json(osm_json *j, const cel_cmp_lists *l, int k)
{
    osm_json_begin_array(j);
    for (size_t m = 0; m < l->n[k]; m++)
        osm_json_string(j, l->ids[k][m]);
    osm_json_end_array(j);
}

void cel_cmp_lists_free(cel_cmp_lists *l)
{
    for (int k = 0; k < 3; k++) {
        cel_compare_strv_free(l->ids[k], l->n[k]);
        cel_compare_strv_free(l->labels[k], l->n[k]);
    }
}

osm_store *cel_compare_load(const char *path)
{
    osm_store *s = osm_store_new();
    osm_diags dg;
    osm_diags_init(&dg, 5);
    osm_csv_opts co = { 0 };
    int rc = s && osm_csv_read_file(s, path, &co, &dg, NULL) == 0 ? 0 : -1;
    for (size_t i = 0; i < dg.n; i++)
        fprintf(stderr, "cellulos: compare: %s: %s\n", path, dg.v[i].msg);
    osm_diags_free(&dg);
    if (rc) {
        osm_store_free(s);
        return NULL;
    }
    return s;
}

/* Whether PD name `nm` starts with prefix and is (thread != 0) or is not a
 * thread PD (the root task names those "<process PD's name>.thread"). */
static bool name_matches(const char *nm, const char *prefix, bool thread)
{
    size_t n = strlen(nm), t = strlen(".thread");
    bool is_thread = n >= t && strcmp(nm + n - t, ".thread") == 0;
    return strncmp(nm, prefix, strlen(prefix)) == 0 && is_thread == thread;
}

osm_id cel_compare_find_pd(const osm_store *s, const char *prefix, bool thread)
{
    osm_id best = OSM_NONE;
    for (osm_id n = osm_store_next_node(s, OSM_NONE); n != OSM_NONE; n = osm_store_next_node(s, n)) {
        const char *nm = osm_node_data_name(s, n);
        if (osm_node_kind(s, n) != OSM_PD || !nm || !name_matches(nm, prefix, thread))
            continue;
        if (best == OSM_NONE || strlen(osm_node_id(s, n)) < strlen(osm_node_id(s, best)) ||
            (strlen(osm_node_id(s, n)) == strlen(osm_node_id(s, best)) &&
             strcmp(osm_node_id(s, n), osm_node_id(s, best)) < 0))
            best = n;
    }
    return best;
}

void cel_compare_label(const osm_store *s, osm_id pd, char *buf, size_t len)
{
    const char *nm = osm_node_data_name(s, pd);
    size_t n = nm ? strcspn(nm, ".") : 0, t = strlen(".thread");
    bool thread = nm && strlen(nm) > t && strcmp(nm + strlen(nm) - t, ".thread") == 0;
    if (nm && strcmp(nm, "ROOT_TASK") == 0)
        snprintf(buf, len, "%s (root task)", osm_node_id(s, pd));
    else if (n)
        snprintf(buf, len, "%s (%.*s%s)", osm_node_id(s, pd), (int)n, nm, thread ? " thread" : "");
    else
        snprintf(buf, len, "%s", osm_node_id(s, pd));
}

int cel_compare_id_cmp(const char *a, const char *b)
{
    size_t la = strcspn(a, "0123456789"), lb = strcspn(b, "0123456789");
    int c = la == lb ? strncmp(a, b, la) : strcmp(a, b);
    if (c || la != lb)
        return c;
    return strlen(a) != strlen(b) ? (strlen(a) < strlen(b) ? -1 : 1) : strcmp(a, b);
}

static const osm_store *sort_store;     /* qsort has no context argument */

static int member_cmp(const void *a, const void *b)
{
    return cel_compare_id_cmp(osm_node_id(sort_store, ((const osm_member *)a)->pd),
                              osm_node_id(sort_store, ((const osm_member *)b)->pd));
}

int cel_compare_members(osm_query *q, osm_id x, uint32_t comps, char ***ids, char ***labels,
                        size_t *n)
{
    const osm_store *s = osm_query_store(q);
    osm_members m = { 0 };
    osm_qopts o = { 0 };
    if (osm_query_components(q, x, comps, &o, &m))
        return -1;
    sort_store = s;
    if (m.n)
        qsort(m.v, m.n, sizeof *m.v, member_cmp);
    *ids = calloc(m.n + 1, sizeof **ids);
    *labels = calloc(m.n + 1, sizeof **labels);
    int rc = *ids && *labels ? 0 : -1;
    for (size_t i = 0; !rc && i < m.n; i++) {
        char label[96];
        cel_compare_label(s, m.v[i].pd, label, sizeof label);
        (*ids)[i] = strdup(osm_node_id(s, m.v[i].pd));
        (*labels)[i] = strdup(label);
        rc = (*ids)[i] && (*labels)[i] ? 0 : -1;
    }
    *n = m.n;
    osm_members_free(&m);
    return rc;
}

void cel_compare_strv_free(char **v, size_t n)
{
    for (size_t i = 0; v && i < n; i++)
        free(v[i]);
    free(v);
}

void cel_compare_kv_pair(const osm_store *s, osm_id *client, osm_id *store)
{
    /* the store: a store PD; else the client's thread PD (kv006); else the
     * client itself (kv001, a library) */
    *client = cel_compare_find_pd(s, "kvclient", false);
    *store = cel_compare_find_pd(s, "kvstore", false);
    if (*store == OSM_NONE)
        *store = cel_compare_find_pd(s, "kvclient", true);
    if (*store == OSM_NONE)
        *store = *client;
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
    osm_id c = OSM_NONE, st = OSM_NONE;
    if (s)
        cel_compare_kv_pair(s, &c, &st);
    osm_query *q = !rc && c != OSM_NONE ? osm_query_new(s) : NULL;
    if (!q) {
        osm_store_free(s);
        return -1;
    }
    snprintf(row->client, sizeof row->client, "%s", osm_node_id(s, c));
    snprintf(row->store, sizeof row->store, "%s", osm_node_id(s, st));
    cel_compare_label(s, c, row->client_label, sizeof row->client_label);
    cel_compare_label(s, st, row->store_label, sizeof row->store_label);
    for (size_t i = 0; i < N_TYPES && !rc; i++) {
        osm_id t = osm_store_type_lookup(s, rsi_types[i]);
        row->rsi[i] = 0;
        if (t != OSM_NONE)
            rc = osm_rsi(q, c, st, t, &row->rsi[i]);
    }
    rc = rc ? rc : osm_fr(q, c, st, &row->fr);
    rc = rc ? rc : cel_compare_members(q, c, OSM_COMP_TCB, &row->tcb[0], &row->tcb_label[0],
                                       &row->n_tcb[0]);
    rc = rc ? rc : cel_compare_members(q, st, OSM_COMP_TCB, &row->tcb[1], &row->tcb_label[1],
                                       &row->n_tcb[1]);
    osm_query_free(q);
    osm_store_free(s);
    return rc;
}

static void row_free(kv_row *row)
{
    for (int k = 0; k < 2; k++) {
        cel_compare_strv_free(row->tcb[k], row->n_tcb[k]);
        cel_compare_strv_free(row->tcb_label[k], row->n_tcb[k]);
    }
}

void cel_compare_print_list(char **v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        printf("%s%s", i ? ", " : "", v[i]);
    printf("%s\n", n ? "" : "(nobody)");
}

static void print_table(const kv_row *rows, size_t n)
{
    int wc = 6, ws = 5;     /* widths of the client and store columns */
    for (size_t i = 0; i < n; i++) {
        if ((int)strlen(rows[i].client_label) > wc)
            wc = (int)strlen(rows[i].client_label);
        if ((int)strlen(rows[i].store_label) > ws)
            ws = (int)strlen(rows[i].store_label);
    }
    printf("%-8s %-*s %-*s", "scenario", wc, "client", ws, "store");
    for (size_t t = 0; t < N_TYPES; t++)
        printf(" %5s", rsi_types[t]);
    printf(" %3s %5s %5s\n", "FR", "TCB_c", "TCB_s");
    for (size_t i = 0; i < n; i++) {
        const kv_row *r = &rows[i];
        if (!r->ran) {
            printf("%-8s FAILED (see the messages above)\n", r->name);
            continue;
        }
        printf("%-8s %-*s %-*s", r->name, wc, r->client_label, ws, r->store_label);
        for (size_t t = 0; t < N_TYPES; t++)
            printf(" %5.3f", r->rsi[t]);
        if (r->fr == OSM_FR_INF)
            printf(" %3s", "inf");
        else
            printf(" %3u", r->fr);
        printf(" %5zu %5zu\n", r->n_tcb[0], r->n_tcb[1]);
    }
    printf("\nLegend: VMR .. BLOCK = RSI of client and store for that resource type, the\n"
           "share of the resources either reaches that both reach: 0 (nothing shared,\n"
           "better isolated) .. 1 (all shared).  FR = fault ripple, the fewest REQUEST\n"
           "steps after which a fault of one reaches a PD the other depends on: 0 (one\n"
           "provider) .. inf (never; better).  TCB_c / TCB_s = how many PDs are in the\n"
           "client's / store's TCB (who can stop, starve or harm it; smaller is better).\n");
    printf("\nTCB members (MODEL.md §4, availability view):\n");
    for (size_t i = 0; i < n; i++) {
        if (!rows[i].ran)
            continue;
        printf("  %s client %s: ", rows[i].name, rows[i].client_label);
        cel_compare_print_list(rows[i].tcb_label[0], rows[i].n_tcb[0]);
        printf("  %s store  %s: ", rows[i].name, rows[i].store_label);
        cel_compare_print_list(rows[i].tcb_label[1], rows[i].n_tcb[1]);
    }
}

static void json_ids(osm_json *j, char **v, size_t n)
{
    osm_json_begin_array(j);
    for (size_t i = 0; i < n; i++)
        osm_json_string(j, v[i]);
    osm_json_end_array(j);
}

static void print_json(const kv_row *rows, size_t n, const cel_cmp_side *linux_sides,
                       const cel_vm_side *vm_sides)
{
    osm_json j;
    osm_json_init(&j, stdout, true);
    osm_json_begin_object(&j);
    if (linux_sides) {      /* "linux" < "scenarios": keys stay sorted */
        osm_json_key(&j, "linux");
        cel_compare_linux_json(&j, linux_sides);
    }
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
    if (vm_sides) {         /* "vm" sorts last */
        osm_json_key(&j, "vm");
        cel_compare_vm_json(&j, vm_sides);
    }
    osm_json_end_object(&j);
    osm_json_finish(&j);
}

/* --linux: the kv002 state of this run (run now if kv002 was not asked
 * for) against the pair on Linux. */
static int linux_side(const char *dir, const char *const *names, size_t n, bool small, bool json,
                      cel_cmp_side sides[2])
{
    char path[PATH_MAX], lpath[PATH_MAX];
    snprintf(path, sizeof path, "%s/kv002.csv", dir);
    snprintf(lpath, sizeof lpath, "%s/kv002-linux.csv", dir);
    bool have = false;
    for (size_t i = 0; i < n; i++)
        have = have || strcmp(names[i], "kv002") == 0;
    const char *run = small ? "kv002-small" : "kv002";
    if (!json && !have)
        fprintf(stderr, "cellulos: compare: running %s\n", run);
    if (!json)
        fprintf(stderr, "cellulos: compare: running the kv002 pair on Linux (kv-linux)\n");
    if (!have && cel_compare_run_scenario(run, path) != 0) {
        fprintf(stderr, "cellulos: compare: %s failed\n", run);
        memset(sides, 0, 2 * sizeof *sides);
        return -1;
    }
    return cel_compare_linux(path, lpath, small ? 1000 : 10000, sides);
}

/* Remove every file of a directory we made, then the directory. */
static void remove_dir(const char *dir)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    while (d && (e = readdir(d)))
        if (e->d_name[0] != '.') {
            char p[PATH_MAX];
            snprintf(p, sizeof p, "%s/%s", dir, e->d_name);
            unlink(p);
        }
    if (d)
        closedir(d);
    rmdir(dir);
}

/* --mechanisms / --seed-table: in DIR, or a temporary directory removed
 * afterwards. */
static int whole_machine(const char *dir, const char *rows, bool mech, bool small, bool json)
{
    char tmpl[] = "/tmp/cellulos-compare-XXXXXX";
    if (!dir && !(dir = mkdtemp(tmpl))) {
        perror("cellulos: compare: mkdtemp");
        return 1;
    }
    if (mkdir(dir, 0755) && errno != EEXIST) {
        fprintf(stderr, "cellulos: compare: cannot create %s: %s\n", dir, strerror(errno));
        return 2;
    }
    int st = mech ? cel_compare_mechanisms(dir, rows, small, json) : cel_compare_seed(dir, small, json);
    if (dir == tmpl)
        remove_dir(tmpl);
    return st;
}

static int usage(FILE *f, int st)
{
    fprintf(f, "usage: cellulos compare [--json] [--small] [--linux] [--vm] [--dir DIR] [SCENARIO...]\n"
               "       cellulos compare --mechanisms [--rows LIST] [--json] [--small] [--dir DIR]\n"
               "       cellulos compare --seed-table [--json] [--small] [--dir DIR]\n"
               "\n"
               "--mechanisms runs the kv client/store pair for real under each isolation\n"
               "mechanism -- Linux: threads, processes (one uid), uids, namespaces (user,\n"
               "pid, mnt, net, ipc, uts) with a cgroup each, the same plus seccomp without\n"
               "capabilities, bubblewrap, podman, the QEMU guest; CellulOS: kv001..kv008\n"
               "(not kv005) -- extracts the whole machine each time (osmosis extract linux\n"
               "--all; DIR/mech-NAME.csv) and prints one matrix about the store: TCB_A/I/C,\n"
               "CanControl, ControlBy, RSI with the client (MO VMR FILE BLOCK SOCKET), FR\n"
               "and the PDs sharing a kernel pool, with a legend (docs/compare.md).  --rows\n"
               "picks rows by name (comma-separated; e.g. uids,namespaces,kv002).  A\n"
               "mechanism this machine cannot run is shown with the exact reason.\n"
               "--seed-table prints CanControl/ControlBy of the KVS, the VMM and the guest\n"
               "KVS on CellulOS and on Linux (whole host) from states it extracts.\n"
               "\n"
               "Run the key-value scenarios (default: kv001 kv002 kv003 kv004 kv006 kv007\n"
               "kv008; kv005 is not supported, `cellulos run kv005` says why),\n"
               "keep each one's model state (DIR/NAME.csv; default a temporary directory,\n"
               "removed afterwards) and print, for the client/store pair of each, RSI for\n"
               "VMR, MO, VCPU, PCPU, FILE and BLOCK, FR, and both TCBs.  --small runs the\n"
               "-small variants (a tenth of the workload).  Every state must pass the strict\n"
               "invariant check.  --linux also runs the kv002 pair as two Linux processes\n"
               "(kv-linux), extracts them (DIR/kv002-linux.csv) and prints, for the store on\n"
               "each system, who can control it, whom it controls and its TCB (JSON: under\n"
               "\"linux\").  --vm boots a guest running the kv pair (kv-linux, SQLite) as a VM\n"
               "PD of the root task (`cellulos vm`, DIR/vm.csv) and under QEMU as a plain\n"
               "Linux process (`osmosis vm run`, DIR/vm-linux.csv) and prints who can control\n"
               "the VMM and the guest's store, and the store's TCB (JSON: under \"vm\"); with\n"
               "--vm and no SCENARIO the key-value scenarios are not run.  Run as root.\n"
               "Exit status: 0 all ran and passed, 1 one failed, 2 usage.\n");
    return st;
}

int cel_compare_main(int argc, char **argv)
{
    static const struct option opts[] = {
        { "json", no_argument, NULL, 'j' }, { "small", no_argument, NULL, 's' },
        { "dir", required_argument, NULL, 'd' }, { "help", no_argument, NULL, 'h' },
        { "linux", no_argument, NULL, 'l' }, { "vm", no_argument, NULL, 'v' },
        { "mechanisms", no_argument, NULL, 'm' }, { "rows", required_argument, NULL, 'r' },
        { "seed-table", no_argument, NULL, 'S' }, { 0 },
    };
    bool json = false, small = false, with_linux = false, with_vm = false, mech = false,
         seed = false;
    const char *dir = NULL, *rows_arg = NULL;
    int c;
    while ((c = getopt_long(argc, argv, "jsd:h", opts, NULL)) != -1) {
        switch (c) {
        case 'j': json = true; break;
        case 's': small = true; break;
        case 'l': with_linux = true; break;
        case 'v': with_vm = true; break;
        case 'd': dir = optarg; break;
        case 'm': mech = true; break;
        case 'r': rows_arg = optarg; break;
        case 'S': seed = true; break;
        case 'h': return usage(stdout, 0);
        default: return usage(stderr, 2);
        }
    }
    if ((mech || seed) && (optind < argc || with_linux || with_vm || (mech && seed))) {
        fprintf(stderr, "cellulos: compare: --mechanisms and --seed-table take no scenario,"
                        " --linux or --vm, nor each other\n");
        return 2;
    }
    if (rows_arg && !mech) {
        fprintf(stderr, "cellulos: compare: --rows needs --mechanisms\n");
        return 2;
    }
    if (mech || seed)
        return whole_machine(dir, rows_arg, mech, small, json);
    const char *const *names = optind < argc ? (const char *const *)argv + optind : cel_kv_compare_names;
    size_t n = 0;
    while (names[n] && (optind >= argc || (int)n < argc - optind))
        n++;
    if (with_vm && optind >= argc)
        n = 0;      /* --vm alone: the VM comparison only */
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
        int st = cel_compare_run_scenario(run, path);
        rows[i].ran = st == 0 && analyse(&rows[i], path) == 0;
        if (!rows[i].ran) {
            fprintf(stderr, "cellulos: compare: %s failed (exit %d)\n", run, st);
            status = 1;
        }
    }
    cel_cmp_side sides[2];
    if (rows && with_linux && linux_side(dir, names, n, small, json, sides))
        status = 1;
    cel_vm_side vm_sides[2];
    if (rows && with_vm && cel_compare_vm(dir, json, vm_sides))
        status = 1;
    if (rows && json)
        print_json(rows, n, with_linux ? sides : NULL, with_vm ? vm_sides : NULL);
    else if (rows && n)
        print_table(rows, n);
    if (rows && with_linux && !json)
        cel_compare_linux_print(sides);
    if (rows && with_vm && !json)
        cel_compare_vm_print(vm_sides);
    if (rows && with_vm)
        cel_compare_vm_free(vm_sides);
    if (with_linux)
        cel_compare_linux_free(sides);
    for (size_t i = 0; dir == tmpl && i <= n; i++) {
        char path[PATH_MAX];
        snprintf(path, sizeof path, "%s/%s.csv", dir, i < n ? names[i] : "kv002-linux");
        unlink(path);
    }
    if (dir == tmpl) {
        char path[PATH_MAX];
        static const char *const more[] = { "kv002", "vm", "vm-linux" };
        for (size_t i = 0; i < sizeof more / sizeof *more; i++) {
            snprintf(path, sizeof path, "%s/%s.csv", dir, more[i]);
            unlink(path);
        }
        rmdir(tmpl);
    }
    for (size_t i = 0; rows && i < n; i++)
        row_free(&rows[i]);
    free(rows);
    return status;
}
