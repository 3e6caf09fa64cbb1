/* libcellulos: the file-system client (fs_client.h). */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "fs_client.h"

int cel_fs_mount(cel_badge door, const char *ns, cel_fs *fs)
{
    memset(fs, 0, sizeof *fs);
    return cel_session_open(door, ns, &fs->s);
}

void cel_fs_unmount(cel_fs *fs)
{
    cel_session_close(&fs->s);
}

/* A request that names a file. */
static int name_call(cel_fs *fs, unsigned op, const char *name, uint64_t a0, cel_rpc *m)
{
    if (strlen(name) >= CEL_FS_NAME_MAX)
        return -ENAMETOOLONG;
    memset(m, 0, sizeof *m);
    m->op = op;
    m->a[0] = a0;
    snprintf(m->s, sizeof m->s, "%s", name);
    return cel_rpc_call(&fs->s, m);
}

static int handle_call(cel_fs *fs, unsigned op, int fd, uint64_t a1, uint64_t a2, cel_rpc *m)
{
    if (fd < 0 || fd >= CEL_FS_MAX_FILES)
        return -EBADF;
    memset(m, 0, sizeof *m);
    m->op = op;
    m->a[0] = (uint64_t)fd;
    m->a[1] = a1;
    m->a[2] = a2;
    return cel_rpc_call(&fs->s, m);
}

int cel_fs_open(cel_fs *fs, const char *name, int flags)
{
    cel_rpc m;
    int rc = name_call(fs, CEL_FS_OPEN, name, (uint64_t)flags, &m);
    if (rc >= 0 && rc < CEL_FS_MAX_FILES)
        fs->pos[rc] = 0;
    return rc;
}

int cel_fs_close(cel_fs *fs, int fd)
{
    cel_rpc m;
    return handle_call(fs, CEL_FS_CLOSE, fd, 0, 0, &m);
}

ssize_t cel_fs_pread(cel_fs *fs, int fd, void *buf, size_t n, off_t off)
{
    size_t done = 0;
    while (done < n) {
        size_t k = n - done < fs->s.bytes ? n - done : fs->s.bytes;
        cel_rpc m;
        int rc = handle_call(fs, CEL_FS_PREAD, fd, (uint64_t)off + done, k, &m);
        if (rc < 0)
            return rc;
        memcpy((char *)buf + done, fs->s.buf, (size_t)rc);
        done += (size_t)rc;
        if ((size_t)rc < k)
            break;  /* end of file */
    }
    return (ssize_t)done;
}

ssize_t cel_fs_pwrite(cel_fs *fs, int fd, const void *buf, size_t n, off_t off)
{
    size_t done = 0;
    while (done < n) {
        size_t k = n - done < fs->s.bytes ? n - done : fs->s.bytes;
        memcpy(fs->s.buf, (const char *)buf + done, k);
        cel_rpc m;
        int rc = handle_call(fs, CEL_FS_PWRITE, fd, (uint64_t)off + done, k, &m);
        if (rc < 0)
            return rc;
        done += (size_t)rc;
    }
    return (ssize_t)done;
}

ssize_t cel_fs_read(cel_fs *fs, int fd, void *buf, size_t n)
{
    if (fd < 0 || fd >= CEL_FS_MAX_FILES)
        return -EBADF;
    ssize_t k = cel_fs_pread(fs, fd, buf, n, fs->pos[fd]);
    if (k > 0)
        fs->pos[fd] += k;
    return k;
}

ssize_t cel_fs_write(cel_fs *fs, int fd, const void *buf, size_t n)
{
    if (fd < 0 || fd >= CEL_FS_MAX_FILES)
        return -EBADF;
    ssize_t k = cel_fs_pwrite(fs, fd, buf, n, fs->pos[fd]);
    if (k > 0)
        fs->pos[fd] += k;
    return k;
}

off_t cel_fs_lseek(cel_fs *fs, int fd, off_t off, int whence)
{
    if (fd < 0 || fd >= CEL_FS_MAX_FILES)
        return -EBADF;
    off_t base = 0;
    if (whence == SEEK_CUR) {
        base = fs->pos[fd];
    } else if (whence == SEEK_END) {
        cel_fs_statbuf st;
        int rc = cel_fs_fstat(fs, fd, &st);
        if (rc)
            return rc;
        base = st.size;
    } else if (whence != SEEK_SET) {
        return -EINVAL;
    }
    if (base + off < 0)
        return -EINVAL;
    return fs->pos[fd] = base + off;
}

int cel_fs_fsync(cel_fs *fs, int fd)
{
    cel_rpc m;
    return handle_call(fs, CEL_FS_FSYNC, fd, 0, 0, &m);
}

int cel_fs_ftruncate(cel_fs *fs, int fd, off_t len)
{
    cel_rpc m;
    return len < 0 ? -EINVAL : handle_call(fs, CEL_FS_FTRUNCATE, fd, (uint64_t)len, 0, &m);
}

int cel_fs_unlink(cel_fs *fs, const char *name)
{
    cel_rpc m;
    return name_call(fs, CEL_FS_UNLINK, name, 0, &m);
}

int cel_fs_stat(cel_fs *fs, const char *name, cel_fs_statbuf *st)
{
    cel_rpc m;
    int rc = name_call(fs, CEL_FS_STAT, name, 0, &m);
    if (rc >= 0) {
        st->size = (off_t)m.a[0];
        st->blocks = m.a[1];
    }
    return rc < 0 ? rc : 0;
}

int cel_fs_fstat(cel_fs *fs, int fd, cel_fs_statbuf *st)
{
    cel_rpc m;
    int rc = handle_call(fs, CEL_FS_FSTAT, fd, 0, 0, &m);
    if (rc >= 0) {
        st->size = (off_t)m.a[0];
        st->blocks = m.a[1];
    }
    return rc < 0 ? rc : 0;
}
