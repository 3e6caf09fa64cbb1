/*
 * Gathering one process from /proc: status, namespaces, cgroups, maps,
 * descriptors, threads and frames, into an osm_lx_proc, touching no store.
 */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "linux_internal.h"
#include "procparse_util.h"

const char *const lx_ns_names[LX_NS_COUNT] = { "cgroup", "ipc", "mnt", "net",
                                               "pid", "time", "user", "uts" };
const char *const lx_fd_types[LX_FD_KIND_COUNT] = { "FILE", "SOCKET", "PIPE", "EVENTFD",
                                                    "SIGNALFD", "TIMERFD", "MEMFD",
                                                    "DEVICE", "ANON" };

void lx_proc_free(osm_lx_proc *p)
{
    for (size_t i = 0; i < p->n_vmr; i++)
        free(p->vmr[i].runs);
    free(p->vmr);
    free(p->fd);
    free(p->cg);
    free(p->thr);
    free(p->pd);
    free(p->cwd);
    free(p->root);
    memset(p, 0, sizeof *p);
}

/* "net:[4026531833]" -> 4026531833; 0 when not of that form. */
static uint64_t link_inode(const char *s)
{
    const char *b = strchr(s, '[');
    if (!b)
        return 0;
    char *end;
    unsigned long long v = strtoull(b + 1, &end, 10);
    return *end == ']' ? v : 0;
}

static void gather_ns(int pidfd, osm_lx_proc *p)
{
    static const char *const paths[LX_NS_COUNT] = { "ns/cgroup", "ns/ipc", "ns/mnt", "ns/net",
                                                    "ns/pid", "ns/time", "ns/user", "ns/uts" };
    char link[128];
    for (int i = 0; i < LX_NS_COUNT; i++) {
        if (lx_readlink(pidfd, paths[i], link, sizeof link) > 0)
            p->ns[i] = link_inode(link);
    }
}

/* cwd and root (for `osmosis describe`); left NULL when unreadable (another
 * user's process, a capture without them).  -1 only when out of memory. */
static int gather_dirs(int pidfd, osm_lx_proc *p)
{
    char link[PATH_MAX];
    if (lx_readlink(pidfd, "cwd", link, sizeof link) > 0 && !(p->cwd = strdup(link)))
        return -1;
    if (lx_readlink(pidfd, "root", link, sizeof link) > 0 && !(p->root = strdup(link)))
        return -1;
    return 0;
}

bool osm_lx_is_fd_type(const char *type)
{
    for (int k = 0; k < LX_FD_KIND_COUNT; k++)
        if (!strcmp(lx_fd_types[k], type))
            return true;
    return false;
}

/* Growable arrays of fixed-size elements. */
static void *grow(void *v, size_t *cap, size_t n, size_t elem)
{
    if (n < *cap)
        return v;
    size_t nc = *cap ? *cap * 2 : 16;
    void *nv = realloc(v, nc * elem);
    if (nv)
        *cap = nc;
    return nv;
}

typedef struct cg_acc {
    osm_lx_proc *p;
    size_t cap;
    int oom;
} cg_acc;

static int add_cgroup(const osm_lx_cgroup *cg, void *arg)
{
    cg_acc *a = arg;
    osm_lx_cgroup *v = grow(a->p->cg, &a->cap, a->p->n_cg, sizeof *v);
    if (!v) {
        a->oom = 1;
        return 1;
    }
    a->p->cg = v;
    v[a->p->n_cg++] = *cg;
    return 0;
}

typedef struct vma_acc {
    osm_lx_proc *p;
    size_t cap;
    int oom;
} vma_acc;

static int add_vma(const osm_lx_vma *vma, void *arg)
{
    vma_acc *a = arg;
    if (!vma->r && !vma->w && !vma->x)
        return 0;               /* PROT_NONE reservation: no access, not modelled */
    lx_vmr *v = grow(a->p->vmr, &a->cap, a->p->n_vmr, sizeof *v);
    if (!v) {
        a->oom = 1;
        return 1;
    }
    a->p->vmr = v;
    lx_vmr_init(&v[a->p->n_vmr++], vma);
    return 0;
}

static bool prefix(const char *s, const char *pre)
{
    return strncmp(s, pre, strlen(pre)) == 0;
}

void lx_classify_fd(const char *link, lx_fd *f)
{
    snprintf(f->what, sizeof f->what, "%s", link);
    if (prefix(link, "socket:[")) {
        f->kind = LX_FD_SOCKET;
        f->ino = link_inode(link);
    } else if (prefix(link, "pipe:[")) {
        f->kind = LX_FD_PIPE;
        f->ino = link_inode(link);
    } else if (!strcmp(link, "anon_inode:[eventfd]"))
        f->kind = LX_FD_EVENTFD;
    else if (!strcmp(link, "anon_inode:[signalfd]"))
        f->kind = LX_FD_SIGNALFD;
    else if (!strcmp(link, "anon_inode:[timerfd]"))
        f->kind = LX_FD_TIMERFD;
    else if (prefix(link, "/memfd:"))
        f->kind = LX_FD_MEMFD;
    else if (prefix(link, "/dev/") && !prefix(link, "/dev/shm/") && !prefix(link, "/dev/mqueue/"))
        f->kind = LX_FD_DEVICE;
    else if (link[0] == '/')
        f->kind = LX_FD_FILE;
    else
        f->kind = LX_FD_ANON;
}

uint8_t lx_open_perms(unsigned flags)
{
    switch (flags & O_ACCMODE) {
    case O_RDONLY: return OSM_PERM_R;
    case O_WRONLY: return OSM_PERM_W;
    default: return OSM_PERM_R | OSM_PERM_W;
    }
}

/* Device and inode of descriptor `name` by stat; false if it is gone. */
static bool fd_stat(int fddir, const char *name, lx_fd *f)
{
    struct stat sb;
    if (fstatat(fddir, name, &sb, 0) < 0)
        return false;
    f->major = major(sb.st_dev);
    f->minor = minor(sb.st_dev);
    f->ino = sb.st_ino;
    return true;
}

/* The device (and inode) of a file descriptor.  Where fdinfo has `ino:`
 * (Linux 5.14+): the device of its `mnt_id` in the process's mount table,
 * else the process's own mapping of that inode, with no system call.
 * Otherwise (older kernels, their captured copies) stat the descriptor
 * (live only), or, in a copy, take a mapping of the same path.  False if
 * unknown. */
static bool fd_device(const lx_ctx *c, const lx_mount_table *mt, const osm_lx_proc *p, int fddir,
                      const char *name, const osm_lx_fdinfo *fi, lx_fd *f)
{
    if (fi->have_ino) {
        if (f->kind != LX_FD_MEMFD && mt && lx_mount_dev(mt, fi->mnt_id, &f->major, &f->minor))
            return true;
    } else if (c->o->live) {
        return fd_stat(fddir, name, f);
    }
    for (size_t i = 0; i < p->n_vmr; i++) {
        const osm_lx_vma *v = &p->vmr[i].v;
        if (v->inode && (v->inode == f->ino || !fi->have_ino) &&
            !strncmp(v->path, f->what, strlen(f->what))) {
            f->major = v->dev_major;
            f->minor = v->dev_minor;
            f->ino = v->inode;
            return true;
        }
    }
    return c->o->live && fd_stat(fddir, name, f);
}

/* Open flags of descriptor `name` from fdinfo (opening fdinfo/ on first
 * use); false if unreadable (closed since, or denied). */
static bool fd_info(const lx_ctx *c, lx_scratch *w, int pid, int pidfd, int *infodir,
                    const char *name, osm_lx_fdinfo *fi)
{
    if (*infodir == -1)
        *infodir = openat(pidfd, "fdinfo", O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
    if (*infodir < 0) {
        *infodir = -2;              /* do not retry */
        return false;
    }
    if (lx_read_file(*infodir, name, LX_K_FDINFO, &w->buf2) < 0) {
        if (w->buf2.why[0]) {
            char path[64];
            snprintf(path, sizeof path, "fdinfo/%s", name);
            lx_note_refused(&w->rep, c->o->proc, pid, path, w->buf2.why);
        }
        return false;
    }
    return osm_lx_parse_fdinfo(w->buf2.p, w->buf2.len, fi) == 0;
}

/* Live shortcut for descriptors whose identity is in the link (sockets,
 * pipes, anon inodes but eventfd): the access mode without reading fdinfo.
 * A socket is always open read-write; otherwise the fd link's own mode
 * carries FMODE_READ/FMODE_WRITE as u+r / u+w (an O_PATH fd has neither).
 * Returns false when fdinfo is needed, else sets *perms (0 = skip it). */
static bool fd_link_perms(int fddir, const char *name, const lx_fd *f, uint8_t *perms)
{
    struct stat sb;
    switch (f->kind) {
    case LX_FD_SOCKET:
        *perms = OSM_PERM_R | OSM_PERM_W;
        return true;
    case LX_FD_PIPE:
    case LX_FD_SIGNALFD:
    case LX_FD_TIMERFD:
    case LX_FD_ANON:
        if (fstatat(fddir, name, &sb, AT_SYMLINK_NOFOLLOW) < 0)
            return false;
        *perms = (uint8_t)((sb.st_mode & S_IRUSR ? OSM_PERM_R : 0) |
                           (sb.st_mode & S_IWUSR ? OSM_PERM_W : 0));
        return true;
    default:
        return false;
    }
}

/* One descriptor: 1 keep f, 0 skip it. */
static int gather_fd(const lx_ctx *c, lx_scratch *w, int pidfd, int fddir, int *infodir,
                     const lx_mount_table *mt, const osm_lx_proc *p, const char *name,
                     lx_fd *f)
{
    char link[OSM_LX_PATH_MAX];
    memset(f, 0, sizeof *f);
    f->fd = atoi(name);
    if (lx_readlink(fddir, name, link, sizeof link) < 0)
        return 0;               /* closed since the listing */
    lx_classify_fd(link, f);
    uint8_t perms;
    if (c->o->live && fd_link_perms(fddir, name, f, &perms)) {
        f->perms = perms;
        return perms != 0;
    }
    osm_lx_fdinfo fi;
    if (!fd_info(c, w, p->pid, pidfd, infodir, name, &fi))
        return 0;
    if (fi.flags & O_PATH)
        return 0;               /* O_PATH grants no access to the contents */
    f->perms = lx_open_perms(fi.flags);
    if (f->kind == LX_FD_FILE || f->kind == LX_FD_DEVICE || f->kind == LX_FD_MEMFD) {
        f->ino = fi.ino;
        if (!fd_device(c, mt, p, fddir, name, &fi, f))
            f->kind = LX_FD_ANON;   /* no stable identity: private to this fd */
    }
    if (f->kind == LX_FD_EVENTFD && fi.have_eventfd_id)
        f->anon_id = fi.eventfd_id + 1;
    return 1;
}

/* A raw getdents64 record (glibc's readdir would add an fcntl and a
 * malloc per directory). */
struct lx_dirent64 {
    uint64_t d_ino;
    int64_t d_off;
    unsigned short d_reclen;
    unsigned char d_type;
    char d_name[];
};

static int gather_fds(lx_ctx *c, lx_scratch *w, size_t slot, int pidfd, osm_lx_proc *p)
{
    int fddir = openat(pidfd, "fd", O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
    if (fddir < 0) {
        if (lx_gone(errno))
            return 1;
        p->fds_denied = true;
        return 0;
    }
    int infodir = -1;
    const lx_mount_table *mt = lx_mounts_for(c, w, slot, p, pidfd);
    size_t cap = 0;
    int rc = 0;
    char dents[16384] __attribute__((aligned(8)));
    for (;;) {
        long n = syscall(SYS_getdents64, fddir, dents, sizeof dents);
        if (n <= 0)
            break;
        /* /proc fills the buffer until the next entry does not fit: a
         * listing this short is the whole directory (saves a call). */
        bool last = (size_t)n + 512 <= sizeof dents;
        for (long off = 0; off < n && rc == 0;) {
            const struct lx_dirent64 *de = (const void *)(dents + off);
            off += de->d_reclen;
            if (de->d_name[0] < '0' || de->d_name[0] > '9')
                continue;
            lx_fd f;
            if (!gather_fd(c, w, pidfd, fddir, &infodir, mt, p, de->d_name, &f))
                continue;
            lx_fd *v = grow(p->fd, &cap, p->n_fd, sizeof *v);
            if (!v)
                rc = -1;
            else {
                p->fd = v;
                v[p->n_fd++] = f;
            }
        }
        if (rc || last)
            break;
    }
    close(fddir);
    if (infodir >= 0)
        close(infodir);
    return rc;
}

static int cmp_int_thr(const void *a, const void *b)
{
    const lx_thread *x = a, *y = b;
    return (x->tid > y->tid) - (x->tid < y->tid);
}

static int gather_threads(const lx_ctx *c, lx_scratch *w, int pidfd, osm_lx_proc *p)
{
    int tdir = openat(pidfd, "task", O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
    if (tdir < 0)
        return lx_gone(errno) ? 1 : 0;
    DIR *d = fdopendir(tdir);
    if (!d) {
        close(tdir);
        return -1;
    }
    size_t cap = 0;
    struct dirent *de;
    char path[64];
    int rc = 0;
    while ((de = readdir(d))) {
        if (de->d_name[0] < '0' || de->d_name[0] > '9')
            continue;
        lx_thread *v = grow(p->thr, &cap, p->n_thr, sizeof *v);
        if (!v) {
            rc = -1;
            break;
        }
        p->thr = v;
        lx_thread *t = &v[p->n_thr];
        t->tid = atoi(de->d_name);
        snprintf(t->comm, sizeof t->comm, "%s", p->st.name);
        snprintf(path, sizeof path, "%d/comm", t->tid);
        if (lx_read_file(dirfd(d), path, LX_K_SMALL, &w->buf2) == 0 && w->buf2.len) {
            lx_copy_field(t->comm, sizeof t->comm, w->buf2.p,
                          w->buf2.len - (w->buf2.p[w->buf2.len - 1] == '\n'));
        } else if (w->buf2.why[0]) {
            snprintf(path, sizeof path, "task/%d/comm", t->tid);
            lx_note_refused(&w->rep, c->o->proc, p->pid, path, w->buf2.why);
        }
        p->n_thr++;
    }
    closedir(d);
    if (p->n_thr)
        qsort(p->thr, p->n_thr, sizeof *p->thr, cmp_int_thr);
    return rc;
}

/* Is the process dumpable (may same-uid processes ptrace it without
 * CAP_SYS_PTRACE)?  The kernel makes /proc/PID owned by root when it is
 * not (task_dump_owner), by its effective uid when it is; for a process
 * whose effective uid is root the two look alike: unknown.  A copy of
 * /proc keeps no owners: unknown. */
static int dumpable(const lx_ctx *c, int pidfd, const osm_lx_status *st)
{
    struct stat sb;
    /* Not /proc/PID itself: its inode keeps the owner it had when first
     * looked up; the files in it are re-owned at each lookup. */
    if (!c->o->live || fstatat(pidfd, "status", &sb, 0) < 0 || !st->have_uid)
        return -1;
    if (sb.st_uid != st->uid[1])
        return 0;
    return st->uid[1] == 0 ? -1 : 1;
}

/* Read one whole /proc/PID file into w->buf: 0, 1 gone, 2 denied/other
 * (errno says why), 4 refused (recorded in w's report). */
static int read_part(const lx_ctx *c, lx_scratch *w, int pidfd, int pid, const char *name,
                     lx_kind kind)
{
    if (lx_read_file(pidfd, name, kind, &w->buf) == 0)
        return 0;
    if (errno == ENOMEM)
        return -1;
    if (w->buf.why[0]) {
        lx_note_refused(&w->rep, c->o->proc, pid, name, w->buf.why);
        return 4;
    }
    return lx_gone(errno) ? 1 : 2;
}

/* p's VMAs from maps: 0, 1 gone, -1 ENOMEM, 2 not read (denied: then
 * maps_denied; or refused by the reader, as a FIFO or a link out of a
 * copy: noted in the report). */
static int gather_maps(const lx_ctx *c, lx_scratch *w, int pidfd, osm_lx_proc *p)
{
    int r = read_part(c, w, pidfd, p->pid, "maps", LX_K_MAPS);
    if (r < 0 || r == 1)
        return r;
    if (r == 2) {
        p->maps_denied = true;
        p->maps_errno = errno;
    }
    if (r != 0)
        return 2;
    vma_acc a = { p, 0, 0 };
    w->rep.bad_lines += osm_lx_parse_maps(w->buf.p, w->buf.len, add_vma, &a);
    return a.oom ? -1 : 0;
}

static int gather_body(lx_ctx *c, lx_scratch *w, size_t slot, int pidfd, osm_lx_proc *p)
{
    int r = read_part(c, w, pidfd, p->pid, "status", LX_K_STATUS);
    if (r)
        return r == 2 ? 1 : r;
    if (osm_lx_parse_status(w->buf.p, w->buf.len, &p->st) < 0)
        return 1;               /* empty status: reaped while we read */
    if (p->st.kthread == 1 || (p->st.kthread < 0 && (p->pid == 2 || p->st.ppid == 2)))
        return 3;               /* a kernel thread: part of PD_kernel */
    gather_ns(pidfd, p);
    p->dumpable = dumpable(c, pidfd, &p->st);
    if ((p->filters = lx_gather_reach(c, p)) == -2)
        return 1;               /* ended while its filter was being read */
    if (gather_dirs(pidfd, p) < 0)
        return -1;
    if ((r = read_part(c, w, pidfd, p->pid, "cgroup", LX_K_SMALL)) < 0 || r == 1)
        return r;
    if (r == 0) {
        cg_acc a = { p, 0, 0 };
        w->rep.bad_lines += osm_lx_parse_cgroup(w->buf.p, w->buf.len, add_cgroup, &a);
        if (a.oom)
            return -1;
    }
    /* The BPF snapshot, when there is one, instead of maps and fd/ (it
     * says 1 when it cannot stand in for them). */
    if ((r = c->bpf ? lx_bpf_vmas(c->bpf, p) : 1) < 0)
        return r;
    w->rep.bpf_fallbacks += c->bpf && r == 1;
    bool have_maps = true;      /* from BPF or from maps */
    if (r == 1) {
        if ((r = gather_maps(c, w, pidfd, p)) == 2)
            have_maps = false;
        else if (r != 0)
            return r;
    }
    if (c->bpf) {
        (void)lx_mounts_for(c, w, slot, p, pidfd);  /* as gather_fds: the host's table */
        if ((r = lx_bpf_fds(c->bpf, p)) < 0)
            return r;
        w->rep.bpf_fallbacks += r == 1;
    }
    if ((!c->bpf || r == 1) && (r = gather_fds(c, w, slot, pidfd, p)) != 0)
        return r;
    if (c->o->threads && (r = gather_threads(c, w, pidfd, p)) != 0)
        return r;
    if (!c->o->no_phys && have_maps && (r = lx_gather_frames(c, w, pidfd, p)) != 0)
        return r;
    /* A process reaped during the scan may have left empty files behind:
     * it must still exist now (a zombie still does; kill(0) probes without
     * signalling, EPERM means it exists). */
    if (c->o->live && kill(p->pid, 0) < 0 && errno == ESRCH)
        return 1;
    return 0;
}

int lx_gather(lx_ctx *c, lx_scratch *w, size_t slot, int pid, osm_lx_proc *p)
{
    memset(p, 0, sizeof *p);
    p->pid = pid;
    char name[16];
    snprintf(name, sizeof name, "%d", pid);
    int pidfd = openat(c->procfd, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
    if (pidfd < 0)
        return 1;
    int r = gather_body(c, w, slot, pidfd, p);
    close(pidfd);
    if (r != 0)
        lx_proc_free(p);
    return r;
}

int lx_gather_ns_of(lx_ctx *c, const char *name, osm_lx_proc *p)
{
    memset(p, 0, sizeof *p);
    int pidfd = openat(c->procfd, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (pidfd < 0)
        return -1;
    gather_ns(pidfd, p);
    close(pidfd);
    return p->ns[LX_NS_USER] || p->ns[LX_NS_PID] ? 0 : -1;
}
