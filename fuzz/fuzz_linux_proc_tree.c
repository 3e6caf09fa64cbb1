/* libFuzzer target: the `extract linux --proc DIR` reader end to end
 * (src/extract/linux: lx_read_file, the parsers and the model building) on
 * a temporary copy of /proc holding one process, 4242, whose files come
 * from the input:
 *   byte 0      mode: bit 0 maps is a FIFO, bit 1 maps links to /dev/zero,
 *               bit 2 status links out of the tree, bit 3 --threads
 *   bytes 1..2  length of the status part, 3..4 of the maps part
 *   then        status, maps, and the rest as fdinfo/3 (fd/3 -> /tmp/x)
 * plus a fixed cgroup and mountinfo.  The reader must refuse the FIFO and
 * the links at once (the target would hang or run out of memory else) and
 * the extraction must never crash; a state it produces must pass the rules
 * check. */
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "extract/linux/linux.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char top[PATH_MAX];

static void put(const char *name, const void *p, size_t n)
{
    char path[PATH_MAX + 64];
    snprintf(path, sizeof path, "%s/4242/%s", top, name);
    unlink(path);
    FILE *f = fopen(path, "w");
    if (!f || (n && fwrite(p, 1, n, f) != n) || fclose(f))
        abort();
}

static void link_to(const char *name, const char *target)
{
    char path[PATH_MAX + 64];
    snprintf(path, sizeof path, "%s/4242/%s", top, name);
    unlink(path);
    if (symlink(target, path))
        abort();
}

static void setup(void)
{
    char tmpl[] = "/tmp/fuzz_proc_tree.XXXXXX", p[PATH_MAX + 64];
    if (!mkdtemp(tmpl))
        abort();
    snprintf(top, sizeof top, "%s", tmpl);
    static const char *const dirs[] = { "4242", "4242/fd", "4242/fdinfo", "4242/ns",
                                        "4242/task", "4242/task/4242" };
    for (size_t i = 0; i < sizeof dirs / sizeof *dirs; i++) {
        snprintf(p, sizeof p, "%s/%s", top, dirs[i]);
        if (mkdir(p, 0700))
            abort();
    }
    static const char cgroup[] = "0::/user.slice\n";
    static const char mountinfo[] = "22 1 8:1 / / rw,relatime - ext4 /dev/sda1 rw\n";
    put("cgroup", cgroup, sizeof cgroup - 1);
    put("mountinfo", mountinfo, sizeof mountinfo - 1);
    put("task/4242/comm", "fuzz\n", 5);
    link_to("fd/3", "/tmp/x");
    link_to("ns/mnt", "mnt:[4026531841]");
    link_to("ns/pid", "pid:[4026531836]");
    link_to("ns/user", "user:[4026531837]");
    setenv("OSMOSIS_LX_WORKERS", "1", 1);   /* one thread: no spawn per input */
}

static void teardown(void)
{
    char cmd[PATH_MAX + 16];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", top);
    if (top[0] && system(cmd) != 0)
        fprintf(stderr, "fuzz_linux_proc_tree: could not remove %s\n", top);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!top[0]) {
        setup();
        atexit(teardown);
    }
    if (size < 5)
        return 0;
    uint8_t mode = data[0];
    size_t ls = (size_t)data[1] | (size_t)data[2] << 8, lm = (size_t)data[3] | (size_t)data[4] << 8;
    const uint8_t *p = data + 5;
    size_t rest = size - 5;
    ls = ls < rest ? ls : rest;
    lm = lm < rest - ls ? lm : rest - ls;
    if (mode & 4)
        link_to("status", "../../../etc/passwd");
    else
        put("status", p, ls);
    if (mode & 1) {
        char path[PATH_MAX + 64];
        snprintf(path, sizeof path, "%s/4242/maps", top);
        unlink(path);
        if (mkfifo(path, 0600))
            abort();
    } else if (mode & 2) {
        link_to("maps", "/dev/zero");
    } else {
        put("maps", p + ls, lm);
    }
    put("fdinfo/3", p + ls + lm, rest - ls - lm);
    osm_lx_opts o = { .proc = top, .live = false, .no_phys = true, .threads = mode & 8 };
    osm_store *s = osm_store_new();
    osm_lx_report rep;
    if (s && osm_lx_extract(&o, s, &rep) == 0) {
        /* status is always read, maps only for a process kept so far */
        if (((mode & 4) || ((mode & 3) && rep.processes)) && !rep.refused)
            abort();                /* a FIFO or a link out was read */
        osm_diags d;
        osm_diags_init(&d, 5);
        if (osm_check(s, true, &d) != 0 && !(mode & 7))
            ;                       /* garbled input may break rules: not a crash */
        osm_diags_free(&d);
    }
    osm_store_free(s);
    return 0;
}
