/* osmosis check: the seven well-formedness rules of MODEL.md §1. */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static const char help[] =
    "usage: osmosis check FILE [--strict | --warn-only] [--rule N] [--json] [--no-control]\n"
    "                          [--process]\n"
    "\n"
    "Verify the well-formedness rules of the model (MODEL.md section 1):\n"
    "  1 edge endpoints have allowed kinds      5 resource maps follow space maps\n"
    "  2 one SUBSET per resource, same type     6 nothing physical maps to virtual\n"
    "  3 every resource/space held by a PD      7 no MAP cycle, no SUBSET cycle\n"
    "  4 a REQUEST's target holds such a space\n"
    "Exit status: 0 when every checked rule holds, 1 when any is violated (with\n"
    "--warn-only: 0 all the same), 2 on a usage error or unreadable input.\n"
    "\n"
    "      --strict      report violations as errors, and unusable input rows\n"
    "                    count as problems too (exit 1)\n"
    "      --warn-only   violations are reported but exit 0 (a survey, not a gate)\n"
    "      --rule N      check rule N only (1..7)\n"
    "      --json        {\"file\":..,\"ok\":..,\"violations\":[{\"rule\":N,\"message\":..,\n"
    "                    \"nodes\":[IDs]}],\"by_rule\":{..},\"import_problems\":[{\"line\":N,\n"
    "                    \"severity\":..,\"message\":..}]}\n"
    "      --no-control  do not add ROOT_TASK control edges first\n"
    "      --process     apply the processing split first\n";

static int cmp_diag(const void *a, const void *b)
{
    const osm_diag *x = a, *y = b;
    if (x->rule != y->rule)
        return x->rule - y->rule;
    return strcmp(x->msg, y->msg);
}

/* The node IDs a violation message names, in order of mention: every word
 * (quotes and punctuation stripped) that is the ID of a node. */
static void json_message_nodes(osm_json *j, const osm_store *s, const char *msg)
{
    osm_json_begin_array(j);
    const char *p = msg;
    while (*p) {
        while (*p == ' ')
            p++;
        const char *e = p;
        while (*e && *e != ' ')
            e++;
        const char *a = p, *b = e;
        while (a < b && strchr("'\"(,", *a))
            a++;
        while (b > a && strchr("'\"),.:;", b[-1]))
            b--;
        if (b > a && osm_store_find_n(s, a, (size_t)(b - a)) != OSM_NONE) {
            char id[256];
            snprintf(id, sizeof id, "%.*s", (int)(b - a), a);
            osm_json_string(j, id);
        }
        p = e;
    }
    osm_json_end_array(j);
}

/* "import_problems": every line of FILE the reader could not use, with its
 * line number.  The loader prints these to stderr; for JSON the file is
 * read again into a scratch store to collect them (check is not on a hot
 * path, and the shared loader stays as it is); null for stdin. */
static void json_import_problems(osm_json *j, const char *path, const cli_load_opts *lo)
{
    osm_store *tmp = osm_store_new();
    osm_diags d;
    osm_diags_init(&d, SIZE_MAX / 2);
    osm_csv_opts copts = { .strict = lo->strict };
    osm_json_key(j, "import_problems");
    if (!strcmp(path, "-")) {   /* stdin cannot be read twice */
        osm_json_null(j);
        osm_store_free(tmp);
        osm_diags_free(&d);
        return;
    }
    osm_json_begin_array(j);
    if (tmp && osm_csv_read_file(tmp, path, &copts, &d, NULL) >= 0)
        for (size_t i = 0; i < d.n; i++) {
            osm_json_begin_object(j);
            osm_json_key(j, "line");
            osm_json_uint(j, d.v[i].line);
            osm_json_key(j, "severity");
            osm_json_string(j, d.v[i].severity == OSM_ERROR ? "error" : "warning");
            osm_json_key(j, "message");
            osm_json_string(j, d.v[i].msg);
            osm_json_end_object(j);
        }
    osm_json_end_array(j);
    osm_diags_free(&d);
    osm_store_free(tmp);
}

static int run(int argc, char **argv)
{
    static const struct option opts[] = {
        { "strict", no_argument, 0, 's' },     { "rule", required_argument, 0, 'r' },
        { "json", no_argument, 0, 'j' },       { "no-control", no_argument, 0, 'n' },
        { "process", no_argument, 0, 'p' },    { "help", no_argument, 0, 'h' },
        { "warn-only", no_argument, 0, 'w' },  { 0, 0, 0, 0 } };
    cli_load_opts lo = { 0 };
    bool json = false, warn_only = false;
    int rule = 0, c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 's': lo.strict = true; break;
        case 'r':
            rule = atoi(optarg);
            if (rule < 1 || rule > 7)
                return cli_usage_error("check", "--rule takes 1..7, not '%s'", optarg);
            break;
        case 'j': json = true; break;
        case 'n': lo.no_control = true; break;
        case 'p': lo.process = true; break;
        case 'w': warn_only = true; break;
        case 'h': fputs(help, stdout); return CLI_OK;
        default: fputs(help, stderr); return CLI_USAGE;
        }
    }
    if (optind != argc - 1)
        return cli_usage_error("check", "expected one FILE");
    if (warn_only && lo.strict)
        return cli_usage_error("check", "--strict and --warn-only exclude each other");
    cli_loaded l;
    int st = cli_load(argv[optind], &lo, &l);
    if (st == CLI_USAGE)
        return st;
    osm_diags d;
    osm_diags_init(&d, json ? SIZE_MAX / 2 : 1000);
    size_t n = rule ? osm_check_rule(l.store, rule, lo.strict, &d) : osm_check(l.store, lo.strict, &d);
    if (d.n)
        qsort(d.v, d.n, sizeof *d.v, cmp_diag);
    size_t by_rule[8] = { 0 };
    for (size_t i = 0; i < d.n; i++)
        by_rule[d.v[i].rule]++;
    if (json) {
        osm_json j;
        osm_json_init(&j, stdout, true);
        osm_json_begin_object(&j);
        osm_json_key(&j, "file");
        osm_json_string(&j, argv[optind]);
        osm_json_key(&j, "ok");
        osm_json_bool(&j, n == 0);
        osm_json_key(&j, "strict");
        osm_json_bool(&j, lo.strict);
        osm_json_key(&j, "by_rule");
        osm_json_begin_object(&j);
        for (int r = 1; r <= 7; r++) {
            char k[12];
            snprintf(k, sizeof k, "%d", r);
            osm_json_key(&j, k);
            osm_json_uint(&j, by_rule[r]);
        }
        osm_json_end_object(&j);
        osm_json_key(&j, "violations");
        osm_json_begin_array(&j);
        for (size_t i = 0; i < d.n; i++) {
            osm_json_begin_object(&j);
            osm_json_key(&j, "rule");
            osm_json_int(&j, d.v[i].rule);
            osm_json_key(&j, "message");
            osm_json_string(&j, d.v[i].msg);
            osm_json_key(&j, "nodes");
            json_message_nodes(&j, l.store, d.v[i].msg);
            osm_json_end_object(&j);
        }
        osm_json_end_array(&j);
        json_import_problems(&j, argv[optind], &lo);
        osm_json_end_object(&j);
        osm_json_finish(&j);
    } else {
        const char *name = strcmp(argv[optind], "-") ? argv[optind] : "<stdin>";
        cli_print_diags(name, &d);
        if (n == 0)
            printf("%s: ok, all %s hold\n", name, rule ? "checked rules" : "7 rules");
        else {
            printf("%s: %zu violation%s (", name, n, n == 1 ? "" : "s");
            const char *sep = "";
            for (int r = 1; r <= 7; r++)
                if (by_rule[r]) {
                    printf("%srule %d: %zu", sep, r, by_rule[r]);
                    sep = ", ";
                }
            printf(")%s\n", warn_only ? "; --warn-only: exit 0" : "");
        }
    }
    osm_diags_free(&d);
    cli_loaded_free(&l);
    /* One rule for the exit status: any violation is a problem (exit 1),
     * unless the caller only wants the survey (--warn-only). */
    if (st == CLI_OK && n && !warn_only)
        st = CLI_PROBLEMS;
    return st;
}

OSM_VERB(check, "check", run, "verify the well-formedness rules (MODEL.md §1)");
