/*
 * libcellulos: the file-system client (POSIX-like) over a session with an
 * FS server (cel-fs).
 *
 * cel_fs_mount() connects to an FS server's door and attaches to a
 * namespace by name: a namespace is a FILE space of its own; every session
 * attached to the same namespace sees (and, in the model, holds) every file
 * in it.  Data moves through the session buffer; a transfer larger than the
 * buffer is split.  Calls return >= 0 or a negative errno, like the system
 * calls they mirror.
 */
#ifndef CEL_FS_CLIENT_H
#define CEL_FS_CLIENT_H

#include <sys/types.h>

#include "server.h"

enum {
    CEL_FS_OPEN = CEL_RPC_USER,     /* s = name, a0 = flags -> handle, a1 = size */
    CEL_FS_CLOSE,                   /* a0 = handle */
    CEL_FS_PREAD,                   /* a0 = handle, a1 = offset, a2 = length -> bytes (buffer) */
    CEL_FS_PWRITE,                  /* a0 = handle, a1 = offset, a2 = length (buffer) -> bytes */
    CEL_FS_FSYNC,                   /* a0 = handle */
    CEL_FS_FTRUNCATE,               /* a0 = handle, a1 = length */
    CEL_FS_UNLINK,                  /* s = name */
    CEL_FS_STAT,                    /* s = name -> a0 = size, a1 = blocks */
    CEL_FS_FSTAT,                   /* a0 = handle -> a0 = size, a1 = blocks */
};

/* Open flags (a subset of POSIX's meaning). */
enum { CEL_O_CREAT = 1, CEL_O_EXCL = 2, CEL_O_TRUNC = 4 };

#define CEL_FS_NAME_MAX 64
#define CEL_FS_BUF_PAGES 64
#define CEL_FS_MAX_FILES 64          /* open handles per session */

typedef struct cel_fs {
    cel_session s;
    off_t pos[CEL_FS_MAX_FILES];    /* file positions for read/write */
} cel_fs;

typedef struct cel_fs_statbuf { off_t size; uint64_t blocks; } cel_fs_statbuf;

int cel_fs_mount(cel_badge door, const char *ns, cel_fs *fs);
void cel_fs_unmount(cel_fs *fs);
int cel_fs_open(cel_fs *fs, const char *name, int flags);
int cel_fs_close(cel_fs *fs, int fd);
ssize_t cel_fs_pread(cel_fs *fs, int fd, void *buf, size_t n, off_t off);
ssize_t cel_fs_pwrite(cel_fs *fs, int fd, const void *buf, size_t n, off_t off);
ssize_t cel_fs_read(cel_fs *fs, int fd, void *buf, size_t n);
ssize_t cel_fs_write(cel_fs *fs, int fd, const void *buf, size_t n);
off_t cel_fs_lseek(cel_fs *fs, int fd, off_t off, int whence);
int cel_fs_fsync(cel_fs *fs, int fd);
int cel_fs_ftruncate(cel_fs *fs, int fd, off_t len);
int cel_fs_unlink(cel_fs *fs, const char *name);
int cel_fs_stat(cel_fs *fs, const char *name, cel_fs_statbuf *st);
int cel_fs_fstat(cel_fs *fs, int fd, cel_fs_statbuf *st);

int cel_fs_main(int argc, char **argv);     /* the server (servers/fs.c) */

#endif
