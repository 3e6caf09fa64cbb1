// SPDX-License-Identifier: GPL-2.0
/*
 * BPF iterators of the Linux extractor (docs/linux.md, "--source bpf"):
 * every process's open files (iter/task_file) and mappings (iter/task_vma)
 * as compact binary records (lx_rec.h) written into the iterator's seq
 * file, which user space reads (linux_bpf.c).  They replace the per-process
 * reads of /proc/PID/fd, fdinfo and maps; the records carry what those
 * files show, computed the way the kernel computes them (fs/proc/fd.c,
 * fs/proc/task_mmu.c), so the model built from them is the same.
 *
 * CO-RE (BPF_CORE_READ, vmlinux.h generated at build time) so the object
 * runs on any kernel with BTF.  GPL: bpf_d_path and bpf_seq_write are
 * GPL-only helpers.
 */
#include "vmlinux.h"
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_helpers.h>

#include "lx_rec.h"

char LICENSE[] SEC("license") = "GPL";

/* A record is built here (too big for the 512-byte BPF stack): its fixed
 * part at the start, the path right after it. */
struct scratch {
    char b[64 + LX_REC_PATH_MAX];
};
/* Per reading thread, not per CPU: an iterator program can be preempted,
 * and another reader (a second osmosis) on the same CPU would then
 * overwrite a per-CPU buffer half-way through a record. */
struct {
    __uint(type, BPF_MAP_TYPE_TASK_STORAGE);
    __uint(map_flags, BPF_F_NO_PREALLOC);
    __type(key, int);
    __type(value, struct scratch);
} scratch_map SEC(".maps");

/* The reading thread's record buffer, or NULL. */
static __always_inline struct scratch *scratch(void)
{
    return bpf_task_storage_get(&scratch_map, bpf_get_current_task_btf(), 0,
                                BPF_LOCAL_STORAGE_GET_F_CREATE);
}

/* vm_area_struct's anon_name exists only with CONFIG_ANON_VMA_NAME: read
 * through this flavour, guarded by bpf_core_field_exists. */
struct vm_area_struct___an {
    struct anon_vma_name *anon_name;
} __attribute__((preserve_access_index));

/* The name prctl(PR_SET_VMA_ANON_NAME) gave v, or NULL. */
static __always_inline struct anon_vma_name *anon_name_of(struct vm_area_struct *v)
{
    struct vm_area_struct___an *a = (void *)v;
    if (!bpf_core_field_exists(a->anon_name))
        return NULL;
    return BPF_CORE_READ(a, anon_name);
}

/* Whether task t is reported: only thread group leaders (threads share
 * their files and mm, which /proc/PID shows).  Every process is: the
 * programs stay pinned and shared between runs, so user space picks the
 * processes it wants (linux_bpf.c). */
static __always_inline bool wanted(struct task_struct *t)
{
    return t->pid == t->tgid;
}

/* Write the record at s (fixed part `fixed` bytes, then n path bytes),
 * padded to 8 bytes. */
static __always_inline void emit(struct seq_file *seq, struct scratch *s, __u32 fixed, long n)
{
    if (n < 0)
        n = 0;
    if (n > LX_REC_PATH_MAX)
        n = LX_REC_PATH_MAX;
    __u32 len = (fixed + (__u32)n + 7) & ~7u;
    if (len > sizeof *s)
        len = sizeof *s;
    ((struct lx_rec_hdr *)s)->len = (__u16)len;
    bpf_seq_write(seq, s, len);
}

/* Whether the 20 bytes at p are "anon_inode:[eventfd]" (no memcmp in BPF). */
static __always_inline bool is_eventfd(const char *p)
{
    const char want_name[] = "anon_inode:[eventfd]";
#pragma unroll
    for (int i = 0; i < 20; i++)
        if (p[i] != want_name[i])
            return false;
    return true;
}

/* One open file of one task: an LX_REC_FD record (fd, open flags and
 * mode, superblock device, inode, eventfd id, d_path). */
SEC("iter/task_file")
int lx_files(struct bpf_iter__task_file *ctx)
{
    struct seq_file *seq = ctx->meta->seq;
    struct task_struct *t = ctx->task;
    struct file *f = ctx->file;
    if (!t || !f || !wanted(t))
        return 0;
    struct scratch *s = scratch();
    if (!s)
        return 0;
    struct lx_rec_fd *r = (void *)s->b;
    char *path = s->b + sizeof *r;
    r->h.type = LX_REC_FD;
    r->h.tgid = t->tgid;
    r->fd = ctx->fd;
    r->f_flags = f->f_flags;
    r->f_mode = f->f_mode;
    r->ino = BPF_CORE_READ(f, f_inode, i_ino);
    /* Where fdinfo's mnt_id leads in mountinfo: the mount's superblock. */
    r->dev = BPF_CORE_READ(f, f_path.mnt, mnt_sb, s_dev);
    r->eventfd_id = -1;
    long n = bpf_d_path((struct path *)&f->f_path, path, LX_REC_PATH_MAX);
    n = n > 0 ? n - 1 : 0;          /* without the NUL */
    r->path_len = (__u32)n;
    /* The eventfd-id fdinfo shows (fs/eventfd.c); the user side decides
     * from the path whether this file is an eventfd. */
    if (n == 20 && is_eventfd(path)) {
        struct eventfd_ctx *ec = BPF_CORE_READ(f, private_data);
        r->eventfd_id = BPF_CORE_READ(ec, id);
    }
    emit(seq, s, sizeof *r, n);
    return 0;
}

/* Copy the kernel string at src to dst; its length. */
static __always_inline long name_str(char *dst, const void *src)
{
    long n = bpf_probe_read_kernel_str(dst, 256, src);
    return n > 0 ? n - 1 : 0;
}

/* fs/d_path.c's simple_dname, the d_dname of pseudo files on shmem. */
extern const void simple_dname __ksym __weak;

/* Mount points crossed plus names walked, at most (deeper: /proc). */
#define LX_PATH_STEPS 64

/* The state of a path walk, one step per bpf_loop callback (a plain loop
 * with mount crossings explodes the verifier's state count). */
struct walk {
    struct scratch *s;
    __u32 off;                      /* bytes written after base */
    __u32 moff;                     /* offsetof(struct mount, mnt) */
    struct dentry *d, *root_d;
    struct vfsmount *vm, *root_m;
    struct mount *m;
    int done;                       /* 1 complete, -1 incomplete */
};

/* One step of walk_path: cross to the parent mount, or write d's name and
 * go up.  0 to go on, 1 to stop (bpf_loop's convention). */
static long walk_step(__u32 i, struct walk *w)
{
    struct dentry *d = w->d;
    if (d == w->root_d && w->vm == w->root_m) {
        w->done = 1;
        return 1;
    }
    struct vfsmount *vm = w->vm;
    struct mount *m = w->m;
    struct dentry *parent = BPF_CORE_READ(d, d_parent);
    if (d == BPF_CORE_READ(vm, mnt_root)) {
        struct mount *mp = BPF_CORE_READ(m, mnt_parent);
        if (mp == m) {
            w->done = 1;            /* a global root: the path is complete */
            return 1;
        }
        w->d = BPF_CORE_READ(m, mnt_mountpoint);
        w->m = mp;
        w->vm = (void *)mp + w->moff;
        return 0;
    }
    __u32 off = w->off;
    if (d == parent || off > LX_REC_PATH_MAX - 257) {
        w->done = -1;               /* escaped, or too long */
        return 1;
    }
    char *dst = w->s->b + sizeof(struct lx_rec_vma) + off;
    const unsigned char *nm = BPF_CORE_READ(d, d_name.name);
    long k = bpf_probe_read_kernel_str(dst + 1, 256, nm);
    if (k <= 0) {
        w->done = -1;
        return 1;
    }
    dst[0] = (char)(k - 1);
    w->off = off + (__u32)k;
    w->d = parent;
    return 0;
}

/*
 * The path of a mapped file as d_path would print it for this reader
 * (fs/d_path.c: __prepend_path), as its components from the leaf up, each
 * a length byte and the name, right after the VMA record in s.
 * bpf_d_path is refused on a VMA's file (not a trusted pointer), so the
 * walk is done here: up d_parent to the mount's root, then to the mount
 * point in the parent mount, until the reader's root or a mount without a
 * parent.  Sets LX_VPATH_DELETED, or LX_VPATH_INCOMPLETE when the result
 * would not be d_path's (a name computed by d_dname, an escaped dentry,
 * too deep) and user space must read this process's maps instead.
 * Returns the bytes written.
 */
static __always_inline __u32 walk_path(struct scratch *s, const struct path *up, __u8 *flags)
{
    struct task_struct *cur = bpf_get_current_task_btf();
    struct walk w = { .s = s };
    struct dentry *d = BPF_CORE_READ(up, dentry);
    struct vfsmount *vm = BPF_CORE_READ(up, mnt);
    w.root_d = BPF_CORE_READ(cur, fs, root.dentry);
    w.root_m = BPF_CORE_READ(cur, fs, root.mnt);
    w.d = d;
    w.vm = vm;
    w.moff = bpf_core_field_offset(struct mount, mnt);
    w.m = (void *)vm - w.moff;
    const struct dentry_operations *ops = BPF_CORE_READ(d, d_op);
    const void *dname = ops ? BPF_CORE_READ(ops, d_dname) : NULL;
    if (dname) {
        /* A name d_path takes from d_dname: simple_dname's ("/NAME
         * (deleted)": memfds, SysV and shared anonymous memory) is
         * reproduced, any other is not. */
        if (!&simple_dname || dname != (const void *)&simple_dname) {
            *flags |= LX_VPATH_INCOMPLETE;
            return 0;
        }
        char *dst = s->b + sizeof(struct lx_rec_vma);
        long k = bpf_probe_read_kernel_str(dst + 1, 256, BPF_CORE_READ(d, d_name.name));
        if (k <= 0) {
            *flags |= LX_VPATH_INCOMPLETE;
            return 0;
        }
        dst[0] = (char)(k - 1);
        *flags |= LX_VPATH_DELETED;
        return (__u32)k;
    }
    if (!BPF_CORE_READ(d, d_hash.pprev) && BPF_CORE_READ(d, d_parent) != d)
        *flags |= LX_VPATH_DELETED;
    bpf_loop(LX_PATH_STEPS, walk_step, &w, 0);
    if (w.done != 1)
        *flags |= LX_VPATH_INCOMPLETE;
    return w.off;
}

/* One VMA of one task: an LX_REC_VMA record (range, flags, offset, the
 * file's device and inode, its name as maps shows it). */
SEC("iter/task_vma")
int lx_vmas(struct bpf_iter__task_vma *ctx)
{
    struct seq_file *seq = ctx->meta->seq;
    struct task_struct *t = ctx->task;
    struct vm_area_struct *v = ctx->vma;
    if (!t || !v || !wanted(t))
        return 0;
    struct scratch *s = scratch();
    if (!s)
        return 0;
    struct lx_rec_vma *r = (void *)s->b;
    char *path = s->b + sizeof *r;      /* walk_path writes there too */
    r->h.type = LX_REC_VMA;
    r->h.tgid = t->tgid;
    r->start = v->vm_start;
    r->end = v->vm_end;
    r->flags = v->vm_flags;
    r->pgoff = 0;
    r->ino = 0;
    r->dev = 0;
    r->name_kind = LX_VNAME_NONE;
    r->path_flags = 0;
    long n = 0;
    struct file *f = v->vm_file;
    struct anon_vma_name *an = anon_name_of(v);
    if (f) {
        /* An overlayfs mapping's file is a backing file on a private
         * mount, where maps shows the overlay's path and inode instead
         * (file_user_path): walk_path says such a path is incomplete. */
        struct inode *ino = BPF_CORE_READ(f, f_inode);
        const struct path *up = &f->f_path;
        r->pgoff = v->vm_pgoff << 12;
        r->ino = BPF_CORE_READ(ino, i_ino);
        r->dev = BPF_CORE_READ(ino, i_sb, s_dev);
        if (an) {
            r->name_kind = LX_VNAME_ANON_SHMEM;
            n = name_str(path, &an->name);
        } else {
            r->name_kind = LX_VNAME_PATH;
            n = walk_path(s, up, &r->path_flags);
        }
    } else {
        const struct vm_operations_struct *ops = v->vm_ops;
        struct mm_struct *mm = v->vm_mm;
        if (ops && BPF_CORE_READ(ops, name)) {
            /* The only named vm_ops of a file-less mapping are special
             * mappings ([vdso], [vvar], [uprobes], ...): the name is in
             * their vm_special_mapping. */
            const struct vm_special_mapping *sm = BPF_CORE_READ(v, vm_private_data);
            r->name_kind = LX_VNAME_SPECIAL;
            n = name_str(path, BPF_CORE_READ(sm, name));
        } else if (mm && v->vm_start <= BPF_CORE_READ(mm, brk) &&
                   v->vm_end >= BPF_CORE_READ(mm, start_brk)) {
            r->name_kind = LX_VNAME_HEAP;
        } else if (mm && v->vm_start <= BPF_CORE_READ(mm, start_stack) &&
                   v->vm_end >= BPF_CORE_READ(mm, start_stack)) {
            r->name_kind = LX_VNAME_STACK;
        } else if (an) {
            r->name_kind = LX_VNAME_ANON;
            n = name_str(path, &an->name);
        }
    }
    r->path_len = (__u16)n;
    emit(seq, s, sizeof *r, n);
    return 0;
}
