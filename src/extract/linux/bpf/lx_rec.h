/*
 * The binary records the Linux extractor's BPF iterators (lx_iter.bpf.c)
 * stream to user space (linux_bpf.c decodes them with lx_bpf_decode).
 * Shared by the BPF program and user space, so only fixed-width types.
 *
 * Every record starts with an lx_rec_hdr; `len` is the whole record's
 * length (header, fixed part and the path bytes that follow it), rounded
 * up to 8.  The path is not NUL-terminated: its length is `path_len`.
 */
#ifndef OSM_LX_REC_H
#define OSM_LX_REC_H

enum { LX_REC_FD = 1, LX_REC_VMA = 2 };

/* Longest path a record carries: the kernel's own limit for d_path into
 * one page (readlink of /proc/PID/fd/N fails beyond it too). */
#define LX_REC_PATH_MAX 4096

/* How a VMA's name was found (/proc/PID/maps' rules, fs/proc/task_mmu.c). */
enum { LX_VNAME_NONE, LX_VNAME_PATH, LX_VNAME_SPECIAL, LX_VNAME_HEAP, LX_VNAME_STACK,
       LX_VNAME_ANON, LX_VNAME_ANON_SHMEM };

enum { LX_VPATH_DELETED = 1,          /* d_path would add " (deleted)" */
       LX_VPATH_INCOMPLETE = 2 };       /* not d_path's result: read maps from /proc */

struct lx_rec_hdr {
    __u16 type, len;
    __u32 tgid;
};

struct lx_rec_fd {
    struct lx_rec_hdr h;
    __u32 fd, f_flags, f_mode, dev;     /* dev: the kernel's dev_t (major << 20 | minor) */
    __u64 ino;
    __s32 eventfd_id;                   /* -1 unless an eventfd */
    __u32 path_len;                     /* d_path of the file, as readlink of the fd */
};

struct lx_rec_vma {
    struct lx_rec_hdr h;
    __u64 start, end, pgoff, flags, ino;
    __u32 dev;
    __u8 name_kind;                     /* LX_VNAME_* */
    __u8 path_flags;                    /* LX_VPATH_* */
    __u16 path_len;                     /* LX_VNAME_PATH: components, leaf first, each a
                                         * length byte and the name; else the name */
};

#endif
