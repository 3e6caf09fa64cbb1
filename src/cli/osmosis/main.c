/*
 * osmosis — the command-line tool of libosmosis.
 *   osmosis VERB [options] ...      osmosis help | --help | --version
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

extern const osm_verb __start_osm_verbs[], __stop_osm_verbs[];

static int cmp_verb(const void *a, const void *b)
{
    return strcmp((*(const osm_verb *const *)a)->name, (*(const osm_verb *const *)b)->name);
}

static void usage(FILE *f)
{
    size_t n = (size_t)(__stop_osm_verbs - __start_osm_verbs);
    const osm_verb **v = malloc((n ? n : 1) * sizeof *v);
    if (!v)
        return;
    for (size_t i = 0; i < n; i++)
        v[i] = &__start_osm_verbs[i];
    qsort(v, n, sizeof *v, cmp_verb);
    fprintf(f, "usage: osmosis VERB [options] ...\n\n"
               "Model isolation as a graph of protection domains, resources and\n"
               "resource spaces; read CellulOS CSV states and query them.\n\nverbs:\n");
    for (size_t i = 0; i < n; i++)
        fprintf(f, "  %-18s %s\n", v[i]->name, v[i]->summary);
    fprintf(f, "\nEvery verb takes --help and --json; FILE may be '-' for stdin.\n"
               "Exit status: 0 fine, 1 problems found, 2 usage error or unreadable input.\n");
    free(v);
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return CLI_USAGE;
    }
    const char *verb = argv[1];
    if (!strcmp(verb, "--help") || !strcmp(verb, "-h") || !strcmp(verb, "help")) {
        usage(stdout);
        return CLI_OK;
    }
    if (!strcmp(verb, "--version")) {
        printf("osmosis %s\n", OSMOSIS_VERSION);
        return CLI_OK;
    }
    for (const osm_verb *v = __start_osm_verbs; v < __stop_osm_verbs; v++)
        if (!strcmp(v->name, verb))
            return v->run(argc - 1, argv + 1);
    fprintf(stderr, "osmosis: unknown verb '%s' (try 'osmosis --help')\n", verb);
    return CLI_USAGE;
}
