/*
 * The file-system server (cel-fs): FILE resources whose data lives in
 * ramdisk blocks, served to clients through sessions (fs_client.h).
 *
 * Namespaces: a session names one when it connects; each namespace is a
 * FILE space of its own (mapped to the ramdisk's BLOCK space), and every
 * session attached to it holds every file in it (anyone attached can open
 * any of them by name, so in the model each has direct access).
 *
 * Model edges kept current: a FILE maps to every block holding its data,
 * to the FS superblock and to the ramdisk label (the metadata a read or
 * write of it goes through).  Freeing a block is the ramdisk's deletion of
 * the BLOCK, which removes the map.
 *
 * File metadata (names, sizes, block lists) lives in this server's memory;
 * the superblock records a generation number, rewritten on every fsync.
 * When the ramdisk is gone, every data operation fails with EIO.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ramdisk.h"
#include "../lib/fs_client.h"

#define B CEL_RD_BLOCK
#define MAX_NS 16
#define MAX_SESS 64

typedef struct fs_file {
    bool used, unlinked;
    uint32_t ns;
    char name[CEL_FS_NAME_MAX];
    cel_badge res;
    uint64_t size;
    uint32_t nblk, cap;
    uint32_t *blk;
    uint32_t opens;
} fs_file;

typedef struct fs_ns { char name[CEL_TEXT_MAX]; cel_badge space; } fs_ns;

typedef struct fs_sess {
    cel_session *s;
    uint32_t ns;
    int32_t h[CEL_FS_MAX_FILES];    /* file index + 1, 0 = free */
} fs_sess;

typedef struct fs_server {
    cel_session rd;
    bool rd_dead;
    cel_badge label, super_res;
    uint32_t super_blk;
    uint64_t gen;
    fs_ns ns[MAX_NS];
    uint32_t n_ns;
    fs_file *files;
    uint32_t n_files;
    fs_sess *sess[MAX_SESS];
} fs_server;

/* ---- the ramdisk -------------------------------------------------------------------- */

static int rd_call(fs_server *fs, unsigned op, uint64_t n)
{
    if (fs->rd_dead)
        return -EIO;
    cel_rpc m = { .op = op, .a = { n } };
    int rc = cel_rpc_call(&fs->rd, &m);
    if (rc == -EPIPE || rc == -ECONNRESET || rc == -EPROTO) {
        fs->rd_dead = true;     /* the ramdisk is gone: its blocks with it */
        rc = -EIO;
    }
    return rc;
}

static uint32_t *rd_list(fs_server *fs)
{
    return (uint32_t *)fs->rd.buf;
}

static unsigned char *rd_data(fs_server *fs, uint32_t i)
{
    return fs->rd.buf + CEL_RD_DATA + (size_t)i * B;
}

static int write_super(fs_server *fs)
{
    rd_list(fs)[0] = fs->super_blk;
    unsigned char *d = rd_data(fs, 0);
    memset(d, 0, B);
    fs->gen++;
    int n = snprintf((char *)d, B, "CFS1 generation %llu files %u",
                     (unsigned long long)fs->gen, fs->n_files);
    (void)n;
    int rc = rd_call(fs, CEL_RD_WRITE, 1);
    return rc < 0 ? rc : 0;
}

static int fs_boot(fs_server *fs, cel_badge rd_door)
{
    int rc = cel_session_open(rd_door, "fs", &fs->rd);
    if (rc)
        return rc;
    cel_rpc m = { .op = CEL_RD_INFO };
    rc = cel_rpc_call(&fs->rd, &m);
    if (rc < 0)
        return rc;
    fs->label = m.a[1];
    if ((rc = rd_call(fs, CEL_RD_ALLOC, 1)) < 0)
        return rc;
    fs->super_blk = rd_list(fs)[0];
    fs->super_res = ((uint64_t *)(fs->rd.buf + CEL_RD_BADGES))[0];
    return write_super(fs);
}

/* ---- files --------------------------------------------------------------------------- */

static fs_file *file_find(fs_server *fs, uint32_t ns, const char *name)
{
    for (uint32_t i = 0; i < fs->n_files; i++) {
        fs_file *f = &fs->files[i];
        if (f->used && !f->unlinked && f->ns == ns && strcmp(f->name, name) == 0)
            return f;
    }
    return NULL;
}

/* The name as model EXTRA text: printable, no commas or quotes. */
static void extra_of(const char *name, char *out, size_t cap)
{
    snprintf(out, cap, "%.*s", (int)cap - 1, name);
    for (char *c = out; *c; c++)
        if (*c < 0x21 || *c > 0x7e || *c == ',' || *c == '"')
            *c = '_';
}

static fs_file *file_create(fs_server *fs, uint32_t ns, const char *name, int *err)
{
    uint32_t i = 0;
    while (i < fs->n_files && fs->files[i].used)
        i++;
    if (i == fs->n_files) {
        fs_file *v = realloc(fs->files, (fs->n_files + 1) * sizeof *v);
        if (!v) {
            *err = -ENOMEM;
            return NULL;
        }
        fs->files = v;
        fs->n_files++;
    }
    fs_file *f = &fs->files[i];
    memset(f, 0, sizeof *f);
    char extra[CEL_FS_NAME_MAX];
    extra_of(name, extra, sizeof extra);
    int rc = cel_res_create(fs->ns[ns].space, extra, &f->res);
    rc = rc ? rc : cel_res_map(f->res, fs->super_res, CEL_PERM_R | CEL_PERM_W);
    rc = rc ? rc : cel_res_map(f->res, fs->label, CEL_PERM_R);
    for (uint32_t k = 0; !rc && k < MAX_SESS; k++)
        if (fs->sess[k] && fs->sess[k]->ns == ns)
            rc = cel_res_grant(f->res, fs->sess[k]->s->conn, CEL_PERM_R | CEL_PERM_W, NULL);
    if (rc) {
        if (f->res)
            cel_res_delete(f->res);
        *err = rc;
        return NULL;
    }
    f->used = true;
    f->ns = ns;
    snprintf(f->name, sizeof f->name, "%.*s", (int)sizeof f->name - 1, name);
    return f;
}

/* Give blocks [keep, nblk) back to the ramdisk. */
static void blocks_free(fs_server *fs, fs_file *f, uint32_t keep)
{
    while (f->nblk > keep) {
        uint32_t n = f->nblk - keep < CEL_RD_BATCH ? f->nblk - keep : CEL_RD_BATCH;
        memcpy(rd_list(fs), f->blk + f->nblk - n, n * sizeof *f->blk);
        rd_call(fs, CEL_RD_FREE, n);    /* a dead ramdisk took them already */
        f->nblk -= n;
    }
}

static void file_destroy(fs_server *fs, fs_file *f)
{
    blocks_free(fs, f, 0);
    cel_res_delete(f->res);
    free(f->blk);
    memset(f, 0, sizeof *f);
}

/* Make the file have at least `want` blocks (new ones read as zeros). */
static int blocks_ensure(fs_server *fs, fs_file *f, uint32_t want)
{
    if (want > f->cap) {
        uint32_t cap = f->cap ? f->cap : 16;
        while (cap < want)
            cap *= 2;
        uint32_t *v = realloc(f->blk, cap * sizeof *v);
        if (!v)
            return -ENOMEM;
        f->blk = v;
        f->cap = cap;
    }
    while (f->nblk < want) {
        uint32_t n = want - f->nblk < CEL_RD_BATCH ? want - f->nblk : CEL_RD_BATCH;
        int rc = rd_call(fs, CEL_RD_ALLOC, n);
        if (rc < 0)
            return rc;
        const uint64_t *badges = (const uint64_t *)(fs->rd.buf + CEL_RD_BADGES);
        for (uint32_t i = 0; i < n; i++) {
            f->blk[f->nblk++] = rd_list(fs)[i];
            if ((rc = cel_res_map(f->res, badges[i], CEL_PERM_R | CEL_PERM_W)))
                return rc;
        }
    }
    return 0;
}

/* Read file blocks [first, first + n) into the ramdisk buffer's data
 * slots (blocks past the allocated ones read as zeros). */
static int blocks_read(fs_server *fs, fs_file *f, uint32_t first, uint32_t n)
{
    uint32_t k = 0;
    for (uint32_t i = 0; i < n && first + i < f->nblk; i++)
        rd_list(fs)[k++] = f->blk[first + i];
    int rc = k ? rd_call(fs, CEL_RD_READ, k) : 0;
    if (rc < 0)
        return rc;
    memset(rd_data(fs, k), 0, (size_t)(n - k) * B);
    return 0;
}

static int file_pwrite(fs_server *fs, fs_file *f, const unsigned char *src, uint64_t off,
                       uint64_t len)
{
    if (len == 0)
        return 0;
    uint64_t end = off + len;
    int rc = blocks_ensure(fs, f, (uint32_t)((end + B - 1) / B));
    uint64_t pos = off;
    while (!rc && pos < end) {
        uint32_t first = (uint32_t)(pos / B);
        uint32_t last = (uint32_t)((end - 1) / B);
        uint32_t n = last - first + 1 < CEL_RD_BATCH ? last - first + 1 : CEL_RD_BATCH;
        uint64_t bend = ((uint64_t)first + n) * B < end ? ((uint64_t)first + n) * B : end;
        bool partial = pos % B || bend % B;
        if (partial)
            rc = blocks_read(fs, f, first, n);
        if (rc)
            break;
        for (uint32_t i = 0; i < n; i++)
            rd_list(fs)[i] = f->blk[first + i];
        memcpy(rd_data(fs, 0) + pos % B, src + (pos - off), bend - pos);
        int w = rd_call(fs, CEL_RD_WRITE, n);
        rc = w < 0 ? w : 0;
        pos = bend;
    }
    if (rc)
        return rc;
    if (end > f->size)
        f->size = end;
    return (int)len;
}

static int file_pread(fs_server *fs, fs_file *f, unsigned char *dst, uint64_t off, uint64_t len)
{
    if (off >= f->size)
        return 0;
    uint64_t end = off + len < f->size ? off + len : f->size;
    uint64_t pos = off;
    while (pos < end) {
        uint32_t first = (uint32_t)(pos / B);
        uint32_t n = (uint32_t)((end - 1) / B) - first + 1;
        if (n > CEL_RD_BATCH)
            n = CEL_RD_BATCH;
        uint64_t bend = ((uint64_t)first + n) * B < end ? ((uint64_t)first + n) * B : end;
        int rc = blocks_read(fs, f, first, n);
        if (rc)
            return rc;
        memcpy(dst + (pos - off), rd_data(fs, 0) + pos % B, bend - pos);
        pos = bend;
    }
    return (int)(end - off);
}

static int file_truncate(fs_server *fs, fs_file *f, uint64_t len)
{
    uint32_t keep = (uint32_t)((len + B - 1) / B);
    if (keep < f->nblk)
        blocks_free(fs, f, keep);
    if (len % B && len / B < f->nblk) {     /* zero the tail of the last block */
        static const unsigned char zeros[B];
        int rc = file_pwrite(fs, f, zeros, len, B - len % B);
        if (rc < 0)
            return rc;
    }
    f->size = len;
    return 0;
}

/* ---- sessions --------------------------------------------------------------------------- */

static fs_file *handle_file(fs_server *fs, fs_sess *ss, uint64_t h)
{
    if (h >= CEL_FS_MAX_FILES || !ss->h[h])
        return NULL;
    return &fs->files[ss->h[h] - 1];
}

static int op_open(fs_server *fs, fs_sess *ss, cel_rpc *m)
{
    int32_t h = 0;
    while (h < CEL_FS_MAX_FILES && ss->h[h])
        h++;
    if (h == CEL_FS_MAX_FILES)
        return -EMFILE;
    if (strlen(m->s) >= CEL_FS_NAME_MAX || !m->s[0])
        return -ENAMETOOLONG;
    fs_file *f = file_find(fs, ss->ns, m->s);
    int rc = 0;
    if (f && (m->a[0] & CEL_O_CREAT) && (m->a[0] & CEL_O_EXCL))
        return -EEXIST;
    if (!f && !(m->a[0] & CEL_O_CREAT))
        return -ENOENT;
    if (!f && !(f = file_create(fs, ss->ns, m->s, &rc)))
        return rc;
    if ((m->a[0] & CEL_O_TRUNC) && (rc = file_truncate(fs, f, 0)))
        return rc;
    f->opens++;
    ss->h[h] = (int32_t)(f - fs->files) + 1;
    m->a[1] = f->size;
    return h;
}

static void close_handle(fs_server *fs, fs_sess *ss, uint32_t h)
{
    fs_file *f = &fs->files[ss->h[h] - 1];
    ss->h[h] = 0;
    if (--f->opens == 0 && f->unlinked)
        file_destroy(fs, f);
}

static int op_unlink(fs_server *fs, fs_sess *ss, const char *name)
{
    fs_file *f = file_find(fs, ss->ns, name);
    if (!f)
        return -ENOENT;
    f->unlinked = true;
    if (f->opens == 0)
        file_destroy(fs, f);
    return 0;
}

static int op_handle(fs_server *fs, fs_sess *ss, cel_session *s, cel_rpc *m)
{
    fs_file *f = handle_file(fs, ss, m->a[0]);
    if (!f)
        return -EBADF;
    switch (m->op) {
    case CEL_FS_CLOSE:
        close_handle(fs, ss, (uint32_t)m->a[0]);
        return 0;
    case CEL_FS_PREAD:
        return m->a[2] > s->bytes ? -EINVAL : file_pread(fs, f, s->buf, m->a[1], m->a[2]);
    case CEL_FS_PWRITE:
        return m->a[2] > s->bytes || m->a[1] > (1ull << 40) ? -EINVAL
                                                             : file_pwrite(fs, f, s->buf, m->a[1], m->a[2]);
    case CEL_FS_FSYNC:
        return write_super(fs);
    case CEL_FS_FTRUNCATE:
        return m->a[1] > (1ull << 40) ? -EINVAL : file_truncate(fs, f, m->a[1]);
    default:    /* CEL_FS_FSTAT */
        m->a[0] = f->size;
        m->a[1] = f->nblk;
        return 0;
    }
}

static void fs_request(void *ctx, cel_session *s, cel_rpc *m)
{
    fs_server *fs = ctx;
    fs_sess *ss = s->user;
    int rc;
    switch (m->op) {
    case CEL_FS_OPEN:
        rc = op_open(fs, ss, m);
        break;
    case CEL_FS_UNLINK:
        rc = op_unlink(fs, ss, m->s);
        break;
    case CEL_FS_STAT: {
        fs_file *f = file_find(fs, ss->ns, m->s);
        rc = f ? 0 : -ENOENT;
        if (f) {
            m->a[0] = f->size;
            m->a[1] = f->nblk;
        }
        break;
    }
    case CEL_FS_CLOSE: case CEL_FS_PREAD: case CEL_FS_PWRITE: case CEL_FS_FSYNC:
    case CEL_FS_FTRUNCATE: case CEL_FS_FSTAT:
        rc = op_handle(fs, ss, s, m);
        break;
    default:
        rc = -ENOSYS;
    }
    m->status = rc;
}

/* Attach a new session to its namespace (made on first use). */
static int fs_open(void *ctx, cel_session *s)
{
    fs_server *fs = ctx;
    const char *name = s->text[0] ? s->text : "default";
    uint32_t ns = 0;
    while (ns < fs->n_ns && strcmp(fs->ns[ns].name, name))
        ns++;
    if (ns == fs->n_ns) {
        if (ns == MAX_NS)
            return -ENOSPC;
        int rc = cel_space_create("FILE", fs->super_res, &fs->ns[ns].space);
        if (rc)
            return rc;
        snprintf(fs->ns[ns].name, sizeof fs->ns[ns].name, "%s", name);
        fs->n_ns++;
    }
    uint32_t k = 0;
    while (k < MAX_SESS && fs->sess[k])
        k++;
    fs_sess *ss = k < MAX_SESS ? calloc(1, sizeof *ss) : NULL;
    if (!ss)
        return -ENOMEM;
    ss->s = s;
    ss->ns = ns;
    for (uint32_t i = 0; i < fs->n_files; i++) {
        fs_file *f = &fs->files[i];
        int rc = f->used && f->ns == ns ? cel_res_grant(f->res, s->conn, CEL_PERM_R | CEL_PERM_W, NULL) : 0;
        if (rc) {
            free(ss);
            return rc;
        }
    }
    fs->sess[k] = ss;
    s->user = ss;
    return 0;
}

static void fs_close(void *ctx, cel_session *s)
{
    fs_server *fs = ctx;
    fs_sess *ss = s->user;
    for (uint32_t h = 0; h < CEL_FS_MAX_FILES; h++)
        if (ss->h[h])
            close_handle(fs, ss, h);
    for (uint32_t k = 0; k < MAX_SESS; k++)
        if (fs->sess[k] == ss)
            fs->sess[k] = NULL;
    free(ss);
}

int cel_fs_main(int argc, char **argv)
{
    (void)argc, (void)argv;
    const cel_self *self = cel_self_info();
    if (self->n_pass < 2) {
        fprintf(stderr, "cel-fs: pass the ramdisk's door, then this server's door\n");
        return 2;
    }
    static fs_server fs;
    int rc = fs_boot(&fs, self->pass[0]);
    static const cel_server_ops ops = { CEL_FS_BUF_PAGES, fs_open, fs_request, fs_close };
    rc = rc ? rc : cel_serve(self->pass[1], &ops, &fs, NULL);
    if (rc)
        fprintf(stderr, "cel-fs: %s\n", strerror(-rc));
    return rc ? 1 : 0;
}
