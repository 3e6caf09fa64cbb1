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

static int ensure_scratch(lx_ctx *c)
{
    if (!c->pm && !(c->pm = malloc(LX_PM_CHUNK * sizeof *c->pm)))
        return -1;
    c->pm_cap = LX_PM_CHUNK;
    if (!c->runs && !(c->runs = malloc(LX_PM_CHUNK * sizeof *c->runs)))
        return -1;
    c->runs_cap = LX_PM_CHUNK;
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
                last->exclusive == x.exclusive) {
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

/* Read and decode the pagemap entries of pages [first, first + n). */
static int scan_pages(lx_ctx *c, int pmfd, lx_vmr *v, size_t *cap, uint64_t first, uint64_t n)
{
    uint64_t vpage0 = v->v.start / LX_PAGE;
    while (n) {
        size_t want = n < c->pm_cap ? (size_t)n : c->pm_cap;
        ssize_t got = pread(pmfd, c->pm, want * sizeof *c->pm, (off_t)(first * sizeof *c->pm));
        if (got < 0)
            return lx_gone(errno) ? 1 : 2;
        size_t m = (size_t)got / sizeof *c->pm;
        if (m == 0)
            return 1;
        for (size_t done = 0; done < m;) {
            size_t used;
            size_t k = osm_lx_decode_pagemap(c->pm + done, m - done, c->o->pages, c->runs,
                                             c->runs_cap, &used, &c->rep->frames_hidden);
            if (append_runs(v, cap, c->runs, k, first + done - vpage0,
                            c->o->pages) < 0)
                return -1;
            done += used;
        }
        first += m;
        n -= m;
    }
    return 0;
}

/* Present ranges of one mapping through PAGEMAP_SCAN; 0, 1 gone, 2 failed
 * (fall back), -1 ENOMEM. */
static int scan_present(lx_ctx *c, int pmfd, lx_vmr *v, size_t *cap)
{
    struct page_region vec[LX_SCAN_VEC];
    uint64_t at = v->v.start;
    while (at < v->v.end) {
        struct pm_scan_arg a = { .size = sizeof a, .start = at, .end = v->v.end,
                                 .vec = (uintptr_t)vec, .vec_len = LX_SCAN_VEC,
                                 .category_mask = PAGE_IS_PRESENT,
                                 .return_mask = PAGE_IS_PRESENT };
        int n = ioctl(pmfd, PAGEMAP_SCAN, &a);
        if (n < 0)
            return lx_gone(errno) ? 1 : 2;
        for (int i = 0; i < n; i++) {
            int r = scan_pages(c, pmfd, v, cap, vec[i].start / LX_PAGE,
                               (vec[i].end - vec[i].start) / LX_PAGE);
            if (r)
                return r;
        }
        if (a.walk_end <= at)
            break;
        at = a.walk_end;
    }
    return 0;
}

int lx_gather_frames(lx_ctx *c, int pidfd, osm_lx_proc *p)
{
    if (!p->n_vmr)
        return 0;
    int pmfd = openat(pidfd, "pagemap", O_RDONLY | O_CLOEXEC);
    if (pmfd < 0) {
        c->rep->pagemap_denied++;   /* if it is gone, the final check says so */
        return 0;
    }
    if (ensure_scratch(c) < 0) {
        close(pmfd);
        return -1;
    }
    int rc = 0;
    for (size_t i = 0; i < p->n_vmr && rc == 0; i++) {
        lx_vmr *v = &p->vmr[i];
        size_t cap = 0;
        if (!strcmp(v->v.path, "[vsyscall]"))
            continue;
        int r = 2;
        if (c->pm_scan_ok != 0) {
            r = scan_present(c, pmfd, v, &cap);
            if (c->pm_scan_ok < 0)
                c->pm_scan_ok = r != 2;
        }
        if (r == 2) {
            c->rep->no_pagemap_scan = true;
            free(v->runs);
            v->runs = NULL;
            v->n_runs = cap = 0;
            if (v->v.end - v->v.start > LX_FULL_SCAN_MAX) {
                c->rep->huge_skipped++;
                continue;
            }
            r = scan_pages(c, pmfd, v, &cap, v->v.start / LX_PAGE,
                           (v->v.end - v->v.start) / LX_PAGE);
        }
        if (r == 2) {
            c->rep->pagemap_denied++;
            break;
        }
        rc = r;
    }
    close(pmfd);
    return rc;
}
