/* libFuzzer target: the SDF prefill lookup (src/extract/sdf/sdf_prefill.c)
 * on arbitrary prefill paths, in a temporary tree made once:
 *   T/sdf/a.bin, T/sdf/sub/b.bin      regular files inside
 *   T/sdf/fifo                        a FIFO (must be refused, never opened
 *                                     for a blocking read)
 *   T/sdf/in -> a.bin, T/sdf/dir -> sub        links that stay inside
 *   T/sdf/out -> ../secret/key, T/sdf/abs -> T/secret/key   links out
 *   T/secret/key                      outside
 * The first byte sets --allow-outside-paths and the second prefill dir;
 * the rest is the path.  Without the flag, a size returned must be of a
 * file inside a prefill directory. */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "extract/sdf/sdf_prefill.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char top[PATH_MAX], sdf[PATH_MAX], sub[PATH_MAX];

static void put(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    if (!f || fputs(text, f) < 0 || fclose(f))
        abort();
}

/* Make the tree once (removed at exit). */
static void setup(void)
{
    char tmpl[] = "/tmp/fuzz_prefill.XXXXXX", p[PATH_MAX + 32];
    if (!mkdtemp(tmpl))
        abort();
    snprintf(top, sizeof top, "%s", tmpl);
    snprintf(sdf, sizeof sdf, "%s/sdf", top);
    snprintf(sub, sizeof sub, "%s/sdf/sub", top);
    snprintf(p, sizeof p, "%s/secret", top);
    if (mkdir(sdf, 0700) || mkdir(sub, 0700) || mkdir(p, 0700))
        abort();
    snprintf(p, sizeof p, "%s/secret/key", top);
    put(p, "secret");
    snprintf(p, sizeof p, "%s/a.bin", sdf);
    put(p, "abcd");
    snprintf(p, sizeof p, "%s/b.bin", sub);
    put(p, "bb");
    snprintf(p, sizeof p, "%s/fifo", sdf);
    if (mkfifo(p, 0600))
        abort();
    char t[PATH_MAX + 32];
    snprintf(t, sizeof t, "%s/secret/key", top);
    static const char *const links[][2] = { { "in", "a.bin" }, { "dir", "sub" },
                                            { "out", "../secret/key" } };
    for (size_t i = 0; i < 3; i++) {
        snprintf(p, sizeof p, "%s/%s", sdf, links[i][0]);
        if (symlink(links[i][1], p))
            abort();
    }
    snprintf(p, sizeof p, "%s/abs", sdf);
    if (symlink(t, p))
        abort();
}

static void teardown(void)
{
    char cmd[PATH_MAX + 16];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", top);
    if (top[0] && system(cmd) != 0)
        fprintf(stderr, "fuzz_sdf_prefill: could not remove %s\n", top);
}

/* Is dir/path, resolved, inside dir (resolved)? */
static int inside(const char *dir, const char *path)
{
    char full[2 * PATH_MAX], a[PATH_MAX], b[PATH_MAX];
    snprintf(full, sizeof full, "%s/%s", dir, path);
    if (!realpath(dir, a) || !realpath(full, b))
        return 0;
    size_t n = strlen(a);
    return !strncmp(a, b, n) && (b[n] == '/' || !b[n]);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!top[0]) {
        setup();
        atexit(teardown);
    }
    if (size == 0 || size > 512)
        return 0;
    char path[520];
    memcpy(path, data + 1, size - 1);
    path[size - 1] = '\0';
    sdf_prefill p = { .n_dirs = 1, .allow_outside = data[0] & 1 };
    p.dirs[0] = sdf;
    if (data[0] & 2)
        p.dirs[p.n_dirs++] = sub;
    char why[256] = "";
    int64_t n = sdf_prefill_size(&p, path, why, sizeof why);
    if (n == -2 && !why[0])
        abort();                    /* refused without a reason */
    if (n >= 0 && !p.allow_outside && !inside(sdf, path) && !(p.n_dirs > 1 && inside(sub, path)))
        abort();                    /* escaped its directory */
    return 0;
}
