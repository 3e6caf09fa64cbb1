/*
 * The osmosis command-line front end: verb registration and the helpers
 * every verb shares (loading a state, printing diagnostics, output files).
 *
 * A verb is a function `int f(int argc, char **argv)` (argv[0] is the verb)
 * registered with OSM_VERB in its own file; main() finds them all through a
 * linker section, so adding a verb touches no shared table.
 *
 * Exit status convention for every verb:
 *   0 fine, 1 problems found (check failures, unusable rows with --strict),
 *   2 usage error or unreadable input.
 */
#ifndef OSM_CLI_H
#define OSM_CLI_H

#include <stdio.h>
#include <osmosis/osmosis.h>

typedef struct osm_verb {
    const char *name;
    int (*run)(int argc, char **argv);
    const char *summary;
} osm_verb;

#define OSM_VERB(ident, name_, fn_, summary_)                                   \
    __attribute__((used, section("osm_verbs"), aligned(sizeof(void *))))       \
    static const osm_verb osm_verb_##ident = { name_, fn_, summary_ }

enum { CLI_OK = 0, CLI_PROBLEMS = 1, CLI_USAGE = 2 };

/* Options common to verbs that read one state. */
typedef struct cli_load_opts {
    bool strict;        /* unusable rows are errors (exit 1) */
    bool quiet;         /* do not print warnings */
    bool no_control;    /* do not add ROOT_TASK control edges */
    bool process;       /* apply the processing split after reading */
} cli_load_opts;

/* What loading found (for `info` and `import`). */
typedef struct cli_loaded {
    osm_store *store;
    osm_csv_stats stats;
    size_t control_added;
    osm_process_stats process;
    size_t row_problems;    /* unusable lines reported */
} cli_loaded;

/* Read PATH ("-" = stdin) as CellulOS CSV, print its diagnostics to stderr
 * as "PATH:LINE: severity: message", add control edges (unless told not to)
 * and process (if asked).  Returns CLI_OK, CLI_PROBLEMS (strict and rows
 * were unusable; the state is still loaded) or CLI_USAGE (unreadable / no
 * usable row; nothing loaded). */
int cli_load(const char *path, const cli_load_opts *o, cli_loaded *out);
void cli_loaded_free(cli_loaded *l);

/* Print diagnostics to stderr, prefixed with `name`. */
void cli_print_diags(const char *name, const osm_diags *d);

/* Output files are written to a temporary file and renamed into place on
 * success, so a failed run never leaves a partial file.  "-" or NULL means
 * stdout. */
typedef struct cli_out {
    FILE *f;
    char *path, *tmp;
    bool direct;        /* a device or FIFO, written in place */
} cli_out;
int cli_out_open(cli_out *o, const char *path);     /* 0 or -1 (message printed) */
int cli_out_commit(cli_out *o);                     /* 0 or -1; closes */
void cli_out_abort(cli_out *o);                     /* remove the temp file */
/* Write the state as CellulOS CSV to path ("-"/NULL = stdout) through
 * cli_out; 0, or -1 with a message printed. */
int cli_write_csv(const osm_store *s, const char *path);
/* The same in any single-file format: csv, json (networkx node-link),
 * graphml or dot.  0, or -1 with a message printed; nothing is left behind. */
int cli_write_state(const osm_store *s, const char *path, osm_export_format fmt);
/* --json of a verb that builds a state (gen, extract, vm run): write the
 * state to `path` when one was given with -o (not to stdout, which carries
 * the summary), then print one object with "edges", "format", "nodes",
 * "output" (null when not written), "verb" and the caller's counts, keys in
 * sorted order.  CLI_OK, or CLI_USAGE when the state could not be written.
 * A count with `str` set is printed as that string instead of `value`. */
typedef struct cli_count {
    const char *key;
    uint64_t value;
    const char *str;
} cli_count;
int cli_state_summary(const char *verb, const osm_store *s, const char *path,
                      osm_export_format fmt, const cli_count *extra, size_t n_extra);
#define CLI_JSON_SUMMARY_HELP \
    "      --json         print a JSON summary to stdout instead of the state\n" \
    "                     (with -o FILE the state still goes to FILE)\n"
/* Parse a single-file format name for --format; -1 when unknown. */
int cli_state_format_parse(const char *name);
#define CLI_STATE_FORMATS "csv, json, graphml, dot"

/* A helper program of osmosis (osmosis-static): next to this binary (build/
 * bin), else in ../libexec/osmosis relative to it (make install).  malloc'd;
 * NULL when out of memory or /proc/self/exe is unreadable. */
char *cli_helper_path(const char *name);

/* Print "osmosis VERB: message" to stderr and return CLI_USAGE. */
int cli_usage_error(const char *verb, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Look up a node ID, printing a clear error when missing. */
osm_id cli_find_pd(const osm_store *s, const char *verb, const char *id);

#endif
