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
#include "../../extract/sdf/sdf_prefill.h"
#include "../../format/file_read.h"

static const char help[] =
    "usage: osmosis extract sdf FILE.system [--arch aarch64|riscv64|x86_64] [--cores N]\n"
    "                           [-o OUT] [--format F] [--json] [options]\n"
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
    "  --allow-outside-paths  let a prefill_path lead outside its directory\n"
    "                       (\"..\", absolute links); refused by default\n"
    "  -o, --output OUT     where to write (written whole or not at all)\n"
    "  --format F           csv (CellulOS CSV, default), json (networkx node-link),\n"
    "                       graphml or dot\n"
    "  --json               print a JSON summary to stdout instead of the state\n"
    "                       (with -o the state still goes to OUT)\n"
    "\n"
    "Program images found next to FILE have their size recorded in the PD's EXTRA.\n"
    "Warnings (unused memory regions) go to stderr.\n"
    "\n"
    "Exit status: 0 written; 2 usage error, unreadable file, or an SDF the\n"
    "Microkit tool would reject (nothing is written then; the message names\n"
    "file:line:column and the offending element, in the tool's wording).\n";

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

/* Parse FILE, build the state, write it.  Owns nothing on return. */
static int extract(const char *file, sdf_config *cfg, sdf_prefill *cli, const char *out,
                   int format, bool json_summary)
{
    char *dir = strdup(file), *slash = dir ? strrchr(dir, '/') : NULL;
    if (!dir)
        return cli_usage_error("extract sdf", "out of memory");
    if (slash)
        *slash = 0;
    const char *base_dir = slash ? dir : ".";
    if (!cli->n_dirs)
        cli->dirs[cli->n_dirs++] = base_dir;
    cfg->prefill_size = sdf_prefill_size;
    cfg->prefill_ctx = cli;
    size_t len = 0;
    char why[160];
    char *buf = osm_file_read(file, SDF_MAX_INPUT, "an SDF file", &len, why, sizeof why);
    if (!buf) {
        free(dir);
        return cli_usage_error("extract sdf", "cannot read '%s': %s", file, why);
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
            st = cli_write_state(s, out, (osm_export_format)format) < 0 ? CLI_USAGE : CLI_OK;
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
    enum { O_ARCH = 256, O_CORES, O_NOIOMMU, O_NOHYP, O_MAXPDS, O_PREFILL, O_FORMAT, O_JSON, O_SMC,
           O_OUTSIDE };
    static const struct option opts[] = {
        { "arch", required_argument, 0, O_ARCH },     { "cores", required_argument, 0, O_CORES },
        { "no-iommu", no_argument, 0, O_NOIOMMU },    { "no-hypervisor", no_argument, 0, O_NOHYP },
        { "max-pds", required_argument, 0, O_MAXPDS },
        { "prefill-dir", required_argument, 0, O_PREFILL },
        { "allow-outside-paths", no_argument, 0, O_OUTSIDE },
        { "output", required_argument, 0, 'o' },      { "format", required_argument, 0, O_FORMAT },
        { "json", no_argument, 0, O_JSON },           { "arm-smc", required_argument, 0, O_SMC },           { "help", no_argument, 0, 'h' },
        { 0, 0, 0, 0 } };
    sdf_config cfg;
    sdf_config_default(&cfg, SDF_AARCH64);
    sdf_prefill cli = { .n_dirs = 0 };
    const char *out = NULL;
    int format = OSM_EXPORT_CSV;
    bool json_summary = false, no_iommu = false, no_hyp = false;
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
            if (cli.n_dirs == SDF_MAX_PREFILL_DIRS)
                return cli_usage_error("extract sdf", "at most %d --prefill-dir",
                                       SDF_MAX_PREFILL_DIRS);
            cli.dirs[cli.n_dirs++] = optarg;
            break;
        case O_SMC:
            if (strcmp(optarg, "on") && strcmp(optarg, "off"))
                return cli_usage_error("extract sdf", "--arm-smc wants on or off");
            smc = !strcmp(optarg, "on");
            break;
        case O_NOIOMMU: no_iommu = true; break;
        case O_OUTSIDE: cli.allow_outside = true; break;
        case O_NOHYP: no_hyp = true; break;
        case 'o': out = optarg; break;
        case O_FORMAT:
            format = cli_state_format_parse(optarg);
            if (format < 0)
                return cli_usage_error("extract sdf", "unknown --format '%s' (" CLI_STATE_FORMATS ")",
                                       optarg);
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
    return extract(argv[optind], &cfg, &cli, out, format, json_summary);
}
