/*
 * osmosis describe FILE PD: one process (or container) on one screen, in
 * words, from a Linux extraction (docs/linux.md): namespaces and which it
 * shares with PID 1, capabilities by name, seccomp, cgroups and limits,
 * who shares writable memory and files with it, who can control it, and
 * its TCB size per property.
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "describe.h"
#include "../../extract/linux/linux.h"

static const char help[] =
    "usage: osmosis describe FILE PD [--json]\n"
    "\n"
    "Describe one PD of a Linux extraction (osmosis extract linux) in words:\n"
    "its namespaces and which of them it shares with PID 1, its effective\n"
    "capabilities by name, seccomp mode, cgroups with their limits, the PDs\n"
    "that can write memory or files it uses (the kernel aside), the PDs that\n"
    "can control it, and the size of its TCB for availability (A), integrity\n"
    "(I) and confidentiality (C).\n"
    "\n"
    "      --json   the same as one JSON object (stable keys, sorted IDs)\n";

/* Value of key in a "k=v;k=v" EXTRA into buf ("" when absent). */
static const char *extra_get(const char *extra, const char *key, char *buf, size_t sz)
{
    size_t kl = strlen(key);
    for (const char *p = extra; p && *p; p = strchr(p, ';') ? strchr(p, ';') + 1 : NULL) {
        if (!strncmp(p, key, kl) && p[kl] == '=') {
            const char *v = p + kl + 1, *e = strchr(v, ';');
            size_t n = e ? (size_t)(e - v) : strlen(v);
            if (n >= sz)
                n = sz - 1;
            memcpy(buf, v, n);
            buf[n] = '\0';
            return buf;
        }
    }
    buf[0] = '\0';
    return buf;
}

static const char *const ns_kinds[] = { "cgroup", "ipc", "mnt", "net", "pid", "time", "user", "uts" };

static void describe_namespaces(const osm_store *s, osm_id pd, osm_json *j, FILE *f)
{
    osm_id init = osm_store_find(s, "PD_1");
    char type[16];
    if (j) {
        osm_json_key(j, "namespaces");
        osm_json_begin_object(j);
    } else
        fprintf(f, "namespaces:\n");
    for (size_t i = 0; i < sizeof ns_kinds / sizeof *ns_kinds; i++) {
        snprintf(type, sizeof type, "NS_%s", ns_kinds[i]);
        for (char *t = type + 3; *t; t++)
            *t = (char)(*t - 32);
        osm_id mine = dsc_space_of(s, pd, type);
        osm_id theirs = init != OSM_NONE ? dsc_space_of(s, init, type) : OSM_NONE;
        const char *rel = mine == OSM_NONE ? "unknown"
                          : theirs == OSM_NONE ? "PID 1's not known"
                          : mine == theirs ? "shared with PID 1" : "own (not PID 1's)";
        if (j) {
            osm_json_key(j, ns_kinds[i]);
            osm_json_begin_object(j);
            osm_json_key(j, "id");
            mine == OSM_NONE ? osm_json_null(j) : osm_json_string(j, osm_node_id(s, mine));
            osm_json_key(j, "with_pid1");
            osm_json_string(j, rel);
            osm_json_end_object(j);
        } else
            fprintf(f, "  %-7s %-28s %s\n", ns_kinds[i],
                    mine == OSM_NONE ? "-" : osm_node_id(s, mine), rel);
    }
    if (j)
        osm_json_end_object(j);
}

/* Cgroups pd holds, with their limits and their ancestors' (MAP chain). */
static void describe_cgroups(const osm_store *s, osm_id pd, osm_json *j, FILE *f)
{
    if (j) {
        osm_json_key(j, "cgroups");
        osm_json_begin_array(j);
    } else
        fprintf(f, "cgroups:\n");
    osm_id *cg = NULL;
    size_t n = dsc_spaces_of(s, pd, "CGROUP", &cg);
    for (size_t i = 0; i < n; i++) {
        const char *x = osm_node_extra(s, cg[i]), *lim = x;
        for (int k = 0; k < 2 && lim; k++)      /* skip hierarchy= and path= */
            lim = strchr(lim, ';') ? strchr(lim, ';') + 1 : NULL;
        if (j) {
            osm_json_begin_object(j);
            osm_json_key(j, "id");
            osm_json_string(j, osm_node_id(s, cg[i]));
            osm_json_key(j, "limits");
            osm_json_string(j, lim ? lim : "");
            osm_json_end_object(j);
        } else
            fprintf(f, "  %s%s%s\n", osm_node_id(s, cg[i]), lim ? "  " : "", lim ? lim : "");
    }
    free(cg);
    if (j)
        osm_json_end_array(j);
}

/* Print a list of PD members (sorted by ID), the kernel aside. */
static void print_members(const osm_store *s, const char *key, const char *title,
                          const osm_members *m, osm_json *j, FILE *f)
{
    size_t shown = 0;
    if (j) {
        osm_json_key(j, key);
        osm_json_begin_array(j);
        for (size_t i = 0; i < m->n; i++)
            if (strcmp(osm_node_id(s, m->v[i].pd), "PD_kernel"))
                osm_json_string(j, osm_node_id(s, m->v[i].pd));
        osm_json_end_array(j);
        return;
    }
    fprintf(f, "%s:", title);
    for (size_t i = 0; i < m->n; i++) {
        if (!strcmp(osm_node_id(s, m->v[i].pd), "PD_kernel"))
            continue;
        if (shown++ < 12)
            fprintf(f, " %s (%s)", osm_node_id(s, m->v[i].pd), osm_node_data_name(s, m->v[i].pd));
    }
    if (shown > 12)
        fprintf(f, " ... and %zu more", shown - 12);
    fprintf(f, "%s\n", shown ? "" : " nobody (besides the kernel)");
}

/* Members of one component restricted to some types and a mode. */
static int component(osm_query *q, osm_id pd, uint32_t comp, const char *const *types,
                     uint8_t mode, osm_members *out)
{
    const osm_store *s = osm_query_store(q);
    osm_typeset ts = { 0 };
    for (size_t i = 0; types && types[i]; i++) {
        osm_id t = osm_store_type_lookup(s, types[i]);
        if (t != OSM_NONE && osm_query_type_present(q, t) && osm_typeset_add(q, &ts, t) < 0) {
            osm_typeset_free(&ts);
            return -1;
        }
    }
    memset(out, 0, sizeof *out);
    if (types && ts.n == 0)
        return 0;
    osm_qopts o = { .types = types ? &ts : NULL, .mode = mode };
    int r = osm_query_components(q, pd, comp, &o, out);
    osm_typeset_free(&ts);
    return r;
}

static const char *const mem_types[] = { "MO", "MEMFD", "SHM", NULL };
static const char *const file_types[] = { "FILE", "PIPE", "SOCKET", "DEVICE", "EVENTFD", NULL };

/* One member list: shared memory ('m'), shared files ('f') or control ('c'). */
static int describe_list(osm_query *q, osm_id pd, char which, osm_json *j, FILE *f)
{
    const osm_store *s = osm_query_store(q);
    osm_members m;
    int r = which == 'c' ? component(q, pd, OSM_COMP_CAN_CONTROL, NULL, 0, &m)
                         : component(q, pd, OSM_COMP_SHARED_RESOURCES,
                                     which == 'm' ? mem_types : file_types, OSM_PERM_W, &m);
    if (r < 0)
        return -1;
    if (which == 'm')
        print_members(s, "writable_memory_shared_with", "writable memory shared with", &m, j, f);
    else if (which == 'f')
        print_members(s, "writable_files_shared_with", "writable files/pipes/sockets shared with",
                      &m, j, f);
    else
        print_members(s, "controlled_by", "can be controlled by", &m, j, f);
    osm_members_free(&m);
    return 0;
}

static int describe_tcb(osm_query *q, osm_id pd, osm_json *j, FILE *f)
{
    static const char *const props[] = { "A", "C", "I" };
    osm_members m;
    if (j) {
        osm_json_key(j, "tcb_size");
        osm_json_begin_object(j);
    } else
        fprintf(f, "TCB size:");
    for (int p = 0; p < 3; p++) {
        osm_qopts o = { .property = (osm_property)osm_property_parse(props[p]) };
        if (osm_tcb(q, pd, &o, &m) < 0)
            return -1;
        if (j) {
            osm_json_key(j, props[p]);
            osm_json_uint(j, m.n);
        } else
            fprintf(f, " %s=%zu", props[p], m.n);
        osm_members_free(&m);
    }
    if (j)
        osm_json_end_object(j);
    else
        fprintf(f, "  PDs (A availability, C confidentiality, I integrity)\n");
    return 0;
}

/* The PD's scalar facts, from its EXTRA. */
typedef struct pd_facts {
    char uid[64], gid[64], sec[16], nnp[8], caps[1024], bnd[1024];
} pd_facts;

static void read_facts(const osm_store *s, osm_id pd, pd_facts *x)
{
    const char *e = osm_node_extra(s, pd);
    char hex[24];
    extra_get(e, "uid", x->uid, sizeof x->uid);
    extra_get(e, "gid", x->gid, sizeof x->gid);
    extra_get(e, "seccomp", x->sec, sizeof x->sec);
    extra_get(e, "no_new_privs", x->nnp, sizeof x->nnp);
    osm_lx_cap_names(strtoull(extra_get(e, "cap_eff", hex, sizeof hex), NULL, 16), x->caps,
                     sizeof x->caps);
    osm_lx_cap_names(strtoull(extra_get(e, "cap_bnd", hex, sizeof hex), NULL, 16), x->bnd,
                     sizeof x->bnd);
}

static void json_str(osm_json *j, const char *key, const char *v)
{
    osm_json_key(j, key);
    osm_json_string(j, v);
}

/* JSON: every key in sorted order. */
static int describe_json(osm_query *q, osm_id pd, const pd_facts *x)
{
    const osm_store *s = osm_query_store(q);
    osm_json j;
    osm_json_init(&j, stdout, false);
    osm_json_begin_object(&j);
    json_str(&j, "bounding_capabilities", x->bnd);
    json_str(&j, "capabilities", x->caps);
    describe_cgroups(s, pd, &j, stdout);
    if (describe_list(q, pd, 'c', &j, stdout) < 0)
        return -1;
    json_str(&j, "gid", x->gid);
    json_str(&j, "id", osm_node_id(s, pd));
    json_str(&j, "name", osm_node_data_name(s, pd));
    describe_namespaces(s, pd, &j, stdout);
    json_str(&j, "no_new_privs", x->nnp);
    dsc_pools(s, pd, &j, stdout);
    json_str(&j, "seccomp", x->sec);
    if (describe_tcb(q, pd, &j, stdout) < 0)
        return -1;
    json_str(&j, "uid", x->uid);
    dsc_uncertain(s, pd, &j, stdout);
    if (describe_list(q, pd, 'f', &j, stdout) < 0 || describe_list(q, pd, 'm', &j, stdout) < 0)
        return -1;
    osm_json_end_object(&j);
    osm_json_finish(&j);
    return 0;
}

static int describe_text(osm_query *q, osm_id pd, const pd_facts *x)
{
    const osm_store *s = osm_query_store(q);
    FILE *f = stdout;
    fprintf(f, "%s  %s\n", osm_node_id(s, pd), osm_node_data_name(s, pd));
    fprintf(f, "uid (real,eff,saved,fs): %s   gid: %s\n", x->uid[0] ? x->uid : "?",
            x->gid[0] ? x->gid : "?");
    fprintf(f, "capabilities (effective): %s\n", x->caps);
    fprintf(f, "capabilities (bounding):  %s\n", x->bnd);
    fprintf(f, "seccomp: %s   no_new_privs: %s\n", x->sec[0] ? x->sec : "?",
            x->nnp[0] ? x->nnp : "?");
    describe_namespaces(s, pd, NULL, f);
    describe_cgroups(s, pd, NULL, f);
    if (describe_list(q, pd, 'm', NULL, f) < 0 || describe_list(q, pd, 'f', NULL, f) < 0 ||
        describe_list(q, pd, 'c', NULL, f) < 0)
        return -1;
    dsc_uncertain(s, pd, NULL, f);
    dsc_pools(s, pd, NULL, f);
    return describe_tcb(q, pd, NULL, f);
}

static int run(int argc, char **argv)
{
    static const struct option opts[] = { { "json", no_argument, 0, 'j' },
                                          { "help", no_argument, 0, 'h' }, { 0, 0, 0, 0 } };
    bool json = false;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 'j': json = true; break;
        case 'h': fputs(help, stdout); return CLI_OK;
        default: fputs(help, stderr); return CLI_USAGE;
        }
    }
    if (optind != argc - 2)
        return cli_usage_error("describe", "expected FILE and PD");
    cli_load_opts lo = { .quiet = true, .no_control = true };
    cli_loaded l;
    if (cli_load(argv[optind], &lo, &l) == CLI_USAGE)
        return CLI_USAGE;
    osm_id pd = cli_find_pd(l.store, "describe", argv[optind + 1]);
    osm_query *q = pd != OSM_NONE ? osm_query_new(l.store) : NULL;
    int st = CLI_USAGE;
    if (q) {
        pd_facts x;
        read_facts(l.store, pd, &x);
        int r = json ? describe_json(q, pd, &x) : describe_text(q, pd, &x);
        st = r < 0 ? CLI_USAGE : CLI_OK;
        if (r < 0)
            fprintf(stderr, "osmosis describe: out of memory\n");
    }
    osm_query_free(q);
    cli_loaded_free(&l);
    return st;
}

OSM_VERB(describe, "describe", run, "one process of a Linux extraction, in words");
