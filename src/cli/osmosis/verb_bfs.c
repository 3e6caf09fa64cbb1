/* osmosis bfs: the walk primitive of MODEL.md §3, as a command. */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "query_cli.h"

static const char help[] =
    "usage: osmosis bfs FILE START --edges hold,map,subset,request --dir fwd|back|both\n"
    "                   [--mode M] [--depth N] [--kinds pd,resource,space] [--types T,...]\n"
    "                   [--why] [--json] [--process]\n"
    "\n"
    "The nodes reached from START (START excluded).  Only edges of the listed kinds\n"
    "are followed, and an edge with permissions only when it has every letter of\n"
    "--mode (default ANY).  A PD other than START is reached but never walked\n"
    "through.  --depth bounds the edges on a path (default inf); --kinds and\n"
    "--types filter the result, never the walk.  Output is in BFS order (depth,\n"
    "then ID); --json lists IDs sorted.\n";

/* Parse a comma list of names into a bit mask; -1 on an unknown name. */
static int parse_list(const char *arg, const char *const *names, size_t n, uint32_t *mask)
{
    char *dup = strdup(arg);
    if (!dup)
        return -1;
    *mask = 0;
    int rc = 0;
    for (char *t = strtok(dup, ","); t && !rc; t = strtok(NULL, ",")) {
        size_t i = 0;
        while (i < n && strcasecmp(t, names[i]))
            i++;
        if (i == n)
            rc = -1;
        else
            *mask |= 1u << i;
    }
    free(dup);
    return rc || !*mask ? -1 : 0;
}

static int run(int argc, char **argv)
{
    static const struct option opts[] = {
        { "edges", required_argument, 0, 'e' }, { "dir", required_argument, 0, 'd' },
        { "mode", required_argument, 0, 'm' }, { "depth", required_argument, 0, 'D' },
        { "kinds", required_argument, 0, 'k' }, { "types", required_argument, 0, 't' },
        { "why", no_argument, 0, 'w' }, { "json", no_argument, 0, 'j' },
        { "process", no_argument, 0, 'p' }, { "help", no_argument, 0, 'h' }, { 0, 0, 0, 0 } };
    static const char *const edge_names[] = { "hold", "map", "subset", "request" };
    static const char *const kind_names[] = { "pd", "resource", "space" };
    static const char *const dir_names[] = { "fwd", "back", "both" };
    qcli c;
    qcli_init(&c);
    osm_bfs_opts bo = { 0 };
    const char *edges = NULL, *dir = NULL;
    uint32_t depth = OSM_DEPTH_INF;
    int ch;
    optind = 1;
    while ((ch = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (ch) {
        case 'e': edges = optarg; break;
        case 'd': dir = optarg; break;
        case 'm': c.mode_arg = optarg; break;
        case 'D':
            if (qcli_parse_depth(optarg, &depth) < 0)
                return cli_usage_error("bfs", "bad depth '%s' (an integer or inf)", optarg);
            break;
        case 'k':
            if (parse_list(optarg, kind_names, 3, &bo.node_kinds) < 0)
                return cli_usage_error("bfs", "bad --kinds '%s' (pd,resource,space)", optarg);
            break;
        case 't': c.types_arg = optarg; break;
        case 'w': bo.why = true; break;
        case 'j': c.json = true; break;
        case 'p': c.lo.process = true; break;
        case 'h': fputs(help, stdout); return CLI_OK;
        default: fputs(help, stderr); return CLI_USAGE;
        }
    }
    if (argc - optind != 2)
        return cli_usage_error("bfs", "expected FILE START");
    if (!edges || parse_list(edges, edge_names, 4, &bo.edge_kinds) < 0)
        return cli_usage_error("bfs", "--edges needs a list of hold,map,subset,request");
    uint32_t dmask = 0;
    if (!dir || parse_list(dir, dir_names, 3, &dmask) < 0 || (dmask & (dmask - 1)))
        return cli_usage_error("bfs", "--dir needs one of fwd, back, both");
    bo.dir = dmask == 1 ? OSM_DIR_FWD : dmask == 2 ? OSM_DIR_BACK : OSM_DIR_BOTH;
    bool zero_depth = depth == 0;       /* nothing but START, which is excluded */
    bo.depth = zero_depth ? 1 : depth;
    int st = qcli_open(&c, "bfs", argv[optind]);
    if (st != CLI_OK) {
        qcli_close(&c);
        return st;
    }
    const osm_store *s = c.loaded.store;
    osm_id start = osm_store_find(s, argv[optind + 1]);
    if (start == OSM_NONE) {
        fprintf(stderr, "osmosis bfs: no node '%s' in the state\n", argv[optind + 1]);
        qcli_close(&c);
        return CLI_USAGE;
    }
    bo.mode = c.opts.mode;
    bo.types = c.opts.types;
    osm_bfs_result r;
    if (osm_bfs(c.q, start, &bo, &r) < 0) {
        qcli_close(&c);
        return qcli_oom("bfs");
    }
    if (zero_depth)
        r.n = 0;
    if (c.json) {
        osm_json j;
        osm_json_init(&j, stdout, false);
        osm_json_begin_object(&j);
        osm_json_key(&j, "query");
        osm_json_string(&j, "bfs");
        osm_json_key(&j, "start");
        osm_json_string(&j, argv[optind + 1]);
        osm_json_key(&j, "result");
        qcli_json_ids(&j, s, r.nodes, r.n);
        osm_json_end_object(&j);
        osm_json_finish(&j);
    } else {
        printf("bfs from %s: %zu nodes\n", argv[optind + 1], r.n);
        if (r.n)
            printf("  %5s  %-16s %-24s %s\n", "DEPTH", "KIND", "ID", "TYPE");
        size_t cap = osm_query_snapshot(c.q)->n_nodes + 1;
        osm_step *path = bo.why ? malloc(cap * sizeof *path) : NULL;
        for (size_t i = 0; i < r.n; i++) {
            osm_id v = r.nodes[i];
            printf("  %5u  %-16s %-24s %s\n", r.depth[i], osm_kind_name(osm_node_kind(s, v)),
                   osm_node_id(s, v), osm_node_data_name(s, v));
            if (path) {
                size_t len = osm_bfs_path(&r, v, path, cap);
                char *chain = osm_steps_format(c.q, path, len);
                printf("         why: %s\n", chain ? chain : "?");
                free(chain);
            }
        }
        free(path);
    }
    osm_bfs_result_free(&r);
    qcli_close(&c);
    return CLI_OK;
}

OSM_VERB(bfs, "bfs", run, "nodes reached from a node (MODEL.md §3 walk)");
