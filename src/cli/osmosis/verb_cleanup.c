/* osmosis cleanup: what a PD's crash takes with it (MODEL.md §6). */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "query_cli.h"

static const char help[] =
    "usage: osmosis cleanup FILE PD (--policy 1a|1b|2a|2b | --pd-depth N --rs-depth N)\n"
    "                       [--json] [--process]\n"
    "\n"
    "Simulate the crash of PD: the spaces it holds are deleted with their\n"
    "resources, then up to --rs-depth rounds of spaces that MAP to a deleted space;\n"
    "up to --pd-depth rounds of PDs that hold a deleted resource or REQUEST a\n"
    "destroyed PD for a deleted space's type are destroyed in turn.  Depths are\n"
    "integers or inf.  The root task and kernel PDs are never destroyed by a\n"
    "policy.  Policies: 1a = (0, 0), 1b = (0, inf), 2a = (1, 0), 2b = (inf, 0).\n";

static void json_depth(osm_json *j, const char *key, uint32_t d)
{
    osm_json_key(j, key);
    if (d == OSM_DEPTH_INF)
        osm_json_string(j, "inf");
    else
        osm_json_uint(j, d);
}

static int cmp_by_id(const void *a, const void *b, void *store)
{
    return strcmp(osm_node_id(store, *(const osm_id *)a), osm_node_id(store, *(const osm_id *)b));
}

/* Sort IDs by their string ID, so both outputs list them the same way. */
static void sort_ids(const osm_store *s, osm_id *v, size_t n)
{
    if (n > 1)
        qsort_r(v, n, sizeof *v, cmp_by_id, (void *)s);
}

static void print_list(const osm_store *s, const char *what, const osm_id *v, size_t n)
{
    printf("  %-18s %6zu ", what, n);
    for (size_t i = 0; i < n && i < 12; i++)
        printf(" %s", osm_node_id(s, v[i]));
    printf(n > 12 ? " ...\n" : "\n");
}

static int run(int argc, char **argv)
{
    static const struct option opts[] = {
        { "policy", required_argument, 0, 'P' }, { "pd-depth", required_argument, 0, 'd' },
        { "rs-depth", required_argument, 0, 'r' }, { "json", no_argument, 0, 'j' },
        { "process", no_argument, 0, 'p' }, { "help", no_argument, 0, 'h' }, { 0, 0, 0, 0 } };
    qcli c;
    qcli_init(&c);
    const char *policy = NULL, *pd_arg = NULL, *rs_arg = NULL;
    int ch;
    optind = 1;
    while ((ch = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (ch) {
        case 'P': policy = optarg; break;
        case 'd': pd_arg = optarg; break;
        case 'r': rs_arg = optarg; break;
        case 'j': c.json = true; break;
        case 'p': c.lo.process = true; break;
        case 'h': fputs(help, stdout); return CLI_OK;
        default: fputs(help, stderr); return CLI_USAGE;
        }
    }
    if (argc - optind != 2)
        return cli_usage_error("cleanup", "expected FILE PD");
    uint32_t dpd = 0, drs = 0;
    if (policy) {
        if (pd_arg || rs_arg)
            return cli_usage_error("cleanup", "--policy excludes --pd-depth/--rs-depth");
        if (osm_cleanup_policy(policy, &dpd, &drs) < 0)
            return cli_usage_error("cleanup", "unknown policy '%s' (1a, 1b, 2a, 2b)", policy);
    } else {
        if (!pd_arg || !rs_arg)
            return cli_usage_error("cleanup", "give --policy, or both --pd-depth and --rs-depth");
        if (qcli_parse_depth(pd_arg, &dpd) < 0 || qcli_parse_depth(rs_arg, &drs) < 0)
            return cli_usage_error("cleanup", "depths are non-negative integers or inf");
    }
    int st = qcli_open(&c, "cleanup", argv[optind]);
    const osm_store *s = c.loaded.store;
    osm_id pd = st == CLI_OK ? cli_find_pd(s, "cleanup", argv[optind + 1]) : OSM_NONE;
    osm_cleanup_result r;
    if (st == CLI_OK && pd == OSM_NONE)
        st = CLI_USAGE;
    else if (st == CLI_OK && osm_cleanup_sim(s, pd, dpd, drs, &r) < 0)
        st = qcli_oom("cleanup");
    if (st != CLI_OK) {
        qcli_close(&c);
        return st;
    }
    sort_ids(s, r.pds, r.n_pds);
    sort_ids(s, r.spaces, r.n_spaces);
    sort_ids(s, r.resources, r.n_resources);
    if (c.json) {
        osm_json j;
        osm_json_init(&j, stdout, false);
        osm_json_begin_object(&j);
        osm_json_key(&j, "query");
        osm_json_string(&j, "cleanup");
        osm_json_key(&j, "pd");
        osm_json_string(&j, argv[optind + 1]);
        json_depth(&j, "pd_depth", dpd);
        json_depth(&j, "rs_depth", drs);
        osm_json_key(&j, "result");
        osm_json_begin_object(&j);
        osm_json_key(&j, "pds_destroyed");
        qcli_json_ids(&j, s, r.pds, r.n_pds);
        osm_json_key(&j, "spaces_deleted");
        qcli_json_ids(&j, s, r.spaces, r.n_spaces);
        osm_json_key(&j, "resources_deleted");
        qcli_json_ids(&j, s, r.resources, r.n_resources);
        osm_json_end_object(&j);
        osm_json_end_object(&j);
        osm_json_finish(&j);
    } else {
        char a[16], b[16];
        snprintf(a, sizeof a, dpd == OSM_DEPTH_INF ? "inf" : "%u", dpd);
        snprintf(b, sizeof b, drs == OSM_DEPTH_INF ? "inf" : "%u", drs);
        printf("cleanup of %s (pd depth %s, rs depth %s)\n", argv[optind + 1], a, b);
        print_list(s, "pds destroyed", r.pds, r.n_pds);
        print_list(s, "spaces deleted", r.spaces, r.n_spaces);
        print_list(s, "resources deleted", r.resources, r.n_resources);
    }
    osm_cleanup_result_free(&r);
    qcli_close(&c);
    return CLI_OK;
}

OSM_VERB(cleanup, "cleanup", run, "simulate what a PD's crash takes with it (policies)");
