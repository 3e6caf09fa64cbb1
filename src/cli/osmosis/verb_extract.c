/* osmosis extract KIND ...: dispatch to one extractor. */
#include <string.h>

#include "cli.h"
#include "extract.h"

typedef struct extractor {
    const char *kind;
    int (*run)(int argc, char **argv);
    const char *summary;
} extractor;

static const extractor extractors[] = {
    { "linux", osm_cli_extract_linux, "a live Linux host or a captured /proc (docs/linux.md)" },
    { "sdf", osm_cli_extract_sdf, "a seL4 Microkit system description (FILE.system)" },
    { "vm", osm_cli_extract_vm, "a guest's state joined to its QEMU process (docs/vm.md)" },
};

static void usage(FILE *f)
{
    fputs("usage: osmosis extract KIND [options] ...\n\nkinds:\n", f);
    for (size_t i = 0; i < sizeof(extractors) / sizeof(extractors[0]); i++)
        fprintf(f, "  %-8s %s\n", extractors[i].kind, extractors[i].summary);
    fputs("\nRun 'osmosis extract KIND --help' for the options of one kind.\n"
          "  --json   list the kinds as JSON: {\"kinds\":[{\"kind\":..,\"summary\":..}]}\n"
          "Each kind takes --json too (a summary of the state it built).\n", f);
}

/* `osmosis extract --json`: the kinds, for scripts (sorted by kind). */
static int kinds_json(void)
{
    osm_json j;
    osm_json_init(&j, stdout, false);
    osm_json_begin_object(&j);
    osm_json_key(&j, "kinds");
    osm_json_begin_array(&j);
    for (size_t i = 0; i < sizeof(extractors) / sizeof(extractors[0]); i++) {
        osm_json_begin_object(&j);
        osm_json_key(&j, "kind");
        osm_json_string(&j, extractors[i].kind);
        osm_json_key(&j, "summary");
        osm_json_string(&j, extractors[i].summary);
        osm_json_end_object(&j);
    }
    osm_json_end_array(&j);
    osm_json_end_object(&j);
    osm_json_finish(&j);
    return fflush(stdout) == 0 ? CLI_OK : CLI_USAGE;
}

static int run(int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return CLI_USAGE;
    }
    if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
        usage(stdout);
        return CLI_OK;
    }
    if (!strcmp(argv[1], "--json"))
        return argc == 2 ? kinds_json()
                         : cli_usage_error("extract", "--json goes after the kind, or alone");
    for (size_t i = 0; i < sizeof(extractors) / sizeof(extractors[0]); i++)
        if (!strcmp(argv[1], extractors[i].kind))
            return extractors[i].run(argc - 1, argv + 1);
    return cli_usage_error("extract", "unknown kind '%s' (linux, sdf, vm)", argv[1]);
}

OSM_VERB(extract, "extract", run, "build a model state from a system or its description");
