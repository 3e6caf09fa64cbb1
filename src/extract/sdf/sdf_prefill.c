/* Finding prefill files inside their directories (sdf_prefill.h). */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sdf_prefill.h"
#include "../../format/file_read.h"

/* Is `real` (a resolved path) dir itself or inside it (also resolved)? */
static bool inside(const char *real, const char *dir)
{
    size_t n = strlen(dir);
    if (n == 1 && dir[0] == '/')
        return true;
    return !strncmp(real, dir, n) && (real[n] == '/' || real[n] == '\0');
}

/* Look path up in dir: 1 found (size in *size), 0 not there, -1 refused
 * (why filled). */
static int lookup(const sdf_prefill *p, const char *dir, const char *path, int64_t *size,
                  char *why, size_t whysz)
{
    char full[PATH_MAX], real[PATH_MAX], realdir[PATH_MAX];
    if ((size_t)snprintf(full, sizeof full, "%s/%s", dir, path) >= sizeof full) {
        snprintf(why, whysz, "path too long");
        return -1;
    }
    struct stat sb;
    if (lstat(full, &sb) < 0)
        return errno == ENOENT || errno == ENOTDIR ? 0 : (snprintf(why, whysz, "%s",
                                                                   strerror(errno)), -1);
    if (!p->allow_outside) {
        /* Resolve both: "..", and links anywhere on the way, must not
         * leave the directory. */
        if (!realpath(dir, realdir) || !realpath(full, real)) {
            if (errno == ENOENT)    /* a dangling link: nothing to read */
                return 0;
            snprintf(why, whysz, "%s", strerror(errno));
            return -1;
        }
        if (!inside(real, realdir)) {
            snprintf(why, whysz, "leads outside %s (give --allow-outside-paths to allow it)",
                     dir);
            return -1;
        }
    }
    int fd = osm_file_open(AT_FDCWD, full, false, &sb, why, whysz);
    if (fd < 0)
        return -1;
    close(fd);
    *size = (int64_t)sb.st_size;
    return 1;
}

int64_t sdf_prefill_size(void *ctx, const char *path, char *why, size_t whysz)
{
    const sdf_prefill *p = ctx;
    for (size_t i = 0; i < p->n_dirs; i++) {
        int64_t size = 0;
        int r = lookup(p, p->dirs[i], path, &size, why, whysz);
        if (r > 0)
            return size;
        if (r < 0)
            return -2;
    }
    return -1;
}
