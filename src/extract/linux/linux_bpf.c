/*
 * The BPF source of the Linux extractor (--source bpf, docs/linux.md):
 * one run of the iterators in bpf/lx_iter.bpf.c lists every process's open
 * files and mappings; lx_gather then takes a process's descriptors and
 * VMAs from that snapshot instead of reading /proc/PID/fd, fdinfo and
 * maps.  Whatever the records cannot give exactly (a path d_path computes
 * by a callback, a process that started after the snapshot) is read from
 * /proc as before, so the model is the /proc path's.
 *
 * Loading the programs costs far more than running them (BTF relocation
 * and the verifier), so the iterator links are pinned in a BPF filesystem
 * when one is there (OSMOSIS_BPF_PIN=DIR, else /sys/fs/bpf when it is a
 * bpffs) and later runs only open the pins.  The pin names carry a hash of
 * the BPF object, so another build of osmosis never reads records of a
 * layout it does not know.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "bpfrec.h"
#include "linux_internal.h"
#ifdef OSM_LX_NO_BPF                /* osmosis-static (mk/linux.mk) */
#define OSM_LX_BPF 0
#define OSM_LX_BPF_WHY "the static osmosis has no libbpf"
#else
#include "lx_iter_gen.h"            /* generated: OSM_LX_BPF and the skeleton */
#endif

#if OSM_LX_BPF
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#endif

/* The records of one process and type: rec[first .. first + n). */
typedef struct lx_span {
    int tgid;
    size_t first, n;
} lx_span;

/* The decoded output of one iterator. */
typedef struct lx_iterout {
    uint64_t *buf;                  /* the bytes read (8-aligned: records are) */
    size_t len, cap;                /* in bytes */
    osm_lx_rec *rec;
    size_t n_rec, cap_rec;
    lx_span *span;
    size_t n_span;
    size_t bad;                     /* malformed records skipped */
} lx_iterout;

struct lx_bpf {
    lx_iterout files, vmas;
    osm_lx_vma gate;                /* [vsyscall], when this kernel shows one */
    bool have_gate;
};

/* Free what an lx_iterout holds. */
static void iterout_free(lx_iterout *o)
{
    free(o->buf);
    free(o->rec);
    free(o->span);
    memset(o, 0, sizeof *o);
}

void lx_bpf_free(lx_bpf *b)
{
    if (!b)
        return;
    iterout_free(&b->files);
    iterout_free(&b->vmas);
    free(b);
}

/* osm_lx_rec_walk callback: keep the record, opening a new span when the
 * process changes.  Non-zero (stop) on ENOMEM. */
static int keep_rec(const osm_lx_rec *r, void *arg)
{
    lx_iterout *o = arg;
    if (o->n_rec == o->cap_rec) {
        size_t nc = o->cap_rec ? o->cap_rec * 2 : 1024;
        osm_lx_rec *v = realloc(o->rec, nc * sizeof *v);
        if (!v)
            return 1;
        o->rec = v;
        o->cap_rec = nc;
    }
    o->rec[o->n_rec++] = *r;
    return 0;
}

static int cmp_span(const void *a, const void *b)
{
    const lx_span *x = a, *y = b;
    return (x->tgid > y->tgid) - (x->tgid < y->tgid);
}

/* Decode o->buf into records and per-process spans sorted by tgid;
 * 0 or -1 (ENOMEM). */
static int iterout_index(lx_iterout *o)
{
    o->bad = osm_lx_rec_walk(o->buf, o->len, keep_rec, o);
    if (o->n_rec && !o->rec)
        return -1;
    size_t n = 0;
    for (size_t i = 0; i < o->n_rec; i++)
        n += !i || o->rec[i].h->tgid != o->rec[i - 1].h->tgid;
    if (!(o->span = calloc(n ? n : 1, sizeof *o->span)))
        return -1;
    for (size_t i = 0; i < o->n_rec; i++) {
        if (!i || o->rec[i].h->tgid != o->rec[i - 1].h->tgid)
            o->span[o->n_span++] = (lx_span){ (int)o->rec[i].h->tgid, i, 0 };
        o->span[o->n_span - 1].n++;
    }
    qsort(o->span, o->n_span, sizeof *o->span, cmp_span);
    return 0;
}

/* The span of process pid in o, or NULL when the snapshot has none. */
static const lx_span *find_span(const lx_iterout *o, int pid)
{
    lx_span key = { .tgid = pid };
    return bsearch(&key, o->span, o->n_span, sizeof *o->span, cmp_span);
}

/* The [vsyscall] line of our own maps: the kernel shows this gate VMA in
 * every 64-bit process's maps, but it is no VMA the iterator walks. */
static void find_gate(lx_bpf *b)
{
    lx_buf buf = { 0 };
    char self[32];
    snprintf(self, sizeof self, "%d/maps", (int)getpid());
    int proc = open("/proc", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    int rc = proc >= 0 ? lx_read_file(proc, self, LX_K_MAPS, &buf) : -1;
    if (proc >= 0)
        close(proc);
    if (rc == 0) {
        const char *line;
        size_t pos = 0, ll;
        while (osm_lx_next_line(buf.p, buf.len, &pos, &line, &ll))
            if (osm_lx_parse_maps_line(line, ll, &b->gate) == 0 &&
                !strcmp(b->gate.path, "[vsyscall]")) {
                b->have_gate = true;
                break;
            }
    }
    lx_buf_free(&buf);
}

#if OSM_LX_BPF

#ifndef BPF_FS_MAGIC
#define BPF_FS_MAGIC 0xcafe4a11
#endif

/* Read the whole output of the iterator behind link fd `lfd` into o;
 * 0, or -1 with why. */
static int run_iter(int lfd, lx_iterout *o, char *why, size_t whysz)
{
    int fd = bpf_iter_create(lfd);
    if (fd < 0) {
        snprintf(why, whysz, "cannot start a BPF iterator: %s", strerror(errno));
        return -1;
    }
    for (;;) {
        if (o->cap - o->len < 65536) {   /* bytes, both */
            size_t nc = o->cap ? o->cap * 2 : 256 * 1024;
            uint64_t *v = realloc(o->buf, nc);  /* nc is a multiple of 8 */
            if (!v) {
                close(fd);
                snprintf(why, whysz, "out of memory");
                return -1;
            }
            o->buf = v;
            o->cap = nc;
        }
        ssize_t n = read(fd, (char *)o->buf + o->len, o->cap - o->len);
        if (n < 0 && (errno == EINTR || errno == EAGAIN))
            continue;
        if (n < 0) {
            snprintf(why, whysz, "reading a BPF iterator: %s", strerror(errno));
            close(fd);
            return -1;
        }
        if (n == 0)
            break;
        o->len += (size_t)n;
    }
    close(fd);
    return 0;
}

/* Where to pin the iterator links: OSMOSIS_BPF_PIN, else /sys/fs/bpf when
 * it is a BPF filesystem; false when nowhere.  The names carry the
 * object's FNV-1a hash. */
static bool pin_paths(char *files, char *vmas, size_t sz)
{
    const char *dir = getenv("OSMOSIS_BPF_PIN");
    struct statfs sf;
    if (!dir || !*dir)
        dir = "/sys/fs/bpf";
    if (statfs(dir, &sf) < 0 || (unsigned long)sf.f_type != BPF_FS_MAGIC)
        return false;
    size_t n;
    const unsigned char *p = lx_iter__elf_bytes(&n);
    uint64_t h = 14695981039346656037ull;
    for (size_t i = 0; i < n; i++)
        h = (h ^ p[i]) * 1099511628211ull;
    snprintf(files, sz, "%s/osmosis_%016llx_files", dir, (unsigned long long)h);
    snprintf(vmas, sz, "%s/osmosis_%016llx_vmas", dir, (unsigned long long)h);
    return true;
}

/* Silence libbpf: a failed load is reported once, by `why`. */
static int quiet(enum libbpf_print_level level, const char *fmt, va_list ap)
{
    (void)level;
    (void)fmt;
    (void)ap;
    return 0;
}

/* Run both iterators into b: from the pins when they exist, else load the
 * programs (and pin them when a bpffs is there; when there is none and
 * need_pin, fail instead).  0, or -1 with why. */
static int run_all(lx_bpf *b, bool need_pin, char *why, size_t whysz)
{
    char pf[256], pv[256];
    bool pin = pin_paths(pf, pv, sizeof pf);
    if (!pin && need_pin) {
        snprintf(why, whysz, "no BPF filesystem to keep the iterators in (%s): loading them "
                 "on every run costs more than reading /proc",
                 getenv("OSMOSIS_BPF_PIN") ? "OSMOSIS_BPF_PIN" : "/sys/fs/bpf");
        return -1;
    }
    int lf = pin ? bpf_obj_get(pf) : -1, lv = pin ? bpf_obj_get(pv) : -1;
    if (lf >= 0 && lv >= 0) {
        int rc = run_iter(lf, &b->files, why, whysz);
        if (rc == 0)
            rc = run_iter(lv, &b->vmas, why, whysz);
        close(lf);
        close(lv);
        return rc;
    }
    if (lf >= 0)
        close(lf);
    if (lv >= 0)
        close(lv);
    libbpf_set_print(quiet);
    struct lx_iter *sk = lx_iter__open_and_load();
    if (!sk) {
        snprintf(why, whysz, "cannot load the BPF iterators: %s", strerror(errno));
        return -1;
    }
    int rc = -1;
    struct bpf_link *kf = bpf_program__attach_iter(sk->progs.lx_files, NULL);
    struct bpf_link *kv = kf ? bpf_program__attach_iter(sk->progs.lx_vmas, NULL) : NULL;
    if (!kf || !kv)
        snprintf(why, whysz, "cannot attach the BPF iterators: %s", strerror(errno));
    else if (run_iter(bpf_link__fd(kf), &b->files, why, whysz) == 0 &&
             run_iter(bpf_link__fd(kv), &b->vmas, why, whysz) == 0) {
        rc = 0;
        if (pin && bpf_link__pin(kf, pf) == 0 && bpf_link__pin(kv, pv) < 0)
            unlink(pf);             /* both or neither */
    }
    bpf_link__destroy(kv);
    bpf_link__destroy(kf);
    lx_iter__destroy(sk);
    return rc;
}

#else

/* Built without BPF support: say why. */
static int run_all(lx_bpf *b, bool need_pin, char *why, size_t whysz)
{
    (void)b;
    (void)need_pin;
    snprintf(why, whysz, "osmosis was built without BPF support (%s)", OSM_LX_BPF_WHY);
    return -1;
}

#endif

lx_bpf *lx_bpf_open(bool need_pin, char *why, size_t whysz)
{
    lx_bpf *b = calloc(1, sizeof *b);
    if (!b) {
        snprintf(why, whysz, "out of memory");
        return NULL;
    }
    if (run_all(b, need_pin, why, whysz) < 0) {
        lx_bpf_free(b);
        return NULL;
    }
    if (iterout_index(&b->files) < 0 || iterout_index(&b->vmas) < 0) {
        snprintf(why, whysz, "out of memory");
        lx_bpf_free(b);
        return NULL;
    }
    find_gate(b);
    return b;
}

/* Append one element of size elem to *v (count *n, capacity *cap);
 * the new slot, or NULL on ENOMEM. */
static void *push(void **v, size_t *n, size_t *cap, size_t elem)
{
    if (*n == *cap) {
        size_t nc = *cap ? *cap * 2 : 16;
        void *nv = realloc(*v, nc * elem);
        if (!nv)
            return NULL;
        *v = nv;
        *cap = nc;
    }
    return (char *)*v + (*n)++ * elem;
}

int lx_bpf_vmas(const lx_bpf *b, osm_lx_proc *p)
{
    const lx_span *sp = find_span(&b->vmas, p->pid);
    if (!sp)
        return 1;
    size_t cap = 0;
    osm_lx_vma v;
    for (size_t i = sp->first; i < sp->first + sp->n; i++) {
        if (osm_lx_rec_vma(&b->vmas.rec[i], &v) < 0) {
            free(p->vmr);           /* not what maps shows: read maps */
            p->vmr = NULL;
            p->n_vmr = 0;
            return 1;
        }
        if (!v.r && !v.w && !v.x)
            continue;               /* PROT_NONE: not modelled (as add_vma) */
        lx_vmr *r = push((void **)&p->vmr, &p->n_vmr, &cap, sizeof *r);
        if (!r)
            return -1;
        lx_vmr_init(r, &v);
    }
    if (b->have_gate) {
        lx_vmr *r = push((void **)&p->vmr, &p->n_vmr, &cap, sizeof *r);
        if (!r)
            return -1;
        lx_vmr_init(r, &b->gate);
    }
    return 0;
}

/* The kernel's FMODE_READ / FMODE_WRITE (include/linux/fs.h). */
enum { LX_FMODE_READ = 1, LX_FMODE_WRITE = 2 };

/* One descriptor record as gather_fd would have read it from /proc
 * (live): 1 keep f, 0 skip it (O_PATH, no access). */
static int fd_from_rec(const osm_lx_rec *r, lx_fd *f)
{
    const struct lx_rec_fd *d = r->fd;
    char link[OSM_LX_PATH_MAX];
    memset(f, 0, sizeof *f);
    f->fd = (int)d->fd;
    osm_lx_rec_fd_link(r, link, sizeof link);
    lx_classify_fd(link, f);
    switch (f->kind) {
    case LX_FD_SOCKET:
        f->perms = OSM_PERM_R | OSM_PERM_W;
        return 1;
    case LX_FD_PIPE:
    case LX_FD_SIGNALFD:
    case LX_FD_TIMERFD:
    case LX_FD_ANON:
        /* What the fd link's u+r / u+w bits carry. */
        f->perms = (uint8_t)((d->f_mode & LX_FMODE_READ ? OSM_PERM_R : 0) |
                             (d->f_mode & LX_FMODE_WRITE ? OSM_PERM_W : 0));
        return f->perms != 0;
    default:
        break;
    }
    if (d->f_flags & O_PATH)
        return 0;
    f->perms = lx_open_perms(d->f_flags);
    if (f->kind == LX_FD_FILE || f->kind == LX_FD_DEVICE || f->kind == LX_FD_MEMFD) {
        f->ino = d->ino;
        f->major = d->dev >> 20;
        f->minor = d->dev & 0xfffff;
    }
    if (f->kind == LX_FD_EVENTFD && d->eventfd_id >= 0)
        f->anon_id = (uint64_t)d->eventfd_id + 1;
    return 1;
}

int lx_bpf_fds(const lx_bpf *b, osm_lx_proc *p)
{
    const lx_span *sp = find_span(&b->files, p->pid);
    if (!sp)
        return 1;
    size_t cap = 0;
    lx_fd f;
    for (size_t i = sp->first; i < sp->first + sp->n; i++) {
        if (!fd_from_rec(&b->files.rec[i], &f))
            continue;
        lx_fd *v = push((void **)&p->fd, &p->n_fd, &cap, sizeof *v);
        if (!v)
            return -1;
        *v = f;
    }
    return 0;
}

size_t lx_bpf_bad(const lx_bpf *b)
{
    return b->files.bad + b->vmas.bad;
}
