/* osmosis process: the CellulOS processing split (MODEL.md §2). */
#include <getopt.h>

#include "cli.h"

static const char help[] =
    "usage: osmosis process FILE [-o OUT] [--json] [--no-control]\n"
    "\n"
    "Lift an implementation-level CellulOS dump to the model level, where one PD\n"
    "runs on one VCPU in one address space: a PD with several VCPUs of its own\n"
    "becomes one PD per VCPU (PD_5 -> PD_5.0, PD_5.1), then one with several ADSes\n"
    "of its own one PD per ADS (PD_5.0 -> PD_5.0.0, ...).  Own = held by no other\n"
    "PD but the root task.  Edges into a split PD go to every copy.  Writes CSV.\n"
    "\n"
    "  -o, --output OUT  where to write the processed state (default stdout)\n"
    "      --json        print a JSON summary of the split instead of CSV\n"
    "                    (with -o the CSV still goes to OUT)\n"
    "      --no-control  do not add ROOT_TASK control edges first\n";

static int run(int argc, char **argv)
{
    static const struct option opts[] = {
        { "output", required_argument, 0, 'o' }, { "json", no_argument, 0, 'j' },
        { "no-control", no_argument, 0, 'n' },    { "help", no_argument, 0, 'h' },
        { 0, 0, 0, 0 } };
    cli_load_opts lo = { .process = true };
    const char *out = NULL;
    bool json = false;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "o:h", opts, NULL)) != -1) {
        switch (c) {
        case 'o': out = optarg; break;
        case 'j': json = true; break;
        case 'n': lo.no_control = true; break;
        case 'h': fputs(help, stdout); return CLI_OK;
        default: fputs(help, stderr); return CLI_USAGE;
        }
    }
    if (optind != argc - 1)
        return cli_usage_error("process", "expected one FILE");
    cli_loaded l;
    int st = cli_load(argv[optind], &lo, &l);
    if (st == CLI_USAGE)
        return st;
    if (json) {
        osm_json j;
        osm_json_init(&j, stdout, false);
        osm_json_begin_object(&j);
        osm_json_key(&j, "file");
        osm_json_string(&j, argv[optind]);
        osm_json_key(&j, "split_by_vcpu");
        osm_json_uint(&j, l.process.split_vcpu);
        osm_json_key(&j, "split_by_ads");
        osm_json_uint(&j, l.process.split_ads);
        osm_json_key(&j, "pds_added");
        osm_json_uint(&j, l.process.pds_added);
        osm_json_key(&j, "pds");
        osm_json_uint(&j, osm_store_node_count_kind(l.store, OSM_PD));
        osm_json_end_object(&j);
        osm_json_finish(&j);
    } else if (!out) {
        fprintf(stderr, "process: %zu PDs split by VCPU, %zu by ADS, %zu PDs added\n",
                l.process.split_vcpu, l.process.split_ads, l.process.pds_added);
    }
    if (!json || out) {
        cli_out o;
        if (cli_out_open(&o, out) < 0) {
            cli_loaded_free(&l);
            return CLI_USAGE;
        }
        osm_csv_write(l.store, o.f);
        if (cli_out_commit(&o) < 0)
            st = CLI_USAGE;
    }
    cli_loaded_free(&l);
    return st;
}

OSM_VERB(process, "process", run, "split PDs per own VCPU, then per own ADS");
