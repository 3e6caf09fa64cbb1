/* osmosis info: counts by kind, type and edge kind. */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static const char help[] =
    "usage: osmosis info FILE [--json] [--no-control] [--process] [--strict]\n"
    "\n"
    "Count what a state holds: nodes by kind and type, edges by kind.  What was\n"
    "read from FILE and what import added (ROOT_TASK control edges, processing\n"
    "copies) are reported separately.\n"
    "\n"
    "      --json        machine-readable output (stable key order)\n"
    "      --no-control  do not add ROOT_TASK control edges\n"
    "      --process     apply the processing split first\n"
    "      --strict      exit 1 if any line was unusable\n";

typedef struct type_count {
    const char *kind, *type;
    size_t n;
} type_count;

static int cmp_tc(const void *a, const void *b)
{
    const type_count *x = a, *y = b;
    int c = strcmp(x->kind, y->kind);
    return c ? c : strcmp(x->type, y->type);
}

/* Count resources and spaces per type (PD names are not types). */
static type_count *count_types(const osm_store *s, size_t *n_out)
{
    size_t nt = osm_store_type_count(s);
    size_t *cnt = calloc(nt * 2 + 1, sizeof *cnt);
    if (!cnt)
        return NULL;
    for (osm_id n = osm_store_next_node(s, OSM_NONE); n != OSM_NONE; n = osm_store_next_node(s, n)) {
        osm_kind k = osm_node_kind(s, n);
        if (k != OSM_PD)
            cnt[osm_node_data(s, n) * 2 + (k == OSM_SPACE)]++;
    }
    type_count *v = malloc((nt * 2 + 1) * sizeof *v);
    size_t m = 0;
    for (size_t i = 0; v && i < nt * 2; i++)
        if (cnt[i])
            v[m++] = (type_count){ (i & 1) ? "RESOURCE_SPACE" : "RESOURCE",
                                   osm_store_type_name(s, (osm_id)(i / 2)), cnt[i] };
    free(cnt);
    if (v)
        qsort(v, m, sizeof *v, cmp_tc);
    *n_out = m;
    return v;
}

static void print_json(const cli_loaded *l, const char *file, const type_count *tc, size_t ntc)
{
    const osm_store *s = l->store;
    osm_json j;
    osm_json_init(&j, stdout, true);
    osm_json_begin_object(&j);
    osm_json_key(&j, "file");
    osm_json_string(&j, file);
    osm_json_key(&j, "read");
    osm_json_begin_object(&j);
    osm_json_key(&j, "nodes");
    osm_json_begin_object(&j);
    for (int k = 0; k < OSM_KIND_COUNT; k++) {
        osm_json_key(&j, osm_kind_name((osm_kind)k));
        osm_json_uint(&j, l->stats.nodes_new[k]);
    }
    osm_json_end_object(&j);
    osm_json_key(&j, "edges");
    osm_json_begin_object(&j);
    for (int k = 0; k < OSM_EDGE_KIND_COUNT; k++) {
        osm_json_key(&j, osm_edge_kind_name((osm_edge_kind)k));
        osm_json_uint(&j, l->stats.edge_rows[k]);
    }
    osm_json_end_object(&j);
    osm_json_key(&j, "repeated_nodes_merged");
    osm_json_uint(&j, l->stats.nodes_merged);
    osm_json_key(&j, "lines");
    osm_json_uint(&j, l->stats.lines);
    osm_json_key(&j, "problems");
    osm_json_uint(&j, l->row_problems);
    osm_json_end_object(&j);
    osm_json_key(&j, "added");
    osm_json_begin_object(&j);
    osm_json_key(&j, "control_edges");
    osm_json_uint(&j, l->control_added);
    osm_json_key(&j, "processing_pds");
    osm_json_uint(&j, l->process.pds_added);
    osm_json_end_object(&j);
    osm_json_key(&j, "total");
    osm_json_begin_object(&j);
    osm_json_key(&j, "nodes");
    osm_json_uint(&j, osm_store_node_count(s));
    osm_json_key(&j, "edges");
    osm_json_uint(&j, osm_store_edge_count(s));
    osm_json_key(&j, "by_kind");
    osm_json_begin_object(&j);
    for (int k = 0; k < OSM_KIND_COUNT; k++) {
        osm_json_key(&j, osm_kind_name((osm_kind)k));
        osm_json_uint(&j, osm_store_node_count_kind(s, (osm_kind)k));
    }
    osm_json_end_object(&j);
    osm_json_key(&j, "by_edge_kind");
    osm_json_begin_object(&j);
    for (int k = 0; k < OSM_EDGE_KIND_COUNT; k++) {
        osm_json_key(&j, osm_edge_kind_name((osm_edge_kind)k));
        osm_json_uint(&j, osm_store_edge_count_kind(s, (osm_edge_kind)k));
    }
    osm_json_end_object(&j);
    osm_json_key(&j, "by_type");
    osm_json_begin_object(&j);
    for (int pass = 0; pass < 2; pass++) {
        const char *kind = pass ? "RESOURCE_SPACE" : "RESOURCE";
        osm_json_key(&j, kind);
        osm_json_begin_object(&j);
        for (size_t i = 0; i < ntc; i++)
            if (!strcmp(tc[i].kind, kind)) {
                osm_json_key(&j, tc[i].type);
                osm_json_uint(&j, tc[i].n);
            }
        osm_json_end_object(&j);
    }
    osm_json_end_object(&j);
    osm_json_end_object(&j);
    osm_json_end_object(&j);
    osm_json_finish(&j);
}

static void print_text(const cli_loaded *l, const char *file, const type_count *tc, size_t ntc)
{
    const osm_store *s = l->store;
    const osm_csv_stats *st = &l->stats;
    uint64_t nodes = 0, edges = 0;
    for (int k = 0; k < OSM_KIND_COUNT; k++)
        nodes += st->nodes_new[k];
    for (int k = 0; k < OSM_EDGE_KIND_COUNT; k++)
        edges += st->edge_rows[k];
    printf("%s\n", file);
    printf("read:   %llu nodes (%llu PD, %llu RESOURCE_SPACE, %llu RESOURCE), %llu edges\n",
           (unsigned long long)nodes, (unsigned long long)st->nodes_new[OSM_PD],
           (unsigned long long)st->nodes_new[OSM_SPACE],
           (unsigned long long)st->nodes_new[OSM_RESOURCE], (unsigned long long)edges);
    printf("        edges:");
    for (int k = 0; k < OSM_EDGE_KIND_COUNT; k++)
        if (st->edge_rows[k] || k < OSM_CREATEDBY)
            printf(" %llu %s", (unsigned long long)st->edge_rows[k],
                   osm_edge_kind_name((osm_edge_kind)k));
    printf("\n        %llu lines, %llu repeated node rows merged, %zu problems\n",
           (unsigned long long)st->lines, (unsigned long long)st->nodes_merged,
           l->row_problems);
    printf("added:  %zu control edges (ROOT_TASK -> PD)", l->control_added);
    if (l->process.pds_added)
        printf(", %zu PDs by processing", l->process.pds_added);
    printf("\ntotal:  %zu nodes, %zu edges\n\n", osm_store_node_count(s), osm_store_edge_count(s));
    printf("  %-16s %-20s %8s\n", "KIND", "TYPE", "COUNT");
    printf("  %-16s %-20s %8zu\n", "PD", "", osm_store_node_count_kind(s, OSM_PD));
    for (size_t i = 0; i < ntc; i++)
        printf("  %-16s %-20s %8zu\n", tc[i].kind, tc[i].type, tc[i].n);
    printf("\n  %-16s %8s\n", "EDGE", "COUNT");
    for (int k = 0; k < OSM_EDGE_KIND_COUNT; k++)
        printf("  %-16s %8zu\n", osm_edge_kind_name((osm_edge_kind)k),
               osm_store_edge_count_kind(s, (osm_edge_kind)k));
}

static int run(int argc, char **argv)
{
    static const struct option opts[] = {
        { "json", no_argument, 0, 'j' },       { "no-control", no_argument, 0, 'n' },
        { "process", no_argument, 0, 'p' },    { "strict", no_argument, 0, 's' },
        { "help", no_argument, 0, 'h' },       { 0, 0, 0, 0 } };
    cli_load_opts lo = { .quiet = false };
    bool json = false;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 'j': json = true; break;
        case 'n': lo.no_control = true; break;
        case 'p': lo.process = true; break;
        case 's': lo.strict = true; break;
        case 'h': fputs(help, stdout); return CLI_OK;
        default: fputs(help, stderr); return CLI_USAGE;
        }
    }
    if (optind != argc - 1)
        return cli_usage_error("info", "expected one FILE");
    cli_loaded l;
    int st = cli_load(argv[optind], &lo, &l);
    if (st == CLI_USAGE)
        return st;
    size_t ntc = 0;
    type_count *tc = count_types(l.store, &ntc);
    if (json)
        print_json(&l, argv[optind], tc, ntc);
    else
        print_text(&l, argv[optind], tc, ntc);
    free(tc);
    cli_loaded_free(&l);
    return st;
}

OSM_VERB(info, "info", run, "counts by kind, type and edge kind");
