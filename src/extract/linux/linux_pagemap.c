/*
 * Frames behind each mapping, from /proc/PID/pagemap.  Where the kernel
 * has the PAGEMAP_SCAN ioctl (6.7+), it tells us which ranges are present
 * so we read pagemap entries only for those: a process with a few
 * terabytes of reserved-but-untouched address space (ASan shadow, JIT
 * arenas) costs nothing.  Without it we read every entry of each mapping.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "linux_internal.h"

#ifndef PAGEMAP_SCAN
/* The ABI of <linux/fs.h> since 6.7, for older userspace headers. */
struct page_region {
    uint64_t start, end, categories;
};
struct pm_scan_arg {
    uint64_t size, flags, start, end, walk_end, vec, vec_len, max_pages;
    uint64_t category_inverted, category_mask, category_anyof_mask, return_mask;
};
#define PAGEMAP_SCAN _IOWR('f', 16, struct pm_scan_arg)
#define PAGE_IS_PRESENT (1 << 3)
#endif

enum { LX_PAGE = 4096, LX_PM_CHUNK = 1 << 16, LX_SCAN_VEC = 512 };
/* Without PAGEMAP_SCAN, mappings above this are not scanned (64 GiB). */
#define LX_FULL_SCAN_MAX (64ull << 30)

static int ensure_scratch(lx_scratch *w)
{
    if (!w->pm && !(w->pm = malloc(LX_PM_CHUNK * sizeof *w->pm)))
        return -1;
    w->pm_cap = LX_PM_CHUNK;
    if (!w->runs && !(w->runs = malloc(LX_PM_CHUNK * sizeof *w->runs)))
        return -1;
    w->runs_cap = LX_PM_CHUNK;
    return 0;
}

/* Append decoded runs (page index relative to page0) to v, joining a run
 * that continues the previous chunk's last one unless per_page. */
static int append_runs(lx_vmr *v, size_t *cap, const osm_lx_run *r, size_t n, uint64_t page0,
                       bool per_page)
{
    for (size_t i = 0; i < n; i++) {
        osm_lx_run x = r[i];
        x.page += page0;
        if (!per_page && v->n_runs) {
            osm_lx_run *last = &v->runs[v->n_runs - 1];
            if (last->page + last->n == x.page && last->pfn + last->n == x.pfn &&
                last->exclusive == x.exclusive && last->file == x.file) {
                last->n += x.n;
                continue;
            }
        }
        if (v->n_runs == *cap) {
            size_t nc = *cap ? *cap * 2 : 8;
            osm_lx_run *nv = realloc(v->runs, nc * sizeof *nv);
            if (!nv)
                return -1;
            v->runs = nv;
            *cap = nc;
        }
        v->runs[v->n_runs++] = x;
    }
    return 0;
}

/* Decode n pagemap entries into v's runs; page0 is the index of pm[0]
 * relative to v's first page. */
static int decode_into(const lx_ctx *c, lx_scratch *w, lx_vmr *v, size_t *cap,
                       const uint64_t *pm, size_t n, uint64_t page0)
{
    for (size_t done = 0; done < n;) {
        size_t used;
        size_t k = osm_lx_decode_pagemap(pm + done, n - done, c->o->pages, w->runs,
                                         w->runs_cap, &used, &w->rep.frames_hidden);
        if (append_runs(v, cap, w->runs, k, page0 + done, c->o->pages) < 0)
            return -1;
        done += used;
    }
    return 0;
}

/* Read and decode the pagemap entries of pages [first, first + n) of one
 * mapping (the path without PAGEMAP_SCAN). */
static int scan_pages(const lx_ctx *c, lx_scratch *w, int pmfd, lx_vmr *v, size_t *cap, uint64_t first, uint64_t n)
{
    uint64_t vpage0 = v->v.start / LX_PAGE;
    while (n) {
        size_t want = n < w->pm_cap ? (size_t)n : w->pm_cap;
        ssize_t got = pread(pmfd, w->pm, want * sizeof *w->pm, (off_t)(first * sizeof *w->pm));
        if (got < 0)
            return lx_gone(errno) ? 1 : 2;
        size_t m = (size_t)got / sizeof *w->pm;
        if (m == 0)
            return 1;
        if (decode_into(c, w, v, cap, w->pm, m, first - vpage0) < 0)
            return -1;
        first += m;
        n -= m;
    }
    return 0;
}

/* The process's present pages, gathered over the whole address space. */
typedef struct lx_frames_walk {
    osm_lx_proc *p;
    size_t *caps;                   /* [n_vmr] run capacity of each VMR */
    size_t vi;                      /* first VMR not yet fully decoded */
} lx_frames_walk;

/* Read pages [first, first + n) of the address space and decode each
 * piece into the VMR it falls in (spans come in address order). */
static int read_span(const lx_ctx *c, lx_scratch *w, int pmfd, lx_frames_walk *fw, uint64_t first, uint64_t n)
{
    osm_lx_proc *p = fw->p;
    while (n) {
        size_t want = n < w->pm_cap ? (size_t)n : w->pm_cap;
        ssize_t got = pread(pmfd, w->pm, want * sizeof *w->pm, (off_t)(first * sizeof *w->pm));
        if (got < 0)
            return lx_gone(errno) ? 1 : 2;
        size_t m = (size_t)got / sizeof *w->pm;
        if (m == 0)
            return 1;
        uint64_t at = first, end = first + m;
        while (fw->vi < p->n_vmr && at < end) {
            lx_vmr *v = &p->vmr[fw->vi];
            uint64_t vs = v->v.start / LX_PAGE, ve = v->v.end / LX_PAGE;
            if (ve <= at) {
                fw->vi++;
                continue;
            }
            if (vs >= end)
                break;
            uint64_t a = at > vs ? at : vs, b = end < ve ? end : ve;
            if (decode_into(c, w, v, &fw->caps[fw->vi], w->pm + (a - first), (size_t)(b - a),
                            a - vs) < 0)
                return -1;
            at = b;
        }
        first += m;
        n -= m;
    }
    return 0;
}

/* Present pages closer than this are read in one pread (the entries in
 * between cost 8 bytes each and decode to nothing). */
enum { LX_SPAN_GAP = 512 };

/* All present ranges of the process in PAGEMAP_SCAN calls over its whole
 * address space (not one per mapping), read in as few spans as possible.
 * 0, 1 gone, 2 failed (fall back), -1 ENOMEM. */
static int scan_present(const lx_ctx *c, lx_scratch *w, int pmfd, lx_frames_walk *fw)
{
    const osm_lx_proc *p = fw->p;
    uint64_t lo = UINT64_MAX, hi = 0;
    for (size_t i = 0; i < p->n_vmr; i++) {
        if (!strcmp(p->vmr[i].v.path, "[vsyscall]"))
            continue;
        lo = p->vmr[i].v.start < lo ? p->vmr[i].v.start : lo;
        hi = p->vmr[i].v.end > hi ? p->vmr[i].v.end : hi;
    }
    struct page_region vec[LX_SCAN_VEC];
    uint64_t s0 = 0, s1 = 0;        /* the span being collected, in pages */
    bool have = false;
    for (uint64_t at = lo; at < hi;) {
        struct pm_scan_arg a = { .size = sizeof a, .start = at, .end = hi,
                                 .vec = (uintptr_t)vec, .vec_len = LX_SCAN_VEC,
                                 .category_mask = PAGE_IS_PRESENT,
                                 .return_mask = PAGE_IS_PRESENT };
        int n = ioctl(pmfd, PAGEMAP_SCAN, &a);
        if (n < 0)
            return lx_gone(errno) ? 1 : 2;
        for (int i = 0; i < n; i++) {
            uint64_t s = vec[i].start / LX_PAGE, e = vec[i].end / LX_PAGE;
            if (have && s <= s1 + LX_SPAN_GAP) {
                s1 = e > s1 ? e : s1;
                continue;
            }
            int r = have ? read_span(c, w, pmfd, fw, s0, s1 - s0) : 0;
            if (r)
                return r;
            s0 = s;
            s1 = e;
            have = true;
        }
        if (a.walk_end <= at)
            break;
        at = a.walk_end;
    }
    return have ? read_span(c, w, pmfd, fw, s0, s1 - s0) : 0;
}

/* Without PAGEMAP_SCAN: every entry of each mapping (up to 64 GiB). */
static int scan_each(const lx_ctx *c, lx_scratch *w, int pmfd, osm_lx_proc *p, size_t *caps)
{
    w->rep.no_pagemap_scan = true;
    for (size_t i = 0; i < p->n_vmr; i++) {
        lx_vmr *v = &p->vmr[i];
        free(v->runs);              /* drop what a failed scan left */
        v->runs = NULL;
        v->n_runs = caps[i] = 0;
    }
    for (size_t i = 0; i < p->n_vmr; i++) {
        lx_vmr *v = &p->vmr[i];
        if (!strcmp(v->v.path, "[vsyscall]"))
            continue;
        if (v->v.end - v->v.start > LX_FULL_SCAN_MAX) {
            w->rep.huge_skipped++;
            continue;
        }
        int r = scan_pages(c, w, pmfd, v, &caps[i], v->v.start / LX_PAGE,
                           (v->v.end - v->v.start) / LX_PAGE);
        if (r == 2) {
            w->rep.pagemap_denied++;
            return 0;
        }
        if (r)
            return r;
    }
    return 0;
}

int lx_gather_frames(const lx_ctx *c, lx_scratch *w, int pidfd, osm_lx_proc *p)
{
    if (!p->n_vmr)
        return 0;
    int pmfd = openat(pidfd, "pagemap", O_RDONLY | O_CLOEXEC);
    if (pmfd < 0) {
        w->rep.pagemap_denied++;    /* if it is gone, the final check says so */
        return 0;
    }
    size_t *caps = calloc(p->n_vmr, sizeof *caps);
    if (!caps || ensure_scratch(w) < 0) {
        free(caps);
        close(pmfd);
        return -1;
    }
    int r = 2;
    if (w->pm_scan_ok != 0) {
        lx_frames_walk fw = { .p = p, .caps = caps };
        r = scan_present(c, w, pmfd, &fw);
        if (w->pm_scan_ok < 0)
            w->pm_scan_ok = r != 2;
    }
    if (r == 2)
        r = scan_each(c, w, pmfd, p, caps);
    free(caps);
    close(pmfd);
    return r;
}
