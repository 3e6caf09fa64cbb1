/*
 * Line source for the CSV reader; see csv_lines.h.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "csv_lines.h"

size_t osm_lines_window = 1 << 20;

static void reset_scan(osm_lines *l)
{
    l->lf_at = l->lf_scanned = l->cr_at = l->cr_scanned = l->pos;
}

void osm_lines_open_mem(osm_lines *l, const char *buf, size_t len)
{
    memset(l, 0, sizeof *l);
    l->fd = -1;
    l->base = buf ? buf : "";
    l->len = len;
    l->eof = true;
}

int osm_lines_open_fd(osm_lines *l, int fd)
{
    struct stat sb;
    memset(l, 0, sizeof *l);
    l->fd = fd;
    off_t here = lseek(fd, 0, SEEK_CUR);
    if (fstat(fd, &sb) < 0 || !S_ISREG(sb.st_mode) || here < 0) {
        errno = ESPIPE;
        return -1;
    }
    l->origin = here;
    l->cap = osm_lines_window ? osm_lines_window : 1;
    l->win = malloc(l->cap);
    if (!l->win)
        return -1;
    l->base = l->win;
    return 0;
}

void osm_lines_close(osm_lines *l)
{
    free(l->win);
    l->win = NULL;
}

/* Move a remembered search by `d` bytes to the front; a search that ended
 * before pos (and so before d) is forgotten. */
static void shift_scan(size_t *at, size_t *scanned, size_t d)
{
    if (*scanned <= d || *at < d) {
        *at = *scanned = 0;
        return;
    }
    *at -= d;
    *scanned -= d;
}

/* Drop the consumed bytes, grow the window if a line fills it, read more.
 * false at EOF or on error. */
static bool refill(osm_lines *l)
{
    if (l->eof || l->fd < 0)
        return false;
    if (l->pos > 0) {
        size_t d = l->pos;
        memmove(l->win, l->win + d, l->len - d);
        l->len -= d;
        l->base_off += d;
        l->pos = 0;
        shift_scan(&l->lf_at, &l->lf_scanned, d);
        shift_scan(&l->cr_at, &l->cr_scanned, d);
    }
    if (l->len == l->cap) {
        char *w = realloc(l->win, l->cap * 2);
        if (!w) {
            l->err = ENOMEM;
            return false;
        }
        l->win = w;
        l->base = w;
        l->cap *= 2;
    }
    for (;;) {
        ssize_t k = read(l->fd, l->win + l->len, l->cap - l->len);
        if (k < 0 && errno == EINTR)
            continue;
        if (k < 0) {
            l->err = errno;
            return false;
        }
        if (k == 0) {
            l->eof = true;
            return false;
        }
        l->len += (size_t)k;
        return true;
    }
}

/* Offset of the next `c` at or after pos in the held bytes, or len; `at`
 * and `scanned` remember earlier searches. */
static size_t find_next(const osm_lines *l, char c, size_t *at, size_t *scanned)
{
    if (*at >= l->pos && *at < *scanned)
        return *at;
    size_t from = *scanned > l->pos ? *scanned : l->pos;
    const char *hit = from < l->len ? memchr(l->base + from, c, l->len - from) : NULL;
    *at = hit ? (size_t)(hit - l->base) : l->len;
    *scanned = hit ? *at + 1 : l->len;
    return *at;
}

bool osm_lines_next(osm_lines *l, const char **p, const char **e)
{
    size_t lf;
    while ((lf = find_next(l, '\n', &l->lf_at, &l->lf_scanned)) == l->len && !l->eof) {
        if (!refill(l) && (l->err || !l->eof))
            return false;
    }
    if (l->pos >= l->len)
        return false;
    /* A CR before the LF ends the line there (lone CR), or is part of CRLF. */
    size_t cr = find_next(l, '\r', &l->cr_at, &l->cr_scanned);
    size_t start = l->pos, end = lf, next = lf < l->len ? lf + 1 : lf;
    if (cr < lf) {
        end = cr;
        next = cr + 1 == lf && lf < l->len ? lf + 1 : cr + 1;
    }
    *p = l->base + start;
    *e = l->base + end;
    l->line_off = l->base_off + start;
    l->pos = next;
    return true;
}

int osm_lines_seek(osm_lines *l, uint64_t off)
{
    if (l->fd < 0) {
        if (off > l->len)
            return -1;
        l->pos = (size_t)off;
        reset_scan(l);
        return 0;
    }
    if (lseek(l->fd, l->origin + (off_t)off, SEEK_SET) < 0)
        return -1;
    l->len = l->pos = 0;
    l->base_off = off;
    l->eof = false;
    l->err = 0;
    reset_scan(l);
    return 0;
}
