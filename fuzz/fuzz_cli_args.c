/* libFuzzer target: option parsing of the osmosis verbs (src/cli/osmosis),
 * by running a verb on an argument vector made from the input, in a
 * temporary folder holding a small state (s.csv, a Linux extraction),
 * an SDF (s.system) and its prefill file.  Byte 0 picks the verb; the rest
 * is split at NUL and newline into at most 12 arguments.  Arguments with a
 * '/' are dropped, so nothing outside the folder can be named (and read or
 * written); standard input is /dev/null and standard output goes there too.
 * Verbs that start programs, scan the live system or take long by design
 * (vm, compare, extract linux/vm, report, gen) are left out; `extract` is
 * always `extract sdf`.  Files a run writes are removed after it. */
#include <dirent.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/osmosis/cli.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

extern const osm_verb __start_osm_verbs[], __stop_osm_verbs[];

static const char *const verbs[] = {
    "bfs", "can-control", "check", "cleanup", "control-by", "describe", "export", "extract",
    "fr", "harden", "ib", "import", "indirect-servers", "info", "process", "rsi", "servers",
    "shared-resources", "shared-spaces", "tcb", "whatif",
};
enum { N_VERBS = sizeof verbs / sizeof *verbs, MAX_ARGS = 12, MAX_ARG = 256 };

static char top[PATH_MAX];

static const osm_verb *find_verb(const char *name)
{
    for (const osm_verb *v = __start_osm_verbs; v < __stop_osm_verbs; v++)
        if (!strcmp(v->name, name))
            return v;
    abort();
}

static void put(const char *name, const char *text)
{
    FILE *f = fopen(name, "w");
    if (!f || fputs(text, f) < 0 || fclose(f))
        abort();
}

static void setup(void)
{
    char tmpl[] = "/tmp/fuzz_cli.XXXXXX";
    if (!mkdtemp(tmpl) || chdir(tmpl))
        abort();
    snprintf(top, sizeof top, "%s", tmpl);
    put("s.csv", "NODE_TYPE,NODE_ID,DATA,EDGE_TYPE,EDGE_FROM,EDGE_TO,EXTRA\n"
                 "PD,PD_kernel,kernel,,,,\n"
                 "PD,PD_1,init,,,,pid=1\n"
                 "PD,PD_2,sh,,,,pid=2\n"
                 "RESOURCE,FILE_8:1:12,FILE,,,,path=/etc/passwd\n"
                 "RESOURCE_SPACE,ADS_1,VIRTUAL_MEMORY,,,,\n"
                 "RESOURCE,VMR_1_400000,VMR,,,,start=0x400000;end=0x401000\n"
                 ",,,HOLD,PD_1,FILE_8:1:12,R\n"
                 ",,,HOLD,PD_2,FILE_8:1:12,RW\n"
                 ",,,HOLD,PD_1,ADS_1,RW\n"
                 ",,,HOLD,PD_1,VMR_1_400000,RX\n"
                 ",,,SUBSET,VMR_1_400000,ADS_1,\n"
                 ",,,MAP,VMR_1_400000,FILE_8:1:12,RX\n"
                 ",,,REQUEST,PD_2,PD_1,FILE\n");
    put("s.system", "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<system>\n"
                    "  <memory_region name=\"m\" prefill_path=\"a.bin\" />\n"
                    "  <protection_domain name=\"pd\" priority=\"100\">\n"
                    "    <program_image path=\"pd.elf\" />\n"
                    "    <map mr=\"m\" vaddr=\"0x20000000\" />\n"
                    "  </protection_domain>\n</system>\n");
    put("a.bin", "data");
    if (!freopen("/dev/null", "r", stdin) || !freopen("/dev/null", "w", stdout))
        abort();
}

static void teardown(void)
{
    char cmd[PATH_MAX + 16];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", top);
    if (top[0] && chdir("/") == 0 && system(cmd) != 0)
        fprintf(stderr, "fuzz_cli_args: could not remove %s\n", top);
}

/* Remove what the run wrote (files, neo4j folders) next to the inputs. */
static void clean(void)
{
    DIR *d = opendir(".");
    struct dirent *de;
    while (d && (de = readdir(d))) {
        const char *n = de->d_name;
        if (!strcmp(n, ".") || !strcmp(n, "..") || !strcmp(n, "s.csv") ||
            !strcmp(n, "s.system") || !strcmp(n, "a.bin"))
            continue;
        if (unlink(n) < 0) {
            char cmd[NAME_MAX + 32];
            snprintf(cmd, sizeof cmd, "rm -rf -- '%s'", n);
            if (!strchr(n, '\'') && system(cmd) != 0)
                abort();
        }
    }
    if (d)
        closedir(d);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!top[0]) {
        setup();
        atexit(teardown);
    }
    if (size == 0)
        return 0;
    static char arena[MAX_ARGS][MAX_ARG + 1];
    char *argv[MAX_ARGS + 3];
    int argc = 0;
    const char *verb = verbs[data[0] % N_VERBS];
    argv[argc++] = (char *)verb;
    if (!strcmp(verb, "extract"))
        argv[argc++] = (char *)"sdf";
    size_t at = 1;
    for (int k = 0; k < MAX_ARGS && at < size; k++) {
        size_t n = 0;
        while (at < size && data[at] != '\0' && data[at] != '\n') {
            if (n < MAX_ARG)
                arena[k][n++] = (char)data[at];
            at++;
        }
        at++;
        arena[k][n] = '\0';
        if (!strchr(arena[k], '/'))
            argv[argc++] = arena[k];
    }
    argv[argc] = NULL;
    find_verb(verb)->run(argc, argv);
    fflush(stdout);
    /* getopt keeps where it was in a cluster of short options: start over. */
    char *reset[] = { (char *)"x", NULL };
    optind = 0;
    getopt(1, reset, "");
    clean();
    return 0;
}
