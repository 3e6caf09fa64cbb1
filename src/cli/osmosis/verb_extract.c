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
    fputs("\nRun 'osmosis extract KIND --help' for the options of one kind.\n", f);
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
    for (size_t i = 0; i < sizeof(extractors) / sizeof(extractors[0]); i++)
        if (!strcmp(argv[1], extractors[i].kind))
            return extractors[i].run(argc - 1, argv + 1);
    return cli_usage_error("extract", "unknown kind '%s' (try 'osmosis extract --help')", argv[1]);
}

OSM_VERB(extract, "extract", run, "build a model state from a system or its description");
