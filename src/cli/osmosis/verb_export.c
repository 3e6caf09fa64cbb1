/* osmosis export: write a state as CSV, networkx JSON, GraphML, DOT or a
 * Neo4j import folder. */
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"

static const char help[] =
    "usage: osmosis export FILE --format FORMAT [-o OUT] [--no-control] [--process] [--strict]\n"
    "\n"
    "Write the state in FILE (CellulOS CSV) for another tool.  FORMAT is one of\n"
    "  csv      CellulOS CSV, as `osmosis import` writes it\n"
    "  json     networkx node-link JSON (nx.node_link_graph reads it)\n"
    "  graphml  GraphML (nx.read_graphml, Gephi, yEd, Cytoscape)\n"
    "  dot      Graphviz (dot -Tsvg)\n"
    "  neo4j    a folder OUT with nodes.csv and relationships.csv for\n"
    "           `neo4j-admin database import`, and load.cypher (LOAD CSV)\n"
    "Nodes are written sorted by ID and edges by (source, target, kind), so the\n"
    "same state always gives the same bytes.  See docs/export.md.\n"
    "\n"
    "  -f, --format FORMAT  output format (required)\n"
    "  -o, --output OUT     output file (default: stdout) or, for neo4j, the\n"
    "                       folder to create (required; DIR and DIR/ alike; an\n"
    "                       empty folder or a previous neo4j export there is\n"
    "                       replaced, anything else is refused)\n"
    "      --json           print a JSON summary of what was written to stdout\n"
    "      --no-control     do not add ROOT_TASK control edges\n"
    "      --process        apply the processing split first\n"
    "      --strict         exit 1 if any input line was unusable\n"
    "\n"
    "Output is written to a temporary name and renamed into place: a failed\n"
    "run leaves nothing behind.  Exit 0 done, 1 unusable input lines with\n"
    "--strict, 2 usage error, unreadable input or unwritable output.\n";

static const char *const neo4j_files[] = { "nodes.csv", "relationships.csv", "load.cypher" };
enum { NEO4J_FILES = 3 };

/* Write one file of the neo4j folder. 0 or -1 (message printed). */
static int write_neo4j_file(const osm_store *s, const char *dir, int which)
{
    char *path;
    if (asprintf(&path, "%s/%s", dir, neo4j_files[which]) < 0)
        return -1;
    FILE *f = fopen(path, "w");
    int r = -1;
    if (f) {
        r = which == 0 ? osm_export_neo4j_nodes(s, f)
            : which == 1 ? osm_export_neo4j_relationships(s, f) : osm_export_neo4j_cypher(f);
        if (fclose(f) != 0)
            r = -1;
    }
    if (r < 0)
        fprintf(stderr, "osmosis export: cannot write %s: %s\n", path, strerror(errno));
    free(path);
    return r;
}

/* Remove a folder holding (at most) the neo4j files. */
static void remove_neo4j_dir(const char *dir)
{
    for (int i = 0; i < NEO4J_FILES; i++) {
        char *path;
        if (asprintf(&path, "%s/%s", dir, neo4j_files[i]) < 0)
            continue;
        unlink(path);
        free(path);
    }
    rmdir(dir);
}

/* True when `dir` is a folder that holds nothing but neo4j export files,
 * i.e. one we may replace. */
static bool is_previous_export(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d)
        return false;
    bool ours = true;
    struct dirent *de;
    while (ours && (de = readdir(d))) {
        if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
            continue;
        ours = false;
        for (int i = 0; i < NEO4J_FILES; i++)
            if (!strcmp(de->d_name, neo4j_files[i]))
                ours = true;
    }
    closedir(d);
    return ours;
}

/* Move the finished folder `tmp` to `out`, replacing a previous export. */
static int publish_dir(const char *tmp, const char *out)
{
    if (rename(tmp, out) == 0)
        return 0;
    if (errno != ENOTEMPTY && errno != EEXIST) {
        fprintf(stderr, "osmosis export: cannot create %s: %s\n", out, strerror(errno));
        return -1;
    }
    if (!is_previous_export(out)) {
        fprintf(stderr, "osmosis export: %s exists and is not a neo4j export; not replacing it\n",
                out);
        return -1;
    }
    char *old;
    if (asprintf(&old, "%s.old.XXXXXX", out) < 0)
        return -1;
    int r = 0;
    if (!mkdtemp(old) || rename(out, old) != 0 || rename(tmp, out) != 0) {
        fprintf(stderr, "osmosis export: cannot replace %s: %s\n", out, strerror(errno));
        rmdir(old);
        r = -1;
    } else {
        remove_neo4j_dir(old);
    }
    free(old);
    return r;
}

/* Write the neo4j folder: all files into a fresh temporary folder next to
 * `out`, then one rename.  `out` may end in '/' ("neo4j/"): the folder is
 * the same, but its temporary sibling must be named without the slash. */
static int export_neo4j(const osm_store *s, const char *out_arg)
{
    char *out = strdup(out_arg), *tmp;
    if (!out)
        return CLI_USAGE;
    for (size_t n = strlen(out); n > 1 && out[n - 1] == '/'; n--)
        out[n - 1] = '\0';
    if (asprintf(&tmp, "%s.tmp.XXXXXX", out) < 0) {
        free(out);
        return CLI_USAGE;
    }
    if (!mkdtemp(tmp)) {
        fprintf(stderr, "osmosis export: cannot create %s: %s\n", out, strerror(errno));
        free(tmp);
        free(out);
        return CLI_USAGE;
    }
    int r = 0;
    for (int i = 0; i < NEO4J_FILES && r == 0; i++)
        r = write_neo4j_file(s, tmp, i);
    chmod(tmp, 0755);   /* mkdtemp makes it 0700; a plain mkdir would not */
    if (r == 0)
        r = publish_dir(tmp, out);
    if (r < 0)
        remove_neo4j_dir(tmp);
    free(tmp);
    free(out);
    return r < 0 ? CLI_USAGE : CLI_OK;
}

static void print_summary(const osm_store *s, const char *file, const char *fmt, const char *out)
{
    osm_json j;
    osm_json_init(&j, stdout, true);
    osm_json_begin_object(&j);
    osm_json_key(&j, "edges");
    osm_json_uint(&j, osm_store_edge_count(s));
    osm_json_key(&j, "file");
    osm_json_string(&j, file);
    osm_json_key(&j, "format");
    osm_json_string(&j, fmt);
    osm_json_key(&j, "nodes");
    osm_json_uint(&j, osm_store_node_count(s));
    osm_json_key(&j, "output");
    osm_json_string(&j, out);
    osm_json_end_object(&j);
    osm_json_finish(&j);
}

static int run(int argc, char **argv)
{
    static const struct option opts[] = {
        { "format", required_argument, 0, 'f' }, { "output", required_argument, 0, 'o' },
        { "json", no_argument, 0, 'j' },         { "no-control", no_argument, 0, 'n' },
        { "process", no_argument, 0, 'p' },      { "strict", no_argument, 0, 's' },
        { "help", no_argument, 0, 'h' },         { 0, 0, 0, 0 } };
    cli_load_opts lo = { .quiet = false };
    const char *fmt_name = NULL, *out = NULL;
    bool json = false;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "f:o:h", opts, NULL)) != -1) {
        switch (c) {
        case 'f': fmt_name = optarg; break;
        case 'o': out = optarg; break;
        case 'j': json = true; break;
        case 'n': lo.no_control = true; break;
        case 'p': lo.process = true; break;
        case 's': lo.strict = true; break;
        case 'h': fputs(help, stdout); return CLI_OK;
        default: fputs(help, stderr); return CLI_USAGE;
        }
    }
    if (optind != argc - 1)
        return cli_usage_error("export", "expected one FILE");
    if (!fmt_name)
        return cli_usage_error("export", "--format is required (csv, json, graphml, dot, neo4j)");
    int fmt = osm_export_format_parse(fmt_name);
    if (fmt < 0)
        return cli_usage_error("export", "unknown format '%s' (csv, json, graphml, dot, neo4j)",
                               fmt_name);
    if (fmt == OSM_EXPORT_NEO4J && (!out || !strcmp(out, "-")))
        return cli_usage_error("export", "--format neo4j writes a folder: give it with -o DIR");
    if (json && (!out || !strcmp(out, "-")))
        return cli_usage_error("export", "--json prints to stdout: give the output with -o OUT");
    cli_loaded l;
    int st = cli_load(argv[optind], &lo, &l);
    if (st == CLI_USAGE)
        return st;
    int r = fmt == OSM_EXPORT_NEO4J ? export_neo4j(l.store, out)
        : (cli_write_state(l.store, out, (osm_export_format)fmt) < 0 ? CLI_USAGE : CLI_OK);
    if (r == CLI_OK && json)
        print_summary(l.store, argv[optind], fmt_name, out);
    cli_loaded_free(&l);
    return r != CLI_OK ? r : st;
}

OSM_VERB(export, "export", run, "write a state as csv, json, graphml, dot or a neo4j folder");
