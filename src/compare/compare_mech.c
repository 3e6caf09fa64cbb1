/*
 * `cellulos compare --mechanisms`: one matrix, a row per isolation
 * mechanism the kv client/store pair ran under for real (Linux: threads ..
 * the QEMU guest, each with the whole machine extracted; CellulOS: the
 * kv001..kv008 configurations), columns about the store: TCB_A/I/C,
 * CanControl, ControlBy, RSI with the client per type, FR, shared kernel
 * pools.  docs/compare.md explains every row.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../scenarios/mechanisms/mech.h"
#include "compare.h"
#include "../scenarios/scenario_kv.h"

static const char *const mx_types[] = { "MO", "VMR", "FILE", "BLOCK", "SOCKET" };
#define MX_TYPES (sizeof mx_types / sizeof *mx_types)

/* One matrix row. */
typedef struct mx_row {
    char name[40];
    const char *system;             /* "Linux" or "CellulOS" */
    int status;                     /* 0 ran; 1 not available here; -1 failed */
    char why[512], note[320];
    size_t n_pds, n_host;
    char client[96], store[96];     /* labels: "PD_4 (kvstore)" */
    char client_id[64], store_id[64];
    size_t tcb[3];
    double rsi[MX_TYPES];
    bool rsi_has[MX_TYPES];
    uint32_t fr;
    bool has_pools;
    char **list[4];                 /* can_control, control_by, tcb_a, pools_shared IDs */
    size_t n_list[4];
    char **can_labels;              /* [n_list[L_CAN]] "PD_4 (kvstore)" */
} mx_row;
enum { L_CAN, L_BY, L_TCB, L_POOLS };

static const char mx_legend[] =
    "Legend (all about the store; the client is the pair for RSI and FR):\n"
    "  PDs      PDs in the state (the whole machine on Linux; guest PDs, G_, counted\n"
    "           apart for the VM); host = PDs of the host.\n"
    "  TCB A/I/C  size of the store's TCB per property: who can stop or starve it\n"
    "           (A), change what it relies on (I), see what it holds (C). Smaller\n"
    "           is better.\n"
    "  Can/By   CanControl(store): PDs with a control chain to it (stop, read or\n"
    "           change it); ControlBy(store): PDs it controls.  Fewer is better.\n"
    "  RSI T    resource-sharing index of store and client for type T: 0 = nothing\n"
    "           of that type shared (better isolated) .. 1 = all shared.\n"
    "  FR       fault ripple: REQUEST steps until a fault of one reaches what the\n"
    "           other depends on; 0 = same provider .. inf = never (better).\n"
    "  pools    PDs drawing from an exhaustible kernel pool the store draws from\n"
    "           (pid table, files, memory: POOL_* spaces); fewer is better; '-'\n"
    "           when the extractor models no pools.\n";

/* The IDs of a member list (sorted by ID) as strings. */
static char **ids_of(const osm_store *s, const osm_members *m, size_t *n)
{
    char **v = calloc(m->n + 1, sizeof *v);
    for (size_t i = 0; v && i < m->n; i++)
        v[i] = strdup(osm_node_id(s, m->v[i].pd));
    *n = v ? m->n : 0;
    return v;
}

/* The PD a launcher named: an ID, or "PREFIX:NAME" (the first PD whose ID
 * starts with PREFIX and whose name is NAME). */
static osm_id find_named(const osm_store *s, const char *spec)
{
    const char *colon = strchr(spec, ':');
    if (!colon)
        return osm_store_find(s, spec);
    size_t plen = (size_t)(colon - spec);
    osm_id best = OSM_NONE;
    for (osm_id n = osm_store_next_node(s, OSM_NONE); n != OSM_NONE; n = osm_store_next_node(s, n)) {
        const char *nm = osm_node_data_name(s, n), *id = osm_node_id(s, n);
        if (osm_node_kind(s, n) == OSM_PD && nm && strcmp(nm, colon + 1) == 0 &&
            strncmp(id, spec, plen) == 0 &&
            (best == OSM_NONE || cel_compare_id_cmp(id, osm_node_id(s, best)) < 0))
            best = n;
    }
    return best;
}

/* Load the row's state and compute its columns; 0 or -1 with why. */
static int analyse(mx_row *r, const char *path, const char *client, const char *store)
{
    osm_store *s = cel_compare_load(path);
    if (!s) {
        snprintf(r->why, sizeof r->why, "cannot read %s", path);
        return -1;
    }
    osm_id c = OSM_NONE, st = OSM_NONE;
    if (client)
        c = find_named(s, client), st = find_named(s, store);
    else
        cel_compare_kv_pair(s, &c, &st);
    osm_query *q = c != OSM_NONE && st != OSM_NONE ? osm_query_new(s) : NULL;
    osm_cmp m;
    if (!q || osm_compare_pd(q, st, c, &m)) {
        snprintf(r->why, sizeof r->why, "%s: no client/store pair (%s, %s)", path,
                 client ? client : "kvclient", store ? store : "kvstore");
        osm_query_free(q);
        osm_store_free(s);
        return -1;
    }
    r->n_pds = osm_store_node_count_kind(s, OSM_PD);
    for (osm_id n = osm_store_next_node(s, OSM_NONE); n != OSM_NONE; n = osm_store_next_node(s, n))
        r->n_host += osm_node_kind(s, n) == OSM_PD && strncmp(osm_node_id(s, n), "G_", 2) != 0;
    cel_compare_label(s, c, r->client, sizeof r->client);
    cel_compare_label(s, st, r->store, sizeof r->store);
    snprintf(r->client_id, sizeof r->client_id, "%s", osm_node_id(s, c));
    snprintf(r->store_id, sizeof r->store_id, "%s", osm_node_id(s, st));
    for (int p = 0; p < 3; p++)
        r->tcb[p] = m.tcb[p].n;
    for (size_t t = 0; t < MX_TYPES; t++)
        for (size_t i = 0; i < m.n_rsi; i++)
            if (strcmp(osm_store_type_name(s, m.rsi_types[i]), mx_types[t]) == 0)
                r->rsi[t] = m.rsi[i], r->rsi_has[t] = true;
    r->fr = m.fr;
    r->has_pools = m.has_pools;
    if (cel_compare_members(q, st, OSM_COMP_CAN_CONTROL, &r->list[L_CAN], &r->can_labels,
                            &r->n_list[L_CAN]))
        r->n_list[L_CAN] = 0;
    r->list[L_BY] = ids_of(s, &m.control_by, &r->n_list[L_BY]);
    r->list[L_TCB] = ids_of(s, &m.tcb[OSM_PROP_A], &r->n_list[L_TCB]);
    size_t np = osm_cmp_pool_sharers(&m), k = 0;
    r->list[L_POOLS] = calloc(np + 1, sizeof(char *));
    for (size_t i = 0; r->list[L_POOLS] && i < m.n_pool_shares; i++)
        if (i == 0 || m.pool_shares[i].pd != m.pool_shares[i - 1].pd)
            r->list[L_POOLS][k++] = strdup(osm_node_id(s, m.pool_shares[i].pd));
    r->n_list[L_POOLS] = k;
    osm_cmp_free(&m);
    osm_query_free(q);
    osm_store_free(s);
    return 0;
}

static void row_free(mx_row *r)
{
    for (int l = 0; l < 4; l++)
        cel_compare_strv_free(r->list[l], r->n_list[l]);
    cel_compare_strv_free(r->can_labels, r->n_list[L_CAN]);
}

/* Whether name is in the comma-separated list (NULL = every name). */
static bool wanted(const char *list, const char *name)
{
    if (!list)
        return true;
    size_t n = strlen(name);
    for (const char *p = list; *p; p += strcspn(p, ",") + (p[strcspn(p, ",")] == ',')) {
        if (strncmp(p, name, n) == 0 && (p[n] == ',' || p[n] == '\0'))
            return true;
    }
    return false;
}

/* Check every name of the list is a mechanism or a kv scenario. */
static int rows_valid(const char *list)
{
    char buf[64];
    for (const char *p = list; p && *p; p += strcspn(p, ",") + (p[strcspn(p, ",")] == ',')) {
        snprintf(buf, sizeof buf, "%.*s", (int)strcspn(p, ","), p);
        bool ok = false;
        for (int m = 0; m < CEL_MECH_COUNT; m++)
            ok = ok || strcmp(buf, cel_mech_name[m]) == 0;
        for (const char *const *k = cel_kv_compare_names; *k; k++)
            ok = ok || strcmp(buf, *k) == 0;
        if (!ok) {
            fprintf(stderr, "cellulos: compare: --rows: '%s' is neither a mechanism (threads,"
                            " processes, uids, namespaces, seccomp, bubblewrap, podman, vm) nor"
                            " a key-value scenario\n", buf);
            return -1;
        }
    }
    return 0;
}

/* Whether two PD IDs name the same process: PD_<pid>.<tid> (the threads
 * row) matches PD_<pid>. */
static bool same_process(const char *a, const char *b)
{
    size_t la = strcspn(a, "."), lb = strcspn(b, ".");
    return la == lb && strncmp(a, b, la) == 0;
}

/* Whether id is in the CanControl of every row of r's system that ran. */
static bool can_everywhere(const mx_row *rows, size_t n, const mx_row *r, const char *id)
{
    for (size_t i = 0; i < n; i++) {
        if (rows[i].status || strcmp(rows[i].system, r->system))
            continue;
        bool has = false;
        for (size_t k = 0; k < rows[i].n_list[L_CAN] && !has; k++)
            has = same_process(rows[i].list[L_CAN][k], id);
        if (!has)
            return false;
    }
    return true;
}

/* CanControl(store): how many, then those not common to every row of the
 * system (the common ones -- the kernel, root's processes -- are said once). */
static void print_can(const mx_row *rows, size_t n, const mx_row *r)
{
    size_t common = 0, shown = 0;
    for (size_t k = 0; k < r->n_list[L_CAN]; k++)
        common += can_everywhere(rows, n, r, r->list[L_CAN][k]);
    printf("    CanControl %zu: %zu in every %s row", r->n_list[L_CAN], common, r->system);
    for (size_t k = 0; k < r->n_list[L_CAN]; k++)
        if (!can_everywhere(rows, n, r, r->list[L_CAN][k]))
            printf("%s%s", shown++ ? ", " : "; also ", r->can_labels[k]);
    printf("\n");
}

/* The PDs in CanControl of every row of one system, once. */
static void print_common(const mx_row *rows, size_t n, const char *system)
{
    const mx_row *first = NULL;
    for (size_t i = 0; i < n && !first; i++)
        if (!rows[i].status && strcmp(rows[i].system, system) == 0)
            first = &rows[i];
    if (!first)
        return;
    size_t shown = 0;
    printf("  can control the store in every %s row: ", system);
    for (size_t k = 0; k < first->n_list[L_CAN]; k++)
        if (can_everywhere(rows, n, first, first->list[L_CAN][k]))
            printf("%s%s", shown++ ? ", " : "", first->can_labels[k]);
    printf("%s\n", shown ? "" : "(nobody)");
}

static void print_matrix(const mx_row *rows, size_t n)
{
    printf("The kv client/store pair under each isolation mechanism (the store's view):\n\n");
    printf("%-20s %5s %5s %5s %5s %4s %4s", "mechanism", "PDs", "TCB_A", "TCB_I", "TCB_C",
           "Can", "By");
    for (size_t t = 0; t < MX_TYPES; t++)
        printf(" %6s", mx_types[t]);
    printf(" %4s %5s\n", "FR", "pools");
    for (size_t i = 0; i < n; i++) {
        const mx_row *r = &rows[i];
        char name[48];
        snprintf(name, sizeof name, "%s %s", r->system, r->name);
        if (r->status) {
            printf("%-20s %s\n", name, r->status > 0 ? "not available here (see below)" :
                                        "FAILED (see below)");
            continue;
        }
        printf("%-20s %5zu %5zu %5zu %5zu %4zu %4zu", name, r->n_pds, r->tcb[0], r->tcb[1],
               r->tcb[2], r->n_list[L_CAN], r->n_list[L_BY]);
        for (size_t t = 0; t < MX_TYPES; t++)
            if (r->rsi_has[t])
                printf(" %6.3f", r->rsi[t]);
            else
                printf(" %6s", "-");
        if (r->fr == OSM_FR_INF)
            printf(" %4s", "inf");
        else
            printf(" %4u", r->fr);
        if (r->has_pools)
            printf(" %5zu\n", r->n_list[L_POOLS]);
        else
            printf(" %5s\n", "-");
    }
    printf("\nPer row: the store and client, the PDs in the state, who can control the store:\n");
    for (size_t i = 0; i < n; i++) {
        const mx_row *r = &rows[i];
        printf("  %s %s: ", r->system, r->name);
        if (r->status) {
            printf("%s\n", r->why);
            continue;
        }
        printf("store %s, client %s; %zu PDs", r->store, r->client, r->n_pds);
        if (r->n_host != r->n_pds)
            printf(" (%zu host, %zu guest)", r->n_host, r->n_pds - r->n_host);
        else if (strcmp(r->system, "Linux") == 0)
            printf(" (the whole host)");
        printf("%s%s\n", r->note[0] ? "; " : "", r->note);
        print_can(rows, n, r);
    }
    print_common(rows, n, "Linux");
    print_common(rows, n, "CellulOS");
    bool pools = false;
    for (size_t i = 0; i < n; i++)
        pools = pools || rows[i].has_pools;
    if (!pools)
        printf("\n(pools: no state has POOL_ spaces; the extractor models no pools yet)\n");
    printf("\n%s", mx_legend);
}

static void json_strv(osm_json *j, char **v, size_t n)
{
    osm_json_begin_array(j);
    for (size_t i = 0; i < n; i++)
        osm_json_string(j, v[i]);
    osm_json_end_array(j);
}

static void json_row(osm_json *j, const mx_row *r)
{
    static const char *const st[3] = { "unavailable", "ok", "failed" };
    osm_json_begin_object(j);
    if (r->status == 0) {
        osm_json_key(j, "can_control");
        json_strv(j, r->list[L_CAN], r->n_list[L_CAN]);
        osm_json_key(j, "client");
        osm_json_string(j, r->client_id);
        osm_json_key(j, "control_by");
        json_strv(j, r->list[L_BY], r->n_list[L_BY]);
        osm_json_key(j, "fr");
        if (r->fr == OSM_FR_INF)
            osm_json_string(j, "inf");
        else
            osm_json_uint(j, r->fr);
        osm_json_key(j, "host_pds");
        osm_json_uint(j, r->n_host);
    }
    osm_json_key(j, "mechanism");
    osm_json_string(j, r->name);
    if (r->status == 0) {
        osm_json_key(j, "pds");
        osm_json_uint(j, r->n_pds);
        osm_json_key(j, "pools_shared");
        if (r->has_pools)
            json_strv(j, r->list[L_POOLS], r->n_list[L_POOLS]);
        else
            osm_json_null(j);
        osm_json_key(j, "rsi");
        osm_json_begin_object(j);
        static const int by_name[MX_TYPES] = { 3, 2, 0, 4, 1 };  /* BLOCK FILE MO SOCKET VMR */
        for (size_t t = 0; t < MX_TYPES; t++) {
            osm_json_key(j, mx_types[by_name[t]]);
            if (r->rsi_has[by_name[t]])
                osm_json_double(j, r->rsi[by_name[t]]);
            else
                osm_json_null(j);
        }
        osm_json_end_object(j);
    }
    osm_json_key(j, "status");
    osm_json_string(j, st[r->status + 1 == 0 ? 2 : r->status == 0 ? 1 : 0]);
    if (r->status == 0) {
        osm_json_key(j, "store");
        osm_json_string(j, r->store_id);
    }
    osm_json_key(j, "system");
    osm_json_string(j, r->system);
    if (r->status == 0) {
        osm_json_key(j, "tcb_a");
        json_strv(j, r->list[L_TCB], r->n_list[L_TCB]);
        osm_json_key(j, "tcb_sizes");
        osm_json_begin_object(j);
        static const char *const p[3] = { "A", "C", "I" };
        static const int pi[3] = { 0, 2, 1 };
        for (int k = 0; k < 3; k++) {
            osm_json_key(j, p[k]);
            osm_json_uint(j, r->tcb[pi[k]]);
        }
        osm_json_end_object(j);
    }
    osm_json_key(j, "why");
    osm_json_string(j, r->status ? r->why : r->note);
    osm_json_end_object(j);
}

/* DIR/pairs.txt: "NAME STATE STORE CLIENT" per row that ran, for
 * `osmosis compare STATE:STORE:CLIENT ...` (scripts/demo.sh). */
static void write_pairs(const char *dir, const mx_row *rows, size_t n)
{
    char path[PATH_MAX];
    snprintf(path, sizeof path, "%s/pairs.txt", dir);
    FILE *f = fopen(path, "w");
    for (size_t i = 0; f && i < n; i++)
        if (rows[i].status == 0)
            fprintf(f, "%s %s/%s%s.csv %s %s\n", rows[i].name, dir,
                    strcmp(rows[i].system, "Linux") ? "" : "mech-", rows[i].name,
                    rows[i].store_id, rows[i].client_id);
    if (f)
        fclose(f);
}

int cel_compare_mechanisms(const char *dir, const char *rows_arg, bool small, bool json)
{
    if (rows_valid(rows_arg))
        return 2;
    if (geteuid() != 0) {
        fprintf(stderr, "cellulos: compare: --mechanisms runs the pair under uids, namespaces"
                        " and cgroups: run as root\n");
        return 2;
    }
    size_t cap = CEL_MECH_COUNT + 8, n = 0;
    mx_row *rows = calloc(cap, sizeof *rows);
    if (!rows)
        return 1;
    int status = 0;
    unsigned puts = small ? 1000 : 10000;
    for (int m = 0; m < CEL_MECH_COUNT; m++) {
        if (!wanted(rows_arg, cel_mech_name[m]))
            continue;
        mx_row *r = &rows[n++];
        char path[PATH_MAX];
        snprintf(r->name, sizeof r->name, "%s", cel_mech_name[m]);
        r->system = "Linux";
        snprintf(path, sizeof path, "%s/mech-%s.csv", dir, cel_mech_name[m]);
        if (!json)
            fprintf(stderr, "cellulos: compare: running the kv pair on Linux: %s\n", r->name);
        cel_mech_out o;
        r->status = cel_mech_run((cel_mech)m, m == CEL_MECH_VM ? 1000 : puts, path, &o);
        snprintf(r->why, sizeof r->why, "%s", o.why);
        snprintf(r->note, sizeof r->note, "%s", o.note);
        if (r->status == 0 && analyse(r, path, o.client, o.store))
            r->status = -1;
        if (r->status < 0) {
            fprintf(stderr, "cellulos: compare: %s: %s\n", r->name, r->why);
            status = 1;
        } else if (r->status > 0) {
            fprintf(stderr, "cellulos: compare: %s is not available here: %s\n", r->name, r->why);
        }
    }
    for (const char *const *k = cel_kv_compare_names; *k; k++) {
        if (!wanted(rows_arg, *k))
            continue;
        mx_row *r = &rows[n++];
        char path[PATH_MAX], run[40];
        snprintf(r->name, sizeof r->name, "%s", *k);
        r->system = "CellulOS";
        snprintf(path, sizeof path, "%s/%s.csv", dir, *k);
        snprintf(run, sizeof run, "%s%s", *k, small ? "-small" : "");
        if (!json)
            fprintf(stderr, "cellulos: compare: running %s\n", run);
        int st = cel_compare_run_scenario(run, path);
        if (st != 0)
            snprintf(r->why, sizeof r->why, "cellulos run %s failed (exit %d)", run, st);
        r->status = st == 0 && analyse(r, path, NULL, NULL) == 0 ? 0 : -1;
        if (r->status) {
            fprintf(stderr, "cellulos: compare: %s: %s\n", r->name, r->why);
            status = 1;
        }
    }
    write_pairs(dir, rows, n);
    if (json) {
        osm_json j;
        osm_json_init(&j, stdout, true);
        osm_json_begin_object(&j);
        osm_json_key(&j, "kv005");
        osm_json_string(&j, cel_scenario_kv_unsupported("kv005"));
        osm_json_key(&j, "rows");
        osm_json_begin_array(&j);
        for (size_t i = 0; i < n; i++)
            json_row(&j, &rows[i]);
        osm_json_end_array(&j);
        osm_json_end_object(&j);
        osm_json_finish(&j);
    } else {
        print_matrix(rows, n);
        printf("\nCellulOS kv005 is not in the matrix: `cellulos run kv005` says why.\n");
    }
    for (size_t i = 0; i < n; i++)
        row_free(&rows[i]);
    free(rows);
    return status;
}
