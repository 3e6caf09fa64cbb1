/*
 * A SQLite VFS whose files live on a CellulOS FS server (kv.h).
 *
 * Version-1 VFS and I/O methods (no xShmMap, no xFetch: no WAL shared
 * memory and no mmap of files).  Locking is a no-op: one PD opens a
 * database at a time (the store); SQLite's own rules still order the
 * journal and database writes.  A short read fills the rest with zeros and
 * says so, as SQLite requires.  Temporary files (NULL names) get a unique
 * name and are deleted on close.
 *
 * Writes are gathered: SQLite writes a journal record as three writes
 * (page number, page, checksum) and each would be a round trip to the FS
 * server.  Contiguous writes collect in a per-file buffer that goes out as
 * one request before anything that could observe the file (read, size,
 * truncate, sync, close) or when a write does not continue it.  SQLite only
 * counts on data after xSync, which flushes first; a failed deferred write
 * is reported by the call that flushed it.
 */
#include <errno.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

#include "kv.h"

#define WBUF_MAX (64 * 1024)

typedef struct vfs_file {
    sqlite3_file base;
    cel_fs *fs;
    int h;
    bool delete_on_close;
    char *wbuf;                 /* gathered writes: WBUF_MAX bytes, made on first use */
    size_t wlen;
    sqlite3_int64 woff;
    char name[CEL_FS_NAME_MAX];
} vfs_file;

static int io_err(int rc, int code)
{
    return rc < 0 ? (rc == -ENOSPC ? SQLITE_FULL : code) : SQLITE_OK;
}

/* Send the gathered writes; SQLITE_OK or the error for `code`. */
static int flush(vfs_file *p, int code)
{
    if (!p->wlen)
        return SQLITE_OK;
    ssize_t k = cel_fs_pwrite(p->fs, p->h, p->wbuf, p->wlen, (off_t)p->woff);
    int rc = k == (ssize_t)p->wlen ? 0 : k < 0 ? (int)k : -EIO;
    p->wlen = 0;
    return io_err(rc, code);
}

static int x_close(sqlite3_file *f)
{
    vfs_file *p = (vfs_file *)f;
    int frc = flush(p, SQLITE_IOERR_WRITE);
    free(p->wbuf);
    p->wbuf = NULL;
    int rc = cel_fs_close(p->fs, p->h);
    if (frc != SQLITE_OK)
        return frc;
    if (p->delete_on_close)
        cel_fs_unlink(p->fs, p->name);
    return io_err(rc, SQLITE_IOERR_CLOSE);
}

static int x_read(sqlite3_file *f, void *buf, int n, sqlite3_int64 off)
{
    vfs_file *p = (vfs_file *)f;
    int rc = flush(p, SQLITE_IOERR_READ);
    if (rc != SQLITE_OK)
        return rc;
    ssize_t k = cel_fs_pread(p->fs, p->h, buf, (size_t)n, (off_t)off);
    if (k < 0)
        return SQLITE_IOERR_READ;
    if (k < n) {
        memset((char *)buf + k, 0, (size_t)(n - k));
        return SQLITE_IOERR_SHORT_READ;
    }
    return SQLITE_OK;
}

static int x_write(sqlite3_file *f, const void *buf, int n, sqlite3_int64 off)
{
    vfs_file *p = (vfs_file *)f;
    if (p->wlen && (off != p->woff + (sqlite3_int64)p->wlen || p->wlen + (size_t)n > WBUF_MAX)) {
        int rc = flush(p, SQLITE_IOERR_WRITE);
        if (rc != SQLITE_OK)
            return rc;
    }
    if (!p->wbuf && (size_t)n < WBUF_MAX)
        p->wbuf = malloc(WBUF_MAX);
    if (!p->wbuf || (size_t)n >= WBUF_MAX) {  /* no buffer, or too big to gather */
        ssize_t k = cel_fs_pwrite(p->fs, p->h, buf, (size_t)n, (off_t)off);
        return k == n ? SQLITE_OK : io_err(k < 0 ? (int)k : -EIO, SQLITE_IOERR_WRITE);
    }
    if (!p->wlen)
        p->woff = off;
    memcpy(p->wbuf + p->wlen, buf, (size_t)n);
    p->wlen += (size_t)n;
    return SQLITE_OK;
}

static int x_truncate(sqlite3_file *f, sqlite3_int64 size)
{
    vfs_file *p = (vfs_file *)f;
    int rc = flush(p, SQLITE_IOERR_TRUNCATE);
    return rc != SQLITE_OK ? rc
                           : io_err(cel_fs_ftruncate(p->fs, p->h, (off_t)size), SQLITE_IOERR_TRUNCATE);
}

static int x_sync(sqlite3_file *f, int flags)
{
    (void)flags;
    vfs_file *p = (vfs_file *)f;
    int rc = flush(p, SQLITE_IOERR_FSYNC);
    return rc != SQLITE_OK ? rc : io_err(cel_fs_fsync(p->fs, p->h), SQLITE_IOERR_FSYNC);
}

static int x_size(sqlite3_file *f, sqlite3_int64 *size)
{
    vfs_file *p = (vfs_file *)f;
    if (flush(p, SQLITE_IOERR_FSTAT) != SQLITE_OK)
        return SQLITE_IOERR_FSTAT;
    cel_fs_statbuf st;
    int rc = cel_fs_fstat(p->fs, p->h, &st);
    if (rc)
        return SQLITE_IOERR_FSTAT;
    *size = st.size;
    return SQLITE_OK;
}

static int x_lock(sqlite3_file *f, int level)
{
    (void)f, (void)level;
    return SQLITE_OK;
}

static int x_reserved(sqlite3_file *f, int *out)
{
    (void)f;
    *out = 0;
    return SQLITE_OK;
}

static int x_control(sqlite3_file *f, int op, void *arg)
{
    (void)f, (void)op, (void)arg;
    return SQLITE_NOTFOUND;
}

static int x_sector(sqlite3_file *f)
{
    (void)f;
    return 4096;    /* the FS block */
}

static int x_caps(sqlite3_file *f)
{
    (void)f;
    return 0;
}

static const sqlite3_io_methods io_methods = {
    1, x_close, x_read, x_write, x_truncate, x_sync, x_size, x_lock, x_lock, x_reserved,
    x_control, x_sector, x_caps, NULL, NULL, NULL, NULL, NULL, NULL,
};

static int x_open(sqlite3_vfs *vfs, const char *name, sqlite3_file *f, int flags, int *out_flags)
{
    static unsigned tmp_seq;
    vfs_file *p = (vfs_file *)f;
    memset(p, 0, sizeof *p);
    p->fs = vfs->pAppData;
    if (name)
        snprintf(p->name, sizeof p->name, "%s", name);
    else
        snprintf(p->name, sizeof p->name, "sqlite-tmp-%u", ++tmp_seq);
    if (strlen(name ? name : "") >= sizeof p->name)
        return SQLITE_CANTOPEN;
    int fl = (flags & SQLITE_OPEN_CREATE ? CEL_O_CREAT : 0) |
             (flags & SQLITE_OPEN_EXCLUSIVE ? CEL_O_EXCL : 0);
    p->h = cel_fs_open(p->fs, p->name, fl);
    if (p->h < 0)
        return SQLITE_CANTOPEN;
    p->delete_on_close = (flags & SQLITE_OPEN_DELETEONCLOSE) || !name;
    p->base.pMethods = &io_methods;
    if (out_flags)
        *out_flags = flags;
    return SQLITE_OK;
}

static int x_delete(sqlite3_vfs *vfs, const char *name, int sync)
{
    (void)sync;
    int rc = cel_fs_unlink(vfs->pAppData, name);
    return rc == -ENOENT ? SQLITE_IOERR_DELETE_NOENT : io_err(rc, SQLITE_IOERR_DELETE);
}

static int x_access(sqlite3_vfs *vfs, const char *name, int flags, int *out)
{
    (void)flags;
    cel_fs_statbuf st;
    int rc = cel_fs_stat(vfs->pAppData, name, &st);
    /* A zero-length journal is not hot: report it as absent, as os_unix. */
    *out = rc == 0 && (flags != SQLITE_ACCESS_EXISTS || st.size > 0);
    return rc == 0 || rc == -ENOENT ? SQLITE_OK : SQLITE_IOERR_ACCESS;
}

static int x_fullname(sqlite3_vfs *vfs, const char *name, int n, char *out)
{
    (void)vfs;
    if ((int)strlen(name) >= n)
        return SQLITE_CANTOPEN;
    strcpy(out, name);
    return SQLITE_OK;
}

static int x_random(sqlite3_vfs *vfs, int n, char *out)
{
    (void)vfs;
    ssize_t k = getrandom(out, (size_t)n, 0);
    return k < 0 ? 0 : (int)k;
}

static int x_sleep(sqlite3_vfs *vfs, int us)
{
    (void)vfs;
    struct timespec t = { us / 1000000, (us % 1000000) * 1000L };
    nanosleep(&t, NULL);
    return us;
}

static int x_time(sqlite3_vfs *vfs, double *out)
{
    (void)vfs;
    struct timespec t;
    clock_gettime(CLOCK_REALTIME, &t);
    *out = 2440587.5 + ((double)t.tv_sec + (double)t.tv_nsec / 1e9) / 86400.0;
    return SQLITE_OK;
}

static int x_last_error(sqlite3_vfs *vfs, int n, char *out)
{
    (void)vfs;
    if (n > 0)
        out[0] = '\0';
    return 0;
}

int cel_sqlite_vfs_register(cel_fs *fs, const char *name)
{
    sqlite3_vfs *v = calloc(1, sizeof *v + strlen(name) + 1);
    if (!v)
        return -ENOMEM;
    char *copy = (char *)(v + 1);
    strcpy(copy, name);
    v->iVersion = 1;
    v->szOsFile = sizeof(vfs_file);
    v->mxPathname = CEL_FS_NAME_MAX - 1;
    v->zName = copy;
    v->pAppData = fs;
    v->xOpen = x_open;
    v->xDelete = x_delete;
    v->xAccess = x_access;
    v->xFullPathname = x_fullname;
    v->xRandomness = x_random;
    v->xSleep = x_sleep;
    v->xCurrentTime = x_time;
    v->xGetLastError = x_last_error;
    /* The VFS lives as long as the process: SQLite keeps a pointer to it.
     * It becomes the default so that SQLite's own randomness comes from it
     * too (os_unix's would open /dev/urandom, which a PD may not). */
    return sqlite3_vfs_register(v, 1) == SQLITE_OK ? 0 : -EINVAL;
}
