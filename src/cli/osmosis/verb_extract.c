/*
 * osmosis extract KIND ...: build a model state from a real system.  Each
 * kind is one row of `kinds` (linux here; sdf, vm, ... join by adding a
 * row and a run function in their own file).
 */
#include <getopt.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "../../extract/linux/linux.h"

static const char help_linux[] =
    "usage: osmosis extract linux [-o FILE] [--format csv|json] [--pid P1,P2,... | --all]\n"
    "                             [--threads] [--pages] [--no-phys] [--proc DIR]\n"
    "\n"
    "Build a model state of the running Linux system from /proc (docs/linux.md):\n"
    "a PD per process (PD_<pid>) and the kernel (PD_kernel); per process an ADS\n"
    "with a VMR per mapping, MAPped to its FILE and to the physical frames (MO)\n"
    "behind it; open descriptors as FILE/SOCKET/PIPE/... resources; namespaces and\n"
    "cgroups (with limits) as spaces; control edges where Linux would allow\n"
    "signalling (T) or ptrace (RWT).  Processes that exit during the scan are\n"
    "skipped and counted; what could not be seen is said once on stderr.\n"
    "\n"
    "  -o, --output FILE  where to write (default stdout; written whole or not at all)\n"
    "      --format F     csv (CellulOS CSV, default) or json\n"
    "      --pid LIST     only these processes (comma-separated PIDs)\n"
    "      --all          every process (the default)\n"
    "      --threads      one PD per thread, PD_<pid>.<tid>, sharing the ADS\n"
    "      --pages        one MO per physical page instead of runs of frames\n"
    "      --no-phys      do not read pagemap/iomem (no MO resources)\n"
    "      --proc DIR     read a captured copy of /proc (scripts/capture-proc.sh);\n"
    "                     implies --no-phys (pagemap cannot be captured)\n";

/* Parse "1,2,3" into a sorted, duplicate-free array; -1 on a bad entry. */
static int parse_pids(const char *s, int **out, size_t *n)
{
    size_t cap = 16, k = 0;
    int *v = malloc(cap * sizeof *v);
    if (!v)
        return -1;
    while (*s) {
        char *end;
        long p = strtol(s, &end, 10);
        if (end == s || p <= 0 || p > INT_MAX || (*end && *end != ',')) {
            free(v);
            return -1;
        }
        if (k == cap) {
            int *nv = realloc(v, (cap *= 2) * sizeof *v);
            if (!nv) {
                free(v);
                return -1;
            }
            v = nv;
        }
        v[k++] = (int)p;
        s = *end ? end + 1 : end;
    }
    for (size_t i = 1; i < k; i++)          /* insertion sort: lists are short */
        for (size_t j = i; j > 0 && v[j - 1] > v[j]; j--) {
            int t = v[j];
            v[j] = v[j - 1];
            v[j - 1] = t;
        }
    size_t u = 0;
    for (size_t i = 0; i < k; i++)
        if (!u || v[u - 1] != v[i])
            v[u++] = v[i];
    *out = v;
    *n = u;
    return u ? 0 : -1;
}

/* A state as JSON: nodes and edges in store order (stable). */
static int write_json(const osm_store *s, FILE *f)
{
    osm_json j;
    osm_json_init(&j, f, false);
    osm_json_begin_object(&j);
    osm_json_key(&j, "nodes");
    osm_json_begin_array(&j);
    for (osm_id n = osm_store_next_node(s, OSM_NONE); n != OSM_NONE; n = osm_store_next_node(s, n)) {
        osm_json_begin_object(&j);
        osm_json_key(&j, "data");
        osm_json_string(&j, osm_node_data_name(s, n));
        osm_json_key(&j, "extra");
        osm_json_string(&j, osm_node_extra(s, n));
        osm_json_key(&j, "id");
        osm_json_string(&j, osm_node_id(s, n));
        osm_json_key(&j, "kind");
        osm_json_string(&j, osm_kind_name(osm_node_kind(s, n)));
        osm_json_end_object(&j);
    }
    osm_json_end_array(&j);
    osm_json_key(&j, "edges");
    osm_json_begin_array(&j);
    osm_edge e;
    char pb[8];
    for (osm_id i = osm_store_next_edge(s, OSM_NONE); i != OSM_NONE; i = osm_store_next_edge(s, i)) {
        osm_store_edge(s, i, &e);
        osm_json_begin_object(&j);
        osm_json_key(&j, "from");
        osm_json_string(&j, osm_node_id(s, e.from));
        osm_json_key(&j, "kind");
        osm_json_string(&j, osm_edge_kind_name((osm_edge_kind)e.kind));
        osm_json_key(&j, "perms");
        osm_json_string(&j, osm_perms_format(e.perms, pb));
        osm_json_key(&j, "to");
        osm_json_string(&j, osm_node_id(s, e.to));
        if (e.kind == OSM_REQUEST) {
            osm_json_key(&j, "type");
            osm_json_string(&j, osm_store_type_name(s, e.type));
        }
        osm_json_end_object(&j);
    }
    osm_json_end_array(&j);
    osm_json_end_object(&j);
    osm_json_finish(&j);
    return ferror(f) ? -1 : 0;
}

static int write_state(const osm_store *s, const char *out, bool json)
{
    cli_out o;
    if (cli_out_open(&o, out) < 0)
        return CLI_USAGE;
    if ((json ? write_json(s, o.f) : osm_csv_write(s, o.f)) < 0) {
        cli_out_abort(&o);
        fprintf(stderr, "osmosis extract: write error\n");
        return CLI_USAGE;
    }
    return cli_out_commit(&o) < 0 ? CLI_USAGE : CLI_OK;
}

static int run_linux(int argc, char **argv)
{
    static const struct option opts[] = {
        { "output", required_argument, 0, 'o' }, { "format", required_argument, 0, 'f' },
        { "pid", required_argument, 0, 'p' },    { "all", no_argument, 0, 'a' },
        { "threads", no_argument, 0, 't' },      { "pages", no_argument, 0, 'P' },
        { "no-phys", no_argument, 0, 'n' },      { "proc", required_argument, 0, 'r' },
        { "help", no_argument, 0, 'h' },         { 0, 0, 0, 0 } };
    osm_lx_opts lo = { .proc = "/proc", .live = true };
    const char *out = NULL, *pids = NULL;
    bool json = false, all = false;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "o:h", opts, NULL)) != -1) {
        switch (c) {
        case 'o': out = optarg; break;
        case 'f':
            if (strcmp(optarg, "csv") && strcmp(optarg, "json"))
                return cli_usage_error("extract linux", "unknown format '%s' (csv, json)", optarg);
            json = !strcmp(optarg, "json");
            break;
        case 'p': pids = optarg; break;
        case 'a': all = true; break;
        case 't': lo.threads = true; break;
        case 'P': lo.pages = true; break;
        case 'n': lo.no_phys = true; break;
        case 'r': lo.proc = optarg; lo.live = false; lo.no_phys = true; break;
        case 'h': fputs(help_linux, stdout); return CLI_OK;
        default: fputs(help_linux, stderr); return CLI_USAGE;
        }
    }
    if (optind != argc)
        return cli_usage_error("extract linux", "unexpected argument '%s'", argv[optind]);
    if (pids && all)
        return cli_usage_error("extract linux", "--pid and --all exclude each other");
    int *pv = NULL;
    if (pids && parse_pids(pids, &pv, &lo.n_pids) < 0)
        return cli_usage_error("extract linux", "bad --pid list '%s'", pids);
    lo.pids = pv;
    osm_store *s = osm_store_new();
    osm_lx_report rep;
    int st = CLI_USAGE;
    if (s && osm_lx_extract(&lo, s, &rep) == 0) {
        osm_lx_report_print(&rep, stderr);
        if (pids && rep.processes == 0)
            fprintf(stderr, "osmosis extract linux: none of the requested processes exist\n");
        st = write_state(s, out, json);
    }
    osm_store_free(s);
    free(pv);
    return st;
}

typedef struct extract_kind {
    const char *name;
    int (*run)(int argc, char **argv);
    const char *summary;
} extract_kind;

static const extract_kind kinds[] = {
    { "linux", run_linux, "a live Linux host or a captured /proc (docs/linux.md)" },
};

static void usage(FILE *f)
{
    fputs("usage: osmosis extract KIND [options]   (osmosis extract KIND --help)\n\n"
          "Build a model state from a real system.  Kinds:\n", f);
    for (size_t i = 0; i < sizeof kinds / sizeof *kinds; i++)
        fprintf(f, "  %-8s %s\n", kinds[i].name, kinds[i].summary);
}

static int run(int argc, char **argv)
{
    if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
        usage(argc < 2 ? stderr : stdout);
        return argc < 2 ? CLI_USAGE : CLI_OK;
    }
    for (size_t i = 0; i < sizeof kinds / sizeof *kinds; i++)
        if (!strcmp(argv[1], kinds[i].name))
            return kinds[i].run(argc - 1, argv + 1);
    return cli_usage_error("extract", "unknown kind '%s'", argv[1]);
}

OSM_VERB(extract, "extract", run, "build a model state from a real system (linux)");
