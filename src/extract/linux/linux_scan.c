/*
 * The scan: gather every listed process in parallel, commit them to the
 * store one by one in list order.
 *
 * Gathering is nearly all system calls on /proc, which scale with cores;
 * the store is single-threaded.  So W threads (the calling one included)
 * take the next list index from a shared counter and gather into slot i of
 * a results array, and the calling thread commits slot 0, 1, 2, ... as
 * each becomes ready, gathering itself whenever the next slot to commit is
 * not ready yet and uncommitted work remains.  Commits happen in exactly
 * the serial order, so the state is byte-identical whatever W is
 * (OSMOSIS_LX_WORKERS=1 is the serial scan, with no thread started).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "linux_internal.h"

/* More threads than this only contend on the kernel's /proc locks. */
enum { LX_MAX_WORKERS = 8 };

typedef struct lx_slot {
    osm_lx_proc p;
    int rc;                         /* lx_gather's result */
    bool ready;                     /* under scan.lock */
} lx_slot;

typedef struct lx_scan {
    lx_ctx *c;
    const int *pids;
    size_t n;
    lx_slot *slot;
    size_t next;                    /* next index to gather (atomic) */
    int stop;                       /* atomic: the commit failed, stop gathering */
    pthread_mutex_t lock;
    pthread_cond_t ready;           /* a slot became ready */
} lx_scan;

typedef struct lx_worker {
    lx_scan *sc;
    lx_scratch w;
    pthread_t th;
} lx_worker;

void lx_scratch_init(lx_scratch *w)
{
    memset(w, 0, sizeof *w);
    w->pm_scan_ok = -1;
}

void lx_scratch_free(lx_scratch *w)
{
    lx_buf_free(&w->buf);
    lx_buf_free(&w->buf2);
    free(w->pm);
    free(w->runs);
    lx_scratch_init(w);
}

static int refusal_cmp(const osm_lx_refusal *a, const osm_lx_refusal *b)
{
    if (a->pid != b->pid)
        return a->pid < b->pid ? -1 : 1;
    return strcmp(a->what, b->what);
}

void lx_report_add_refusal(osm_lx_report *r, const osm_lx_refusal *f)
{
    size_t n = 0;
    while (n < OSM_LX_NAMED && r->refused_named[n].what[0])
        n++;
    size_t at = 0;
    while (at < n && refusal_cmp(&r->refused_named[at], f) <= 0)
        at++;
    if (at == OSM_LX_NAMED)
        return;
    if (n == OSM_LX_NAMED)
        n--;                        /* the last one falls off */
    memmove(&r->refused_named[at + 1], &r->refused_named[at], (n - at) * sizeof *f);
    r->refused_named[at] = *f;
}

void lx_report_merge(osm_lx_report *r, const osm_lx_report *w)
{
    r->refused += w->refused;
    for (size_t i = 0; i < OSM_LX_NAMED && w->refused_named[i].what[0]; i++)
        lx_report_add_refusal(r, &w->refused_named[i]);
    r->frames_hidden += w->frames_hidden;
    r->pagemap_denied += w->pagemap_denied;
    r->bad_lines += w->bad_lines;
    r->huge_skipped += w->huge_skipped;
    r->no_pagemap_scan |= w->no_pagemap_scan;
    r->bpf_fallbacks += w->bpf_fallbacks;
}

/* Gather the next unclaimed slot with w's scratch; false when none is
 * left (or the scan was stopped). */
static bool gather_next(lx_scan *sc, lx_scratch *w)
{
    if (__atomic_load_n(&sc->stop, __ATOMIC_RELAXED))
        return false;
    size_t i = __atomic_fetch_add(&sc->next, 1, __ATOMIC_RELAXED);
    if (i >= sc->n)
        return false;
    int rc = lx_gather(sc->c, w, i, sc->pids[i], &sc->slot[i].p);
    pthread_mutex_lock(&sc->lock);
    sc->slot[i].rc = rc;
    sc->slot[i].ready = true;
    pthread_cond_signal(&sc->ready);
    pthread_mutex_unlock(&sc->lock);
    return true;
}

static void *worker_main(void *arg)
{
    lx_worker *wk = arg;
    while (gather_next(wk->sc, &wk->w))
        ;
    return NULL;
}

/* The number of gathering threads: OSMOSIS_LX_WORKERS when it is a number
 * >= 1, else one per online CPU; at most LX_MAX_WORKERS and at most n. */
static size_t worker_count(size_t n)
{
    const char *env = getenv("OSMOSIS_LX_WORKERS");
    char *end = NULL;
    long want = env ? strtol(env, &end, 10) : 0;
    if (!env || end == env || *end || want < 1)
        want = sysconf(_SC_NPROCESSORS_ONLN);
    if (want < 1)
        want = 1;
    if (want > LX_MAX_WORKERS)
        want = LX_MAX_WORKERS;
    return (size_t)want < n ? (size_t)want : (n ? n : 1);
}

static int add_proc(lx_ctx *c, osm_lx_proc *p)
{
    if (c->n_procs == c->cap_procs) {
        size_t nc = c->cap_procs ? c->cap_procs * 2 : 64;
        osm_lx_proc *v = realloc(c->procs, nc * sizeof *v);
        if (!v)
            return -1;
        c->procs = v;
        c->cap_procs = nc;
    }
    c->procs[c->n_procs++] = *p;
    return 0;
}

/* Commit one gathered slot (the report counts what was skipped); it is
 * emptied either way.  0, or -1 on ENOMEM. */
static int commit_slot(lx_ctx *c, lx_slot *sl)
{
    osm_lx_proc *p = &sl->p;
    if (sl->rc < 0)
        return -1;
    if (sl->rc == 4)
        return 0;                   /* its status was refused: in the report */
    if (sl->rc == 3) {
        c->rep->kthreads++;
        return 0;
    }
    if (sl->rc == 1) {
        if (c->o->pids)
            c->rep->missing_pids++;
        else
            c->rep->exited++;
        return 0;
    }
    c->rep->fds_denied += p->fds_denied;
    if (p->maps_denied && c->rep->maps_denied < OSM_LX_NAMED)   /* commits go in pid order */
        c->rep->maps_named[c->rep->maps_denied] = (osm_lx_denial){ p->pid, p->maps_errno };
    c->rep->maps_denied += p->maps_denied;
    c->rep->filters_read += p->filters > 0;
    c->rep->filters_unread += p->filters < 0;
    if (lx_commit(c, p) < 0 || add_proc(c, p) < 0) {
        lx_proc_free(p);
        return -1;
    }
    memset(p, 0, sizeof *p);        /* now owned by c->procs */
    c->rep->processes++;
    c->rep->threads += c->procs[c->n_procs - 1].n_pd;
    return 0;
}

/* Wait until slot i is ready, gathering other slots meanwhile. */
static void await_slot(lx_scan *sc, lx_scratch *self, size_t i)
{
    for (;;) {
        pthread_mutex_lock(&sc->lock);
        bool ready = sc->slot[i].ready;
        pthread_mutex_unlock(&sc->lock);
        if (ready || !gather_next(sc, self))
            break;
    }
    pthread_mutex_lock(&sc->lock);
    while (!sc->slot[i].ready)
        pthread_cond_wait(&sc->ready, &sc->lock);
    pthread_mutex_unlock(&sc->lock);
}

/* Commit every slot in order; 0 or -1 (ENOMEM). */
static int commit_all(lx_scan *sc, lx_scratch *self)
{
    for (size_t i = 0; i < sc->n; i++) {
        await_slot(sc, self, i);
        lx_mounts_settle_host(sc->c, i);
        if (commit_slot(sc->c, &sc->slot[i]) < 0) {
            __atomic_store_n(&sc->stop, 1, __ATOMIC_RELAXED);
            return -1;
        }
    }
    return 0;
}

int lx_scan_pids(lx_ctx *c, const int *pids, size_t n)
{
    lx_scan sc = { .c = c, .pids = pids, .n = n };
    sc.slot = calloc(n ? n : 1, sizeof *sc.slot);
    size_t nw = worker_count(n) - 1;    /* this thread gathers too */
    lx_worker *wk = calloc(nw ? nw : 1, sizeof *wk);
    if (!sc.slot || !wk) {
        free(sc.slot);
        free(wk);
        errno = ENOMEM;
        return -1;
    }
    pthread_mutex_init(&sc.lock, NULL);
    pthread_cond_init(&sc.ready, NULL);
    size_t started = 0;
    for (; started < nw; started++) {
        wk[started].sc = &sc;
        lx_scratch_init(&wk[started].w);
        if (pthread_create(&wk[started].th, NULL, worker_main, &wk[started]) != 0)
            break;                  /* fewer threads: the work still gets done */
    }
    lx_scratch self;
    lx_scratch_init(&self);
    int rc = commit_all(&sc, &self);
    for (size_t i = 0; i < started; i++) {
        pthread_join(wk[i].th, NULL);
        lx_report_merge(c->rep, &wk[i].w.rep);
        lx_scratch_free(&wk[i].w);
    }
    lx_report_merge(c->rep, &self.rep);
    lx_scratch_free(&self);
    for (size_t i = 0; i < n; i++)  /* what a failed commit left behind */
        lx_proc_free(&sc.slot[i].p);
    pthread_cond_destroy(&sc.ready);
    pthread_mutex_destroy(&sc.lock);
    free(sc.slot);
    free(wk);
    if (rc < 0)
        errno = ENOMEM;
    return rc;
}
