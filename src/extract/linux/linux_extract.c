/* The Linux extractor's driver: list processes, gather and commit each,
 * then the cross-process passes (frames, control, kernel holds). */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "linux_internal.h"

static int cmp_int(const void *a, const void *b)
{
    int x = *(const int *)a, y = *(const int *)b;
    return (x > y) - (x < y);
}

/* Every numeric entry of the proc directory, sorted; NULL on error. */
static int cmp_proc(const void *a, const void *b)
{
    return cmp_int(&((const osm_lx_proc *)a)->pid, &((const osm_lx_proc *)b)->pid);
}

static int *list_pids(lx_ctx *c, size_t *n)
{
    int dfd = dup(c->procfd);
    DIR *d = dfd >= 0 ? fdopendir(dfd) : NULL;
    if (!d) {
        if (dfd >= 0)
            close(dfd);
        return NULL;
    }
    rewinddir(d);
    size_t cap = 256, k = 0;
    int *v = malloc(cap * sizeof *v);
    struct dirent *de;
    int self = c->o->live ? getpid() : -1;
    while (v && (de = readdir(d))) {
        if (!isdigit((unsigned char)de->d_name[0]))
            continue;
        int pid = atoi(de->d_name);
        if (pid == self)
            continue;           /* the extractor does not model itself */
        if (k == cap) {
            int *nv = realloc(v, (cap *= 2) * sizeof *v);
            if (!nv) {
                free(v);
                v = NULL;
                break;
            }
            v = nv;
        }
        v[k++] = pid;
    }
    closedir(d);
    if (v)
        qsort(v, k, sizeof *v, cmp_int);
    *n = k;
    return v;
}

static int read_yama(lx_ctx *c)
{
    static const char path[] = "sys/kernel/yama/ptrace_scope";
    if (lx_read_file(c->procfd, path, LX_K_SMALL, &c->buf) < 0) {
        if (c->buf.why[0])
            lx_note_refused(c->rep, c->o->proc, 0, path, c->buf.why);
        return 0;
    }
    return atoi(c->buf.p);
}

/* Namespaces that count as "initial": PID 1's, else our own (a capture
 * keeps the capturing shell's in DIR/self/ns). */
static void init_namespaces(lx_ctx *c)
{
    osm_lx_proc p;
    if (lx_gather_ns_of(c, "1", &p) == 0 || lx_gather_ns_of(c, "self", &p) == 0)
        memcpy(c->init_ns, p.ns, sizeof c->init_ns);
}

static int build(lx_ctx *c)
{
    char extra[64];
    c->yama = read_yama(c);
    init_namespaces(c);
    if (c->o->live) {               /* the host's mount table first (cgroup mounts) */
        osm_lx_proc self = { .pid = 0 };
        memcpy(self.ns, c->init_ns, sizeof self.ns);
        int sfd = openat(c->procfd, "self", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (sfd >= 0) {
            lx_scratch w;
            lx_scratch_init(&w);
            c->host = lx_mounts_for(c, &w, 0, &self, sfd);
            lx_report_merge(c->rep, &w.rep);
            lx_scratch_free(&w);
            close(sfd);
        }
    }
    snprintf(extra, sizeof extra, "yama_ptrace_scope=%d", c->yama);
    c->kernel = osm_store_add_node(c->s, OSM_PD, "PD_kernel", "kernel", extra);
    if (c->kernel == OSM_NONE || lx_phys_init(c) < 0)
        return -1;
    size_t n = 0;
    int *all = NULL;
    const int *pids = c->o->pids;
    if (pids) {
        n = c->o->n_pids;
    } else {
        if (!(all = list_pids(c, &n)))
            return -1;
        pids = all;
    }
    int rc = lx_scan_pids(c, pids, n);
    free(all);
    if (rc == 0 && c->n_procs > 1)     /* control lookups bisect by pid */
        qsort(c->procs, c->n_procs, sizeof *c->procs, cmp_proc);
    if (rc == 0)
        rc = lx_phys_commit(c);
    if (rc == 0)
        rc = lx_control_commit(c);
    if (rc == 0)
        rc = lx_pools_commit(c);
    if (rc == 0)
        rc = lx_kernel_holds(c);
    return rc;
}

/* Decide the source (rep->source, rep->source_why) and, for BPF, take
 * the iterators' snapshot into c->bpf.  auto takes BPF only where the
 * iterators can stay pinned: loading them (BTF relocation, verifier) costs
 * more than the /proc reads they save, so only a pinned run is faster.
 * -1 when --source bpf cannot be honoured (said on stderr). */
static int choose_source(lx_ctx *c)
{
    const osm_lx_opts *o = c->o;
    osm_lx_report *rep = c->rep;
    char why[sizeof rep->source_why - 32];
    rep->source = "proc";
    if (o->source == OSM_LX_SOURCE_PROC) {
        snprintf(rep->source_why, sizeof rep->source_why, "--source proc");
        return 0;
    }
    if (!o->live)
        snprintf(why, sizeof why, "--proc DIR is a copy of /proc, not the running kernel");
    else if ((c->bpf = lx_bpf_open(o->source == OSM_LX_SOURCE_AUTO, why, sizeof why)) != NULL) {
        rep->source = "bpf";
        rep->bad_lines += lx_bpf_bad(c->bpf);
        snprintf(rep->source_why, sizeof rep->source_why, "the BPF iterators loaded");
        return 0;
    }
    if (o->source == OSM_LX_SOURCE_BPF) {
        fprintf(stderr, "osmosis extract linux: --source bpf: %s\n", why);
        return -1;
    }
    snprintf(rep->source_why, sizeof rep->source_why, "BPF unavailable: %s", why);
    return 0;
}

int osm_lx_extract(const osm_lx_opts *o, osm_store *s, osm_lx_report *rep)
{
    memset(rep, 0, sizeof *rep);
    lx_ctx c = { .o = o, .rep = rep, .s = s };
    pthread_mutex_init(&c.mounts_lock, NULL);
    c.procfd = open(o->proc, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (c.procfd < 0) {
        fprintf(stderr, "osmosis extract linux: cannot open %s: %s\n", o->proc, strerror(errno));
        pthread_mutex_destroy(&c.mounts_lock);
        return -1;
    }
    if (choose_source(&c) < 0) {
        close(c.procfd);
        pthread_mutex_destroy(&c.mounts_lock);
        return -1;
    }
    int rc = build(&c);
    lx_bpf_free(c.bpf);
    if (rc < 0)
        fprintf(stderr, "osmosis extract linux: %s\n",
                errno == ENOMEM ? "out of memory" : "cannot list processes");
    for (size_t i = 0; i < c.n_procs; i++)
        lx_proc_free(&c.procs[i]);
    free(c.procs);
    lx_mounts_free(&c);
    lx_buf_free(&c.buf);
    lx_buf_free(&c.buf2);
    free(c.ram);
    free(c.ram_space);
    close(c.procfd);
    pthread_mutex_destroy(&c.mounts_lock);
    return rc;
}

void osm_lx_report_print(const osm_lx_report *r, FILE *f)
{
    const char *w = "osmosis extract linux";
    if (r->exited)
        fprintf(f, "%s: skipped %zu processes that exited during the scan\n", w, r->exited);
    if (r->missing_pids)
        fprintf(f, "%s: %zu requested processes do not exist (skipped)\n", w, r->missing_pids);
    if (r->fds_denied)
        fprintf(f, "%s: could not read the descriptors of %zu processes (permission)\n", w,
                r->fds_denied);
    if (r->maps_denied) {
        fprintf(f, "%s: could not read the memory maps of %zu processes:", w, r->maps_denied);
        size_t named = r->maps_denied < OSM_LX_NAMED ? r->maps_denied : OSM_LX_NAMED;
        for (size_t i = 0; i < named; i++)
            fprintf(f, "%s PID %d (%s)", i ? "," : "", r->maps_named[i].pid,
                    strerror(r->maps_named[i].err));
        if (r->maps_denied > named)
            fprintf(f, " and %zu more", r->maps_denied - named);
        fputc('\n', f);
    }
    for (size_t i = 0; i < OSM_LX_NAMED && r->refused_named[i].what[0]; i++)
        fprintf(f, "%s: refused %s\n", w, r->refused_named[i].what);
    if (r->refused > OSM_LX_NAMED)
        fprintf(f, "%s: refused %zu more files\n", w, r->refused - OSM_LX_NAMED);
    if (r->pagemap_denied)
        fprintf(f, "%s: could not read the page maps of %zu processes: no frames for them\n",
                w, r->pagemap_denied);
    if (r->frames_hidden)
        fprintf(f, "%s: %llu present pages have hidden frame numbers (needs CAP_SYS_ADMIN): "
                   "physical sharing not modelled for them\n", w,
                (unsigned long long)r->frames_hidden);
    if (r->iomem_hidden)
        fprintf(f, "%s: /proc/iomem unreadable: all frames in one space PHYS_other\n", w);
    if (r->huge_skipped)
        fprintf(f, "%s: %zu mappings over 64 GiB not scanned for frames (no PAGEMAP_SCAN)\n",
                w, r->huge_skipped);
    if (r->filters_unread)
        fprintf(f, "%s: could not read the seccomp filters of %zu processes: what they may do "
                   "to others is marked uncertain\n", w, r->filters_unread);
    if (r->bad_lines)
        fprintf(f, "%s: skipped %zu malformed /proc lines\n", w, r->bad_lines);
}
