/* osmosis import: read a state, report problems, write normalized CSV. */
#include <getopt.h>
#include <string.h>

#include "cli.h"

static const char help[] =
    "usage: osmosis import FILE [-o OUT] [--strict] [--no-control] [--process] [--json]\n"
    "\n"
    "Read a CellulOS CSV state (a raw console dump is fine), report every line\n"
    "that could not be used (with its number) on stderr, and write the state as\n"
    "normalized CellulOS CSV to OUT (default stdout).  FILE and OUT may be '-'.\n"
    "FILE must be a regular file (a FIFO is refused: give '-' to read a pipe, up\n"
    "to 1 GiB).  Fields that are not valid UTF-8 are kept and warned about;\n"
    "exports write their stray bytes as \\xNN (docs/format.md).\n"
    "\n"
    "  -o, --output OUT  where to write (written whole or not at all)\n"
    "      --strict      unusable rows are errors: exit 1 (the output is still written)\n"
    "      --no-control  do not add ROOT_TASK control edges (MODEL.md section 7)\n"
    "      --process     apply the processing split before writing\n"
    "      --json        print a JSON summary of what was read to stdout instead of CSV\n"
    "                    (with -o the CSV still goes to OUT)\n";

static void summary_json(const cli_loaded *l, const char *file)
{
    osm_json j;
    osm_json_init(&j, stdout, false);
    osm_json_begin_object(&j);
    osm_json_key(&j, "file");
    osm_json_string(&j, file);
    osm_json_key(&j, "rows_used");
    uint64_t used = 0;
    for (int k = 0; k < OSM_KIND_COUNT; k++)
        used += l->stats.node_rows[k];
    for (int k = 0; k < OSM_EDGE_KIND_COUNT; k++)
        used += l->stats.edge_rows[k];
    osm_json_uint(&j, used);
    osm_json_key(&j, "problems");
    osm_json_uint(&j, l->row_problems);
    osm_json_key(&j, "nodes");
    osm_json_uint(&j, osm_store_node_count(l->store));
    osm_json_key(&j, "edges");
    osm_json_uint(&j, osm_store_edge_count(l->store));
    osm_json_key(&j, "control_added");
    osm_json_uint(&j, l->control_added);
    osm_json_end_object(&j);
    osm_json_finish(&j);
}

static int run(int argc, char **argv)
{
    static const struct option opts[] = {
        { "output", required_argument, 0, 'o' }, { "strict", no_argument, 0, 's' },
        { "no-control", no_argument, 0, 'n' },   { "process", no_argument, 0, 'p' },
        { "json", no_argument, 0, 'j' },          { "help", no_argument, 0, 'h' },
        { 0, 0, 0, 0 } };
    cli_load_opts lo = { 0 };
    const char *out = NULL;
    bool json = false;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "o:h", opts, NULL)) != -1) {
        switch (c) {
        case 'o': out = optarg; break;
        case 's': lo.strict = true; break;
        case 'n': lo.no_control = true; break;
        case 'p': lo.process = true; break;
        case 'j': json = true; break;
        case 'h': fputs(help, stdout); return CLI_OK;
        default: fputs(help, stderr); return CLI_USAGE;
        }
    }
    if (optind != argc - 1)
        return cli_usage_error("import", "expected one FILE");
    cli_loaded l;
    int st = cli_load(argv[optind], &lo, &l);
    if (st == CLI_USAGE)
        return st;
    if (json)
        summary_json(&l, argv[optind]);
    if ((!json || out) && cli_write_csv(l.store, out) < 0)
        st = CLI_USAGE;
    cli_loaded_free(&l);
    return st;
}

OSM_VERB(import, "import", run, "read a state, report problems, write normalized CSV");
