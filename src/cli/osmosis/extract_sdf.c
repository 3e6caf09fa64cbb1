/*
 * osmosis extract sdf: a seL4 Microkit system description as a model state.
 * The parser and the model builder are in src/extract/sdf; this file reads
 * the file, sets up the kernel configuration and writes the result.
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"
#include "extract.h"
#include "../../extract/sdf/sdf.h"

static const char help[] =
    "usage: osmosis extract sdf FILE.system [--arch aarch64|riscv64|x86_64] [--cores N]\n"
    "                           [-o OUT] [--format csv|json] [--json] [options]\n"
    "\n"
    "Validate a seL4 Microkit system description the way the Microkit tool does\n"
    "and write it as an OSmosis model state (CellulOS CSV by default) to OUT\n"
    "(default stdout).  Mapping and rules: docs/sdf.md.\n"
    "\n"
    "  --arch ARCH          target architecture (default aarch64)\n"
    "  --cores N            number of CPU cores of the kernel build (default 1)\n"
    "  --no-iommu           kernel built without IOMMU support\n"
    "  --no-hypervisor      kernel built without hypervisor support\n"
    "  --arm-smc on|off     kernel has ARM SMC forwarding on/off (default: the\n"
    "                       platform has none, so smc=\"true\" is rejected)\n"
    "  --max-pds N          PD limit (default 63, Microkit's MAX_PDS)\n"
    "  --prefill-dir DIR    where prefill_path files are looked up (repeatable;\n"
    "                       default: the directory of FILE)\n"
    "  -o, --output OUT     where to write (written whole or not at all)\n"
    "  --format csv|json    the state as CellulOS CSV or as JSON {nodes, edges}\n"
    "  --json               print a JSON summary to stdout instead of the state\n"
    "                       (with -o the state still goes to OUT)\n"
    "\n"
    "Program images found next to FILE have their size recorded in the PD's EXTRA.\n"
    "Warnings (unused memory regions) go to stderr.\n"
    "\n"
    "Exit status: 0 written; 2 usage error, unreadable file, or an SDF the\n"
    "Microkit tool would reject (nothing is written then; the message names\n"
    "file:line:column and the offending element, in the tool's wording).\n";

#define MAX_PREFILL_DIRS 16

typedef struct sdf_cli {
    const char *dirs[MAX_PREFILL_DIRS];
    size_t n_dirs;
} sdf_cli;

/* Prefill lookup: the first directory holding the file wins. */
static int64_t prefill_size(void *ctx, const char *path)
{
    const sdf_cli *c = ctx;
    for (size_t i = 0; i < c->n_dirs; i++) {
        char *full = NULL;
        if (asprintf(&full, "%s/%s", c->dirs[i], path) < 0)
            return -2;
        struct stat st;
        int found = stat(full, &st) == 0;
        FILE *f = found ? fopen(full, "rb") : NULL;
        free(full);
        if (!found)
            continue;
        if (!f || !S_ISREG(st.st_mode)) {
            if (f)
                fclose(f);
            return -2;
        }
        fclose(f);
        return (int64_t)st.st_size;
    }
    return -1;
}

/* Read a whole file, refusing more than SDF_MAX_INPUT bytes. */
static char *read_all(const char *path, size_t *len)
{
    FILE *f = strcmp(path, "-") ? fopen(path, "rb") : stdin;
    if (!f)
        return NULL;
    size_t cap = 65536, n = 0;
    char *buf = malloc(cap);
    while (buf) {
        n += fread(buf + n, 1, cap - n, f);
        if (n < cap || n > SDF_MAX_INPUT)
            break;
        char *bigger = realloc(buf, cap * 2);
        if (!bigger) {
            free(buf);
            buf = NULL;
        }
        buf = bigger;
        cap *= 2;
    }
    bool bad = ferror(f) || n > SDF_MAX_INPUT;
    if (f != stdin)
        fclose(f);
    if (bad) {
        free(buf);
        errno = bad && n > SDF_MAX_INPUT ? EFBIG : EIO;
        return NULL;
    }
    *len = n;
    return buf;
}

static int node_cmp(const void *a, const void *b, void *s)
{
    return strcmp(osm_node_id(s, *(const osm_id *)a), osm_node_id(s, *(const osm_id *)b));
}

static int edge_cmp(const void *a, const void *b, void *s)
{
    osm_edge x, y;
    osm_store_edge(s, *(const osm_id *)a, &x);
    osm_store_edge(s, *(const osm_id *)b, &y);
    int c = strcmp(osm_node_id(s, x.from), osm_node_id(s, y.from));
    if (!c)
        c = strcmp(osm_node_id(s, x.to), osm_node_id(s, y.to));
    return c ? c : (int)x.kind - (int)y.kind;
}

/* The state as JSON, nodes sorted by ID and edges by (from, to, kind). */
static int write_json(const osm_store *s, FILE *f)
{
    size_t nn = osm_store_node_count(s), ne = osm_store_edge_count(s), k = 0;
    osm_id *nodes = malloc((nn + 1) * sizeof(osm_id)), *edges = malloc((ne + 1) * sizeof(osm_id));
    if (!nodes || !edges) {
        free(nodes);
        free(edges);
        return -1;
    }
    for (osm_id n = osm_store_next_node(s, OSM_NONE); n != OSM_NONE; n = osm_store_next_node(s, n))
        nodes[k++] = n;
    k = 0;
    for (osm_id e = osm_store_next_edge(s, OSM_NONE); e != OSM_NONE; e = osm_store_next_edge(s, e))
        edges[k++] = e;
    qsort_r(nodes, nn, sizeof(osm_id), node_cmp, (void *)s);
    qsort_r(edges, ne, sizeof(osm_id), edge_cmp, (void *)s);
    osm_json j;
    osm_json_init(&j, f, false);
    osm_json_begin_object(&j);
    osm_json_key(&j, "edges");
    osm_json_begin_array(&j);
    char pbuf[8];
    for (size_t i = 0; i < ne; i++) {
        osm_edge e;
        osm_store_edge(s, edges[i], &e);
        osm_json_begin_object(&j);
        osm_json_key(&j, "extra");
        osm_json_string(&j, osm_edge_extra(s, edges[i]));
        osm_json_key(&j, "from");
        osm_json_string(&j, osm_node_id(s, e.from));
        osm_json_key(&j, "kind");
        osm_json_string(&j, osm_edge_kind_name(e.kind));
        osm_json_key(&j, "perms");
        osm_json_string(&j, e.perms ? osm_perms_format(e.perms, pbuf) : "");
        osm_json_key(&j, "to");
        osm_json_string(&j, osm_node_id(s, e.to));
        osm_json_key(&j, "type");
        osm_json_string(&j, e.type == OSM_NONE ? "" : osm_store_type_name(s, e.type));
        osm_json_end_object(&j);
    }
    osm_json_end_array(&j);
    osm_json_key(&j, "nodes");
    osm_json_begin_array(&j);
    for (size_t i = 0; i < nn; i++) {
        osm_json_begin_object(&j);
        osm_json_key(&j, "data");
        osm_json_string(&j, osm_node_data_name(s, nodes[i]));
        osm_json_key(&j, "extra");
        osm_json_string(&j, osm_node_extra(s, nodes[i]));
        osm_json_key(&j, "id");
        osm_json_string(&j, osm_node_id(s, nodes[i]));
        osm_json_key(&j, "kind");
        osm_json_string(&j, osm_kind_name(osm_node_kind(s, nodes[i])));
        osm_json_end_object(&j);
    }
    osm_json_end_array(&j);
    osm_json_end_object(&j);
    osm_json_finish(&j);
    free(nodes);
    free(edges);
    return ferror(f) ? -1 : 0;
}

static void summary_json(const char *file, const sdf_config *cfg, const sdf_system *sys,
                         const osm_store *s)
{
    static const char *const arch[] = { "aarch64", "riscv64", "x86_64" };
    osm_json j;
    osm_json_init(&j, stdout, false);
    osm_json_begin_object(&j);
    osm_json_key(&j, "arch");
    osm_json_string(&j, arch[cfg->arch]);
    osm_json_key(&j, "channels");
    osm_json_uint(&j, sys->n_channels);
    osm_json_key(&j, "edges");
    osm_json_uint(&j, osm_store_edge_count(s));
    osm_json_key(&j, "file");
    osm_json_string(&j, file);
    osm_json_key(&j, "memory_regions");
    osm_json_uint(&j, sys->n_mrs);
    osm_json_key(&j, "nodes");
    osm_json_uint(&j, osm_store_node_count(s));
    osm_json_key(&j, "protection_domains");
    osm_json_uint(&j, sys->n_pds);
    osm_json_key(&j, "warnings");
    osm_json_begin_array(&j);
    for (size_t i = 0; i < sys->n_warnings; i++)
        osm_json_string(&j, sys->warnings[i]);
    osm_json_end_array(&j);
    osm_json_end_object(&j);
    osm_json_finish(&j);
}

static int write_state(const osm_store *s, const char *out, bool json_format)
{
    cli_out o;
    if (cli_out_open(&o, out) < 0)
        return CLI_USAGE;
    if ((json_format ? write_json(s, o.f) : osm_csv_write(s, o.f)) < 0) {
        cli_out_abort(&o);
        return cli_usage_error("extract sdf", "cannot write the state");
    }
    return cli_out_commit(&o) < 0 ? CLI_USAGE : CLI_OK;
}

/* Parse FILE, build the state, write it.  Owns nothing on return. */
static int extract(const char *file, sdf_config *cfg, sdf_cli *cli, const char *out,
                   bool json_format, bool json_summary)
{
    char *dir = strdup(file), *slash = dir ? strrchr(dir, '/') : NULL;
    if (!dir)
        return cli_usage_error("extract sdf", "out of memory");
    if (slash)
        *slash = 0;
    const char *base_dir = slash ? dir : ".";
    if (!cli->n_dirs)
        cli->dirs[cli->n_dirs++] = base_dir;
    cfg->prefill_size = prefill_size;
    cfg->prefill_ctx = cli;
    size_t len = 0;
    char *buf = read_all(file, &len);
    if (!buf) {
        free(dir);
        return cli_usage_error("extract sdf", "cannot read '%s': %s", file, strerror(errno));
    }
    sdf_system sys;
    char *err = NULL;
    int st = CLI_OK;
    if (sdf_parse(buf, len, file, cfg, &sys, &err) < 0) {
        fprintf(stderr, "%s\n", err ? err : "Error: out of memory");
        st = CLI_USAGE;
    }
    free(buf);
    free(err);
    osm_store *s = st == CLI_OK ? osm_store_new() : NULL;
    sdf_model_opts mo = { .image_dir = base_dir };
    if (st == CLI_OK && (!s || sdf_model_build(&sys, &mo, s) < 0))
        st = cli_usage_error("extract sdf", "out of memory");
    if (st == CLI_OK) {
        for (size_t i = 0; i < sys.n_warnings; i++)
            fprintf(stderr, "%s\n", sys.warnings[i]);
        if (json_summary)
            summary_json(file, cfg, &sys, s);
        if (!json_summary || out)
            st = write_state(s, out, json_format);
    }
    osm_store_free(s);
    sdf_system_free(&sys);
    free(dir);
    return st;
}

static bool parse_uint(const char *s, unsigned *out)
{
    char *end;
    errno = 0;
    unsigned long v = strtoul(s, &end, 10);
    if (errno || *s == '-' || !*s || *end || v == 0 || v > 4096)
        return false;
    *out = (unsigned)v;
    return true;
}

int osm_cli_extract_sdf(int argc, char **argv)
{
    enum { O_ARCH = 256, O_CORES, O_NOIOMMU, O_NOHYP, O_MAXPDS, O_PREFILL, O_FORMAT, O_JSON, O_SMC };
    static const struct option opts[] = {
        { "arch", required_argument, 0, O_ARCH },     { "cores", required_argument, 0, O_CORES },
        { "no-iommu", no_argument, 0, O_NOIOMMU },    { "no-hypervisor", no_argument, 0, O_NOHYP },
        { "max-pds", required_argument, 0, O_MAXPDS },
        { "prefill-dir", required_argument, 0, O_PREFILL },
        { "output", required_argument, 0, 'o' },      { "format", required_argument, 0, O_FORMAT },
        { "json", no_argument, 0, O_JSON },           { "arm-smc", required_argument, 0, O_SMC },           { "help", no_argument, 0, 'h' },
        { 0, 0, 0, 0 } };
    sdf_config cfg;
    sdf_config_default(&cfg, SDF_AARCH64);
    sdf_cli cli = { .n_dirs = 0 };
    const char *out = NULL;
    bool json_format = false, json_summary = false, no_iommu = false, no_hyp = false;
    unsigned cores = 1, max_pds = 63;
    int arch = SDF_AARCH64, smc = -1, c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "o:h", opts, NULL)) != -1) {
        switch (c) {
        case O_ARCH:
            if ((arch = sdf_arch_parse(optarg)) < 0)
                return cli_usage_error("extract sdf", "unknown --arch '%s' (aarch64, riscv64, x86_64)", optarg);
            break;
        case O_CORES:
            if (!parse_uint(optarg, &cores))
                return cli_usage_error("extract sdf", "--cores wants a number 1..4096");
            break;
        case O_MAXPDS:
            if (!parse_uint(optarg, &max_pds))
                return cli_usage_error("extract sdf", "--max-pds wants a number 1..4096");
            break;
        case O_PREFILL:
            if (cli.n_dirs == MAX_PREFILL_DIRS)
                return cli_usage_error("extract sdf", "at most %d --prefill-dir", MAX_PREFILL_DIRS);
            cli.dirs[cli.n_dirs++] = optarg;
            break;
        case O_SMC:
            if (strcmp(optarg, "on") && strcmp(optarg, "off"))
                return cli_usage_error("extract sdf", "--arm-smc wants on or off");
            smc = !strcmp(optarg, "on");
            break;
        case O_NOIOMMU: no_iommu = true; break;
        case O_NOHYP: no_hyp = true; break;
        case 'o': out = optarg; break;
        case O_FORMAT:
            if (strcmp(optarg, "csv") && strcmp(optarg, "json"))
                return cli_usage_error("extract sdf", "unknown --format '%s' (csv, json)", optarg);
            json_format = !strcmp(optarg, "json");
            break;
        case O_JSON: json_summary = true; break;
        case 'h': fputs(help, stdout); return CLI_OK;
        default: fputs(help, stderr); return CLI_USAGE;
        }
    }
    if (optind != argc - 1)
        return cli_usage_error("extract sdf", "expected one FILE.system");
    sdf_config_default(&cfg, (sdf_arch)arch);
    cfg.num_cores = cores;
    cfg.max_pds = max_pds;
    cfg.iommu = !no_iommu;
    cfg.hypervisor = !no_hyp;
    cfg.arm_smc = smc;
    return extract(argv[optind], &cfg, &cli, out, json_format, json_summary);
}
