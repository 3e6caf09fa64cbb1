/*
 * A source of lines for the CSV reader (internal to libosmosis): a buffer in
 * memory, or a file read through a sliding window, so that importing a
 * 350 MB dump never holds the whole text.  The reader makes two passes, so
 * a file source can be rewound to a remembered offset.
 *
 * A line ends at LF, CRLF or a lone CR.  Every scan is amortised O(n) even
 * for pathological inputs (one 100 MB line, a file of lone CRs).
 */
#ifndef OSM_CSV_LINES_H
#define OSM_CSV_LINES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct osm_lines {
    int fd;                 /* -1: a memory source */
    const char *base;       /* the bytes held: the memory buffer or `win` */
    char *win;              /* window of a file source (owned) */
    size_t cap;             /* window capacity */
    size_t len;             /* bytes held from base */
    size_t pos;             /* start of the next line, from base */
    uint64_t base_off;      /* input offset of base[0] */
    int64_t origin;         /* file offset of input offset 0 (stdin may not start at 0) */
    bool eof;               /* nothing more to read after base[len] */
    int err;                /* errno of a failed read, else 0 */
    /* Scan memory, as offsets from base, so no byte is searched twice. */
    size_t lf_at, lf_scanned;   /* next LF at/after pos, valid when lf_at < lf_scanned */
    size_t cr_at, cr_scanned;   /* the same for CR */
    uint64_t line_off;      /* input offset of the line last returned */
} osm_lines;

/* First window size of a file source (1 MiB); it doubles for longer
 * lines.  Tests and the fuzzer shrink it so every window move is exercised. */
extern size_t osm_lines_window;

void osm_lines_open_mem(osm_lines *l, const char *buf, size_t len);
/* Stream a seekable regular file; -1 (errno) when it cannot be used so. */
int osm_lines_open_fd(osm_lines *l, int fd);
/* The next line as [*p, *e), terminator excluded; valid until the next call.
 * false at the end of input or on a read error (l->err). */
bool osm_lines_next(osm_lines *l, const char **p, const char **e);
/* Restart at input offset `off` (a line start seen before); 0 or -1. */
int osm_lines_seek(osm_lines *l, uint64_t off);
void osm_lines_close(osm_lines *l);

#endif
