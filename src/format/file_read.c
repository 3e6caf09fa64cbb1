/* Reading input files without hanging or running out of memory (file_read.h). */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "file_read.h"

const char *osm_file_type_refusal(mode_t m)
{
    if (S_ISREG(m))
        return NULL;
    if (S_ISDIR(m))
        return "is a directory";
    if (S_ISFIFO(m))
        return "is a FIFO, not a regular file";
    if (S_ISCHR(m))
        return "is a character device, not a regular file";
    if (S_ISBLK(m))
        return "is a block device, not a regular file";
    if (S_ISSOCK(m))
        return "is a socket, not a regular file";
    if (S_ISLNK(m))
        return "is a symbolic link (not followed)";
    return "is not a regular file";
}

const char *osm_file_cap_text(size_t cap, char *buf, size_t sz)
{
    if (cap >= OSM_MIB && cap % OSM_MIB == 0)
        snprintf(buf, sz, "%zu MiB", cap / OSM_MIB);
    else if (cap >= 1024 && cap % 1024 == 0)
        snprintf(buf, sz, "%zu KiB", cap / 1024);
    else
        snprintf(buf, sz, "%zu bytes", cap);
    return buf;
}

/* Put a refusal (or errno's text) into why; keeps errno. */
static void set_why(char *why, size_t whysz, const char *text)
{
    int e = errno;
    if (why && whysz)
        snprintf(why, whysz, "%s", text ? text : strerror(e));
    errno = e;
}

int osm_file_open(int dirfd, const char *path, bool nofollow, struct stat *sb, char *why,
                  size_t whysz)
{
    /* Look before opening: opening a device can have effects of its own. */
    if (fstatat(dirfd, path, sb, nofollow ? AT_SYMLINK_NOFOLLOW : 0) < 0) {
        set_why(why, whysz, NULL);
        return -1;
    }
    const char *no = osm_file_type_refusal(sb->st_mode);
    if (no) {
        errno = S_ISDIR(sb->st_mode) ? EISDIR : S_ISLNK(sb->st_mode) ? ELOOP : EINVAL;
        set_why(why, whysz, no);
        return -1;
    }
    /* O_NONBLOCK: should the name have become a FIFO since, open returns
     * at once instead of waiting for a writer; fstat below refuses it. */
    int fd = openat(dirfd, path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY |
                                 (nofollow ? O_NOFOLLOW : 0));
    if (fd < 0) {
        set_why(why, whysz, errno == ELOOP && nofollow ? "is a symbolic link (not followed)"
                                                       : NULL);
        return -1;
    }
    if (fstat(fd, sb) < 0 || (no = osm_file_type_refusal(sb->st_mode))) {
        errno = errno ? errno : EINVAL;
        set_why(why, whysz, no);
        close(fd);
        errno = EINVAL;
        return -1;
    }
    int fl = fcntl(fd, F_GETFL);
    if (fl >= 0)
        fcntl(fd, F_SETFL, fl & ~O_NONBLOCK);
    return fd;
}

char *osm_fd_read_all(int fd, size_t cap, const char *kind, size_t *len, char *why,
                      size_t whysz)
{
    size_t room = 65536, n = 0;
    char *buf = malloc(room);
    for (;;) {
        if (!buf) {
            errno = ENOMEM;
            set_why(why, whysz, NULL);
            return NULL;
        }
        if (n + 1 == room) {        /* keep one byte for the NUL */
            char *b = realloc(buf, room * 2);
            if (!b)
                free(buf);
            buf = b;
            room *= 2;
            continue;
        }
        ssize_t k = read(fd, buf + n, room - n - 1);
        if (k < 0 && errno == EINTR)
            continue;
        if (k < 0) {
            set_why(why, whysz, NULL);
            free(buf);
            return NULL;
        }
        if (k == 0)
            break;
        n += (size_t)k;
        if (n > cap) {
            char c[32], text[160];
            snprintf(text, sizeof text, "is larger than the %s limit for %s",
                     osm_file_cap_text(cap, c, sizeof c), kind);
            free(buf);
            errno = EFBIG;
            set_why(why, whysz, text);
            return NULL;
        }
    }
    buf[n] = '\0';
    *len = n;
    return buf;
}

char *osm_file_read(const char *path, size_t cap, const char *kind, size_t *len, char *why,
                    size_t whysz)
{
    if (!strcmp(path, "-"))
        return osm_fd_read_all(STDIN_FILENO, cap, kind, len, why, whysz);
    struct stat sb;
    int fd = osm_file_open(AT_FDCWD, path, false, &sb, why, whysz);
    if (fd < 0)
        return NULL;
    char *buf = NULL;
    if ((uint64_t)sb.st_size > cap) {   /* known too big: do not read it */
        char c[32], text[160];
        snprintf(text, sizeof text, "is larger than the %s limit for %s",
                 osm_file_cap_text(cap, c, sizeof c), kind);
        errno = EFBIG;
        set_why(why, whysz, text);
    } else {
        buf = osm_fd_read_all(fd, cap, kind, len, why, whysz);
    }
    int e = errno;
    close(fd);
    errno = e;
    return buf;
}
