/* osmosis compare: one chosen PD per state, side by side (docs/compare.md). */
#include <getopt.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"
#include "../../compare/compare_view.h"

static const char compare_help[] =
    "usage: osmosis compare [--pd PD] [--pair PD] [--json] [--html FILE]\n"
    "                       STATE[:PD[:PAIR]] STATE[:PD[:PAIR]] ...\n"
    "\n"
    "Compare one PD per state side by side (docs/compare.md): the sizes of its\n"
    "TCB and impact boundary per property (A availability, I integrity, C\n"
    "confidentiality), CanControl and ControlBy, RSI per resource type and FR\n"
    "against a chosen pair PD, the PDs it shares an exhaustible kernel pool with\n"
    "(POOL_* spaces), then every member list: members in every state, and those\n"
    "only in some, with names and the reason each is a member.  Members are\n"
    "matched across states by node ID (on one machine a process keeps its\n"
    "PD_<pid>).  A legend explains the columns.\n"
    "\n"
    "  STATE:PD[:PAIR]  the PD (and pair) of that state, by ID or by name; a name\n"
    "                   more than one PD carries is an error listing them\n"
    "      --pd PD      the PD of every state given without one\n"
    "      --pair PD    the pair of every state given without one (RSI and FR\n"
    "                   are shown only with a pair)\n"
    "      --json       machine-readable output (sorted keys)\n"
    "      --html FILE  also write a self-contained HTML page, one column per state\n"
    "\n"
    "Exit status: 0 fine, 2 usage error, unreadable state or unknown PD.\n";

/* Split "FILE[:PD[:PAIR]]" where FILE is the longest prefix that exists. */
static int split_arg(char *arg, const char **file, const char **pd, const char **pair)
{
    struct stat st;
    *pd = *pair = NULL;
    *file = arg;
    if (stat(arg, &st) == 0 || strcmp(arg, "-") == 0)
        return 0;
    for (int parts = 1; parts <= 2; parts++) {
        char *c = strrchr(arg, ':');
        if (!c)
            break;
        *c = '\0';
        *pair = parts == 2 ? *pd : NULL;
        *pd = c + 1;
        if (stat(arg, &st) == 0)
            return 0;
    }
    return -1;
}

/* Resolve spec in state `file`; OSM_NONE with a message when it fails. */
static osm_id resolve(const osm_store *s, const char *file, const char *spec)
{
    osm_id pd, *cands;
    size_t n;
    int r = osm_pd_lookup(s, spec, &pd, &cands, &n);
    if (r == 1)
        fprintf(stderr, "osmosis compare: %s: no PD with ID or name '%s'\n", file, spec);
    if (r == 2) {
        fprintf(stderr, "osmosis compare: %s: the name '%s' is ambiguous: %zu PDs carry it:",
                file, spec, n);
        for (size_t i = 0; i < n; i++)
            fprintf(stderr, " %s", osm_node_id(s, cands[i]));
        fprintf(stderr, " (give an ID)\n");
    }
    if (r < 0)
        fprintf(stderr, "osmosis compare: out of memory\n");
    free(cands);
    return r == 0 ? pd : OSM_NONE;
}

/* Load one column; CLI_OK or CLI_USAGE (message printed). */
static int col_open(cmp_col *c, cli_loaded *loaded, char *arg, const char *dflt_pd, const char *dflt_pair)
{
    const char *file, *pd, *pair;
    char given[PATH_MAX];
    snprintf(given, sizeof given, "%s", arg);      /* split_arg cuts arg at ':' */
    if (split_arg(arg, &file, &pd, &pair))
        return cli_usage_error("compare", "%s: no such file", given);
    c->file = file;
    pd = pd ? pd : dflt_pd;
    pair = pair ? pair : dflt_pair;
    if (!pd)
        return cli_usage_error("compare", "%s: which PD? (give %s:PD or --pd PD)", file, file);
    cli_load_opts lo = { 0 };
    if (cli_load(file, &lo, loaded) == CLI_USAGE)
        return CLI_USAGE;
    const osm_store *s = c->store = loaded->store;
    osm_id x = resolve(s, file, pd), y = OSM_NONE;
    if (x == OSM_NONE || (pair && (y = resolve(s, file, pair)) == OSM_NONE))
        return CLI_USAGE;
    c->n_pds = osm_store_node_count_kind(s, OSM_PD);
    c->q = osm_query_new(s);
    if (!c->q || osm_compare_pd(c->q, x, y, &c->c)) {
        fprintf(stderr, "osmosis compare: out of memory\n");
        return CLI_USAGE;
    }
    return CLI_OK;
}

static void col_close(cmp_col *c, cli_loaded *loaded)
{
    osm_cmp_free(&c->c);
    osm_query_free(c->q);
    if (loaded->store)
        cli_loaded_free(loaded);
}

static int run_compare(int argc, char **argv)
{
    static const struct option opts[] = {
        { "pd", required_argument, 0, 'p' }, { "pair", required_argument, 0, 'P' },
        { "json", no_argument, 0, 'j' },     { "html", required_argument, 0, 'H' },
        { "help", no_argument, 0, 'h' },     { 0, 0, 0, 0 } };
    const char *pd = NULL, *pair = NULL, *html = NULL;
    bool json = false;
    int ch;
    optind = 1;
    while ((ch = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (ch) {
        case 'p': pd = optarg; break;
        case 'P': pair = optarg; break;
        case 'j': json = true; break;
        case 'H': html = optarg; break;
        case 'h': fputs(compare_help, stdout); return CLI_OK;
        default: fputs(compare_help, stderr); return CLI_USAGE;
        }
    }
    size_t n = (size_t)(argc - optind);
    if (n < 1 || n > 26)
        return cli_usage_error("compare", "expected 1 to 26 states (try --help)");
    cmp_col *cols = calloc(n, sizeof *cols);
    cli_loaded *loaded = calloc(n, sizeof *loaded);
    if (!cols || !loaded) {
        free(cols);
        free(loaded);
        return cli_usage_error("compare", "out of memory");
    }
    int st = CLI_OK;
    for (size_t i = 0; i < n && st == CLI_OK; i++) {
        snprintf(cols[i].label, sizeof cols[i].label, "%c", (char)('A' + i));
        st = col_open(&cols[i], &loaded[i], argv[optind + i], pd, pair);
    }
    cmp_table t = { 0 };
    if (st == CLI_OK && cmp_table_build(cols, n, &t))
        st = cli_usage_error("compare", "out of memory");
    cli_out o;
    if (st == CLI_OK && html) {
        if (cli_out_open(&o, html))
            st = CLI_USAGE;
        else {
            cmp_write_html(o.f, cols, n, &t);
            st = cli_out_commit(&o) ? CLI_USAGE : CLI_OK;
        }
    }
    if (st == CLI_OK && json)
        cmp_print_json(cols, n);
    else if (st == CLI_OK)
        cmp_print_text(cols, n, &t);
    if (st == CLI_OK && html && !json)
        printf("\nHTML page written: %s\n", html);
    cmp_table_free(&t);
    for (size_t i = 0; i < n; i++)
        col_close(&cols[i], &loaded[i]);
    free(cols);
    free(loaded);
    return st;
}

OSM_VERB(compare, "compare", run_compare, "one PD per state side by side: TCB, IB, control, RSI, FR, pools");
