/* Reading /proc files whole, relative to directory fds (no path rebuilds). */
#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "linux_internal.h"
#include "../../format/file_read.h"

static int buf_reserve(lx_buf *b, size_t want)
{
    if (want <= b->cap)
        return 0;
    size_t cap = b->cap ? b->cap : 4096;
    while (cap < want)
        cap *= 2;
    char *p = realloc(b->p, cap);
    if (!p) {
        errno = ENOMEM;
        return -1;
    }
    b->p = p;
    b->cap = cap;
    return 0;
}

/* A read this short was the end: a seq_file read returns whole records,
 * stopping at the end or where the next one no longer fits its buffer --
 * a page at least, and since Linux 6.x /proc/PID/maps returns one page
 * per read() however large the caller's buffer.  A short read of under
 * LX_READ_LAST bytes left more than that of the page unused, which no
 * /proc or cgroup record needs (a maps line needs a path of ~2000 bytes
 * for it).  Saves the second read() returning 0 on small files; larger
 * ones are read until read() says 0. */
enum { LX_READ_LAST = 2048, LX_READ_MIN = 64 * 1024 };

/* Caps per kind of file: ten times and more what a busy host shows (a
 * maps line is ~100 bytes plus its path, 65,530 mappings by default). */
static const struct { size_t cap; const char *name; } lx_kinds[LX_K_COUNT] = {
    [LX_K_SMALL] = { 1 * OSM_MIB, "a small /proc file" },
    [LX_K_STATUS] = { 1 * OSM_MIB, "a status file" },
    [LX_K_MAPS] = { 64 * OSM_MIB, "a maps file" },
    [LX_K_FDINFO] = { 16 * OSM_MIB, "an fdinfo file" },
    [LX_K_MOUNTINFO] = { 64 * OSM_MIB, "a mountinfo file" },
};

/* Open dirfd/path for reading, staying beneath dirfd: openat2 with
 * RESOLVE_BENEATH refuses ".." and symbolic links leading out of it and
 * every magic link; kernels before 5.6 fall back to O_NOFOLLOW on the last
 * component.  Non-blocking, so a FIFO cannot stall us.  fd or -1. */
static int open_beneath(int dirfd, const char *path, lx_buf *b)
{
    struct open_how how = { .flags = O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY,
                            .resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS };
    int fd = (int)syscall(SYS_openat2, dirfd, path, &how, sizeof how);
    if (fd < 0 && errno == ENOSYS)
        fd = openat(dirfd, path, (int)how.flags | O_NOFOLLOW);
    if (fd < 0 && errno == EXDEV)
        snprintf(b->why, sizeof b->why, "is a link leading out of the directory read "
                                        "(not followed)");
    else if (fd < 0 && errno == ELOOP)
        snprintf(b->why, sizeof b->why, "is a symbolic or magic link (not followed)");
    return fd;
}

int lx_read_file(int dirfd, const char *path, lx_kind kind, lx_buf *b)
{
    b->len = 0;
    b->why[0] = '\0';
    int fd = open_beneath(dirfd, path, b);
    if (fd < 0)
        return -1;
    size_t cap = lx_kinds[kind].cap;
    struct stat sb;
    const char *no = NULL;
    char text[32];
    if (fstat(fd, &sb) < 0)
        goto fail;
    if ((no = osm_file_type_refusal(sb.st_mode))) {
        snprintf(b->why, sizeof b->why, "%s", no);
        errno = S_ISDIR(sb.st_mode) ? EISDIR : EINVAL;
        goto fail;
    }
    /* /proc files report size 0: only a copy's size can be judged early. */
    for (bool over = (uint64_t)sb.st_size > cap;;) {
        if (over) {
            snprintf(b->why, sizeof b->why, "is larger than the %s limit for %s",
                     osm_file_cap_text(cap, text, sizeof text), lx_kinds[kind].name);
            errno = EFBIG;
            goto fail;
        }
        size_t want = b->len + LX_READ_MIN;
        if (buf_reserve(b, want < cap + 2 ? want : cap + 2) < 0)
            goto fail;
        size_t room = b->cap - b->len - 1;
        if (room > cap + 1 - b->len)
            room = cap + 1 - b->len;
        ssize_t n = read(fd, b->p + b->len, room);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            goto fail;
        b->len += (size_t)n;
        over = b->len > cap;
        if (!over && (n == 0 || (size_t)n < LX_READ_LAST)) {
            b->p[b->len] = '\0';
            close(fd);
            return 0;
        }
    }
fail:;
    int e = errno;
    close(fd);
    b->len = 0;
    errno = e;
    return -1;
}

void lx_note_refused(osm_lx_report *r, const char *proc, int pid, const char *path,
                     const char *why)
{
    osm_lx_refusal f = { .pid = pid };
    if (pid)
        snprintf(f.what, sizeof f.what, "%s/%d/%s: %s", proc, pid, path, why);
    else
        snprintf(f.what, sizeof f.what, "%s/%s: %s", proc, path, why);
    lx_report_add_refusal(r, &f);
    r->refused++;
}

ssize_t lx_readlink(int dirfd, const char *path, char *buf, size_t sz)
{
    ssize_t n = readlinkat(dirfd, path, buf, sz - 1);
    if (n < 0)
        return -1;
    buf[n] = '\0';
    return n;
}

void lx_buf_free(lx_buf *b)
{
    free(b->p);
    b->p = NULL;
    b->len = b->cap = 0;
}

bool lx_gone(int err)
{
    return err == ENOENT || err == ESRCH;
}
