/* osmosis report: the self-contained HTML report (src/report/). */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "../../report/report.h"

static const char help[] =
    "usage: osmosis report FILE [-o report.html] [--pd PD ...] [--types LIST] [--mode MODE]\n"
    "                           [--property A|I|C] [--no-collapse] [--max-pds N]\n"
    "                           [--no-control] [--process] [--strict]\n"
    "\n"
    "Write one self-contained HTML page (no network, no other file) about the\n"
    "state in FILE: a summary; every PD with its TCB and impact-boundary sizes\n"
    "(natural ID order); classes of PDs with identical TCB and impact boundary;\n"
    "for each chosen PD a Graphviz picture of its neighbourhood, its TCB ranked\n"
    "by each member's strongest way in and its impact boundary, with the reason\n"
    "for every member; and the RSI / FR matrix of the chosen PDs.  The page has\n"
    "a filter box.  See docs/export.md.\n"
    "\n"
    "  -o, --output FILE    where to write (default report.html; - = stdout)\n"
    "  -p, --pd PD          a PD to show (repeatable; default: the kernel and root\n"
    "                       task, then the largest TCBs, --max-pds in all)\n"
    "      --max-pds N      how many PDs to show by default (default 24)\n"
    "  -t, --types LIST     resource types the queries consider (comma-separated)\n"
    "  -m, --mode MODE      access mode: ANY (default) or letters of RWXT\n"
    "      --property P     A (availability, default), I (integrity) or C\n"
    "                       (confidentiality) view of TCB / impact boundary\n"
    "      --no-collapse    draw every resource, not one node per type and space\n"
    "      --json           print {\"output\", \"pds\"} to stdout when done\n"
    "      --no-control     do not add ROOT_TASK control edges\n"
    "      --process        apply the processing split first\n"
    "      --strict         exit 1 if any input line was unusable\n"
    "\n"
    "Exit 0 done, 1 unusable input lines with --strict, 2 usage error (unknown\n"
    "PD or type, bad mode), unreadable input or unwritable output.\n";

typedef struct report_args {
    osm_report_opts ro;
    const char *out, *mode, *property;
    const char **pd_ids;
    size_t n_pd_ids;
    bool json;
    cli_load_opts lo;
} report_args;

/* Parse the options; CLI_OK, or the exit status to return (help printed). */
static int parse_args(int argc, char **argv, report_args *a, bool *done)
{
    static const struct option opts[] = {
        { "output", required_argument, 0, 'o' },   { "pd", required_argument, 0, 'p' },
        { "types", required_argument, 0, 't' },    { "mode", required_argument, 0, 'm' },
        { "property", required_argument, 0, 'P' }, { "no-collapse", no_argument, 0, 'C' },
        { "max-pds", required_argument, 0, 'M' },  { "json", no_argument, 0, 'j' },
        { "no-control", no_argument, 0, 'n' },     { "process", no_argument, 0, 'r' },
        { "strict", no_argument, 0, 's' },         { "help", no_argument, 0, 'h' },
        { 0, 0, 0, 0 } };
    int c;
    char *end;
    optind = 1;
    while ((c = getopt_long(argc, argv, "o:p:t:m:h", opts, NULL)) != -1) {
        switch (c) {
        case 'o': a->out = optarg; break;
        case 'p': a->pd_ids[a->n_pd_ids++] = optarg; break;
        case 't': a->ro.types = optarg; break;
        case 'm': a->mode = optarg; break;
        case 'P': a->property = optarg; break;
        case 'C': a->ro.collapse = false; break;
        case 'M':
            a->ro.max_pds = strtoul(optarg, &end, 10);
            if (*end || !*optarg || a->ro.max_pds == 0)
                return cli_usage_error("report", "--max-pds wants a positive number, not '%s'",
                                       optarg);
            break;
        case 'j': a->json = true; break;
        case 'n': a->lo.no_control = true; break;
        case 'r': a->lo.process = true; break;
        case 's': a->lo.strict = true; break;
        case 'h': fputs(help, stdout); *done = true; return CLI_OK;
        default: fputs(help, stderr); return CLI_USAGE;
        }
    }
    if (optind != argc - 1)
        return cli_usage_error("report", "expected one FILE");
    if (a->mode && osm_mode_parse(a->mode, &a->ro.mode) < 0)
        return cli_usage_error("report", "bad --mode '%s' (ANY or letters of RWXT)", a->mode);
    if (a->property) {
        int p = osm_property_parse(a->property);
        if (p < 0)
            return cli_usage_error("report", "bad --property '%s' (A, I or C)", a->property);
        a->ro.property = (osm_property)p;
    }
    if (a->json && !strcmp(a->out, "-"))
        return cli_usage_error("report", "--json prints to stdout: give the output with -o FILE");
    return CLI_OK;
}

static int write_report(const osm_store *s, report_args *a)
{
    osm_id *pds = NULL;
    if (a->n_pd_ids) {
        pds = malloc(a->n_pd_ids * sizeof *pds);
        if (!pds)
            return CLI_USAGE;
        for (size_t i = 0; i < a->n_pd_ids; i++)
            if ((pds[i] = cli_find_pd(s, "report", a->pd_ids[i])) == OSM_NONE) {
                free(pds);
                return CLI_USAGE;
            }
        a->ro.pds = pds;
        a->ro.n_pds = a->n_pd_ids;
    }
    cli_out o;
    int st = CLI_USAGE;
    char err[256];
    if (cli_out_open(&o, a->out) == 0) {
        if (osm_report_write(s, &a->ro, o.f, err, sizeof err) < 0) {
            fprintf(stderr, "osmosis report: %s\n", err);
            cli_out_abort(&o);
        } else if (cli_out_commit(&o) == 0) {
            st = CLI_OK;
        }
    }
    free(pds);
    return st;
}

static int run(int argc, char **argv)
{
    const char *pd_ids[argc > 0 ? argc : 1];
    report_args a = { .out = "report.html", .pd_ids = pd_ids };
    a.ro.collapse = true;
    bool done = false;
    int st = parse_args(argc, argv, &a, &done);
    if (st != CLI_OK || done)
        return st;
    const char *file = argv[optind];
    const char *slash = strrchr(file, '/');
    a.ro.title = slash ? slash + 1 : file;
    cli_loaded l;
    int lst = cli_load(file, &a.lo, &l);
    if (lst == CLI_USAGE)
        return lst;
    st = write_report(l.store, &a);
    if (st == CLI_OK && a.json) {
        osm_json j;
        osm_json_init(&j, stdout, true);
        osm_json_begin_object(&j);
        osm_json_key(&j, "output");
        osm_json_string(&j, a.out);
        osm_json_key(&j, "pds");
        osm_json_uint(&j, osm_store_node_count_kind(l.store, OSM_PD));
        osm_json_end_object(&j);
        osm_json_finish(&j);
    }
    cli_loaded_free(&l);
    return st != CLI_OK ? st : lst;
}

OSM_VERB(report, "report", run, "write a self-contained HTML report (TCB, IB, RSI/FR, pictures)");
