/* Reading /proc files whole, relative to directory fds (no path rebuilds). */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

#include "linux_internal.h"

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

int lx_read_file(int dirfd, const char *path, lx_buf *b)
{
    b->len = 0;
    int fd = openat(dirfd, path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    for (;;) {
        if (buf_reserve(b, b->len + LX_READ_MIN) < 0)
            break;
        size_t room = b->cap - b->len - 1;
        ssize_t n = read(fd, b->p + b->len, room);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            break;
        b->len += (size_t)n;
        if (n == 0 || (size_t)n < LX_READ_LAST) {
            b->p[b->len] = '\0';
            close(fd);
            return 0;
        }
    }
    int e = errno;
    close(fd);
    errno = e;
    return -1;
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
