/*
 * A minimal writer of the "newc" cpio format the kernel unpacks as an
 * initramfs (Documentation/driver-api/early-userspace/buffer-format.rst).
 * Hand-written because it is 60 lines and the launcher must not depend on
 * a cpio tool being installed: 110-byte ASCII headers, names and data
 * padded to 4 bytes, a "TRAILER!!!" entry at the end.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "vm.h"
#include "../../format/file_read.h"

void osm_cpio_begin(osm_cpio *c, FILE *f)
{
    memset(c, 0, sizeof *c);
    c->f = f;
    c->ino = 1;
}

static void put(osm_cpio *c, const void *p, size_t n)
{
    if (n && fwrite(p, 1, n, c->f) != n)
        c->err = -1;
    c->off += n;
}

static void pad4(osm_cpio *c)
{
    static const char zero[4];
    put(c, zero, (size_t)((4 - c->off % 4) % 4));
}

static void header(osm_cpio *c, const char *name, unsigned mode, size_t size)
{
    char h[111];
    size_t nl = strlen(name) + 1;
    snprintf(h, sizeof h, "070701%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X",
             c->ino++, mode, 0u, 0u, 1u, 0u, (unsigned)size, 0u, 0u, 0u, 0u, (unsigned)nl, 0u);
    put(c, h, 110);
    put(c, name, nl);
    pad4(c);
}

void osm_cpio_dir(osm_cpio *c, const char *name)
{
    header(c, name, 040755, 0);
}

void osm_cpio_data(osm_cpio *c, const char *name, unsigned mode, const void *p, size_t n)
{
    header(c, name, 0100000 | mode, n);
    put(c, p, n);
    pad4(c);
}

int osm_cpio_file(osm_cpio *c, const char *name, unsigned mode, const char *host_path)
{
    struct stat sb;
    char why[160];
    /* Regular files only, opened without blocking (docs/reliability.md). */
    int fd = osm_file_open(AT_FDCWD, host_path, false, &sb, why, sizeof why);
    FILE *f = fd >= 0 ? fdopen(fd, "rb") : NULL;
    if (!f) {
        if (fd >= 0)
            close(fd);
        return -1;
    }
    char *buf = NULL;
    size_t len = 0, cap = 0, k;
    char chunk[65536];
    while ((k = fread(chunk, 1, sizeof chunk, f)) > 0) {
        if (len + k > cap) {
            size_t ncap = cap ? cap * 2 : 1 << 20;
            while (ncap < len + k)
                ncap *= 2;
            char *nb = realloc(buf, ncap);
            if (!nb) {
                free(buf);
                fclose(f);
                errno = ENOMEM;
                return -1;
            }
            buf = nb;
            cap = ncap;
        }
        memcpy(buf + len, chunk, k);
        len += k;
    }
    int bad = ferror(f);
    fclose(f);
    if (!bad)
        osm_cpio_data(c, name, mode, buf, len);
    free(buf);
    if (bad)
        errno = EIO;
    return bad ? -1 : 0;
}

int osm_cpio_end(osm_cpio *c)
{
    header(c, "TRAILER!!!", 0, 0);
    if (fflush(c->f) != 0)
        c->err = -1;
    return c->err;
}
