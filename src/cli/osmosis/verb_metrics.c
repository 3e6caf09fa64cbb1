/* osmosis rsi / fr: the metrics of the original evaluation (MODEL.md §5). */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "query_cli.h"

static const char rsi_help[] =
    "usage: osmosis rsi FILE PD1 PD2 [--type T] [--json] [--process]\n"
    "\n"
    "Resource sharing index per resource type: |A∩B| / |A∪B| where A, B are the\n"
    "resources of that type reachable from PD1, PD2 by 1 to 4 HOLD/MAP edges; MO\n"
    "resources count their pages.  0 when neither reaches any.  Every resource\n"
    "type of the state is listed unless --type names one.\n";

static const char fr_help[] =
    "usage: osmosis fr FILE PD1 PD2 [--json] [--process]\n"
    "\n"
    "Fault ripple: after flattening space ownership into REQUEST edges, the\n"
    "smallest level at which the REQUEST walks from PD1 and PD2 meet; inf when\n"
    "they never do (see docs/query.md).\n";

/* Parse the shared options; returns CLI_OK to go on, else the exit status
 * (and *done set). */
static int parse(int argc, char **argv, const char *verb, const char *help, qcli *c,
                 const char **type, bool *done)
{
    static const struct option opts[] = {
        { "type", required_argument, 0, 't' }, { "json", no_argument, 0, 'j' },
        { "process", no_argument, 0, 'p' }, { "help", no_argument, 0, 'h' }, { 0, 0, 0, 0 } };
    int ch;
    optind = 1;
    *done = true;
    while ((ch = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (ch) {
        case 't':
            if (!type)
                return cli_usage_error(verb, "no --type for %s", verb);
            *type = optarg;
            break;
        case 'j': c->json = true; break;
        case 'p': c->lo.process = true; break;
        case 'h': fputs(help, stdout); return CLI_OK;
        default: fputs(help, stderr); return CLI_USAGE;
        }
    }
    if (argc - optind != 3)
        return cli_usage_error(verb, "expected FILE PD1 PD2");
    *done = false;
    return qcli_open(c, verb, argv[optind]);
}

static void json_head(osm_json *j, const char *verb, char **pds)
{
    osm_json_init(j, stdout, false);
    osm_json_begin_object(j);
    osm_json_key(j, "query");
    osm_json_string(j, verb);
    osm_json_key(j, "pds");
    osm_json_begin_array(j);
    osm_json_string(j, pds[0]);
    osm_json_string(j, pds[1]);
    osm_json_end_array(j);
    osm_json_key(j, "result");
}

static int run_rsi(int argc, char **argv)
{
    qcli c;
    qcli_init(&c);
    const char *tname = NULL;
    bool done;
    int st = parse(argc, argv, "rsi", rsi_help, &c, &tname, &done);
    if (done || st != CLI_OK) {
        qcli_close(&c);
        return st;
    }
    const osm_store *s = c.loaded.store;
    char **pdv = &argv[optind + 1];
    osm_id x = cli_find_pd(s, "rsi", pdv[0]), y = x == OSM_NONE ? x : cli_find_pd(s, "rsi", pdv[1]);
    osm_id t = tname ? osm_store_type_lookup(s, tname) : OSM_NONE;
    if (x == OSM_NONE || y == OSM_NONE) {
        qcli_close(&c);
        return CLI_USAGE;
    }
    if (tname && (t == OSM_NONE || !osm_query_type_present(c.q, t))) {
        fprintf(stderr, "osmosis rsi: type '%s' appears nowhere in %s\n", tname, argv[optind]);
        qcli_close(&c);
        return CLI_USAGE;
    }
    osm_id *types = NULL;
    double *rsi = NULL;
    size_t n = 0;
    if (tname) {
        types = malloc(sizeof *types);
        rsi = malloc(sizeof *rsi);
        if (types && rsi && osm_rsi(c.q, x, y, t, rsi) == 0) {
            types[0] = t;
            n = 1;
        } else {
            st = qcli_oom("rsi");
        }
    } else if (osm_rsi_all(c.q, x, y, &types, &rsi, &n) < 0) {
        st = qcli_oom("rsi");
    }
    if (st == CLI_OK && c.json) {
        osm_json j;
        json_head(&j, "rsi", pdv);
        osm_json_begin_object(&j);
        for (size_t i = 0; i < n; i++) {
            osm_json_key(&j, osm_store_type_name(s, types[i]));
            osm_json_double(&j, rsi[i]);
        }
        osm_json_end_object(&j);
        osm_json_end_object(&j);
        osm_json_finish(&j);
    } else if (st == CLI_OK) {
        printf("rsi of %s and %s\n  %-16s %8s\n", pdv[0], pdv[1], "TYPE", "RSI");
        for (size_t i = 0; i < n; i++)
            printf("  %-16s %8.4f\n", osm_store_type_name(s, types[i]), rsi[i]);
    }
    free(types);
    free(rsi);
    qcli_close(&c);
    return st;
}

static int run_fr(int argc, char **argv)
{
    qcli c;
    qcli_init(&c);
    bool done;
    int st = parse(argc, argv, "fr", fr_help, &c, NULL, &done);
    if (done || st != CLI_OK) {
        qcli_close(&c);
        return st;
    }
    const osm_store *s = c.loaded.store;
    char **pdv = &argv[optind + 1];
    osm_id x = cli_find_pd(s, "fr", pdv[0]), y = x == OSM_NONE ? x : cli_find_pd(s, "fr", pdv[1]);
    uint32_t fr = 0;
    if (x == OSM_NONE || y == OSM_NONE)
        st = CLI_USAGE;
    else if (osm_fr(c.q, x, y, &fr) < 0)
        st = qcli_oom("fr");
    if (st == CLI_OK && c.json) {
        osm_json j;
        json_head(&j, "fr", pdv);
        if (fr == OSM_FR_INF)
            osm_json_string(&j, "inf");
        else
            osm_json_uint(&j, fr);
        osm_json_end_object(&j);
        osm_json_finish(&j);
    } else if (st == CLI_OK) {
        if (fr == OSM_FR_INF)
            printf("fr of %s and %s: inf\n", pdv[0], pdv[1]);
        else
            printf("fr of %s and %s: %u\n", pdv[0], pdv[1], fr);
    }
    qcli_close(&c);
    return st;
}

OSM_VERB(rsi, "rsi", run_rsi, "resource sharing index of two PDs per type");
OSM_VERB(fr, "fr", run_fr, "fault ripple level between two PDs");
