/*
 * Decoding the BPF iterators' records (bpf/lx_rec.h) into what the /proc
 * parsers produce.  Pure (no I/O, no allocation), so it is unit-tested and
 * fuzzed on its own like the /proc parsers (procparse.h).
 */
#ifndef OSM_LINUX_BPFREC_H
#define OSM_LINUX_BPFREC_H

#include <linux/types.h>
#include <stdbool.h>
#include <stddef.h>

#include "bpf/lx_rec.h"
#include "procparse.h"

/* One record, checked: its header, fixed part and path. */
typedef struct osm_lx_rec {
    const struct lx_rec_hdr *h;     /* h->type says which of fd/vma is set */
    const struct lx_rec_fd *fd;
    const struct lx_rec_vma *vma;
    const char *path;               /* path_len bytes, not NUL-terminated */
    size_t path_len;
} osm_lx_rec;

/* Call fn for every well-formed record of buf[0..len) in order; a record
 * whose length or path does not fit, or of an unknown type, is skipped
 * (counted); a length that cannot be trusted ends the walk (the rest is
 * counted as one).  fn returning non-zero stops.  Returns the number of
 * bad records.  buf must be 8-byte aligned (the records are). */
size_t osm_lx_rec_walk(const void *buf, size_t len, int (*fn)(const osm_lx_rec *r, void *arg),
                       void *arg);

/* A VMA record as /proc/PID/maps would show it (fs/proc/task_mmu.c):
 * 0, or -1 when the record cannot give the same line (its path was not
 * complete: read maps instead). */
int osm_lx_rec_vma(const osm_lx_rec *r, osm_lx_vma *v);

/* A descriptor record's link text, as readlink of /proc/PID/fd/N gives it,
 * truncated to outsz - 1 like lx_readlink does. */
void osm_lx_rec_fd_link(const osm_lx_rec *r, char *out, size_t outsz);

#endif
