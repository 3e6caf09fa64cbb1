/*
 * The BPF record decoder (src/extract/linux/procparse_bpfrec.c): records
 * laid out as bpf/lx_iter.bpf.c writes them become the maps lines and fd
 * links /proc shows (path components joined root first, " (deleted)",
 * '\n' escaped as maps does, the kernel's own names, truncation like
 * readlink), and a broken stream is skipped, never overrun.  The CLI test
 * tests/cli/test_linux_bpf.sh compares the whole path against /proc on
 * live processes; this one pins the format.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "extract/linux/bpfrec.h"

/* A record stream under construction. */
typedef struct stream {
    uint64_t w[4096];
    size_t len;
} stream;

/* Append a VMA record with the given path bytes; returns it. */
static struct lx_rec_vma *add_vma(stream *s, uint8_t kind, uint8_t flags, const void *path,
                                  size_t n)
{
    char *b = (char *)s->w + s->len;
    struct lx_rec_vma *r = (void *)b;
    memset(r, 0, sizeof *r);
    r->h.type = LX_REC_VMA;
    r->h.tgid = 42;
    r->start = 0x1000;
    r->end = 0x3000;
    r->pgoff = 0x2000;
    r->flags = 0x1 | 0x4 | 0x80;            /* r-x, may share */
    r->ino = 77;
    r->dev = (254u << 20) | 3;
    r->name_kind = kind;
    r->path_flags = flags;
    r->path_len = (uint16_t)n;
    memcpy(b + sizeof *r, path, n);
    r->h.len = (uint16_t)((sizeof *r + n + 7) & ~(size_t)7);
    s->len += r->h.len;
    return r;
}

/* Append an fd record whose link is `link`. */
static void add_fd(stream *s, int fd, const char *link)
{
    char *b = (char *)s->w + s->len;
    struct lx_rec_fd *r = (void *)b;
    size_t n = strlen(link);
    memset(r, 0, sizeof *r);
    r->h.type = LX_REC_FD;
    r->h.tgid = 42;
    r->fd = (uint32_t)fd;
    r->path_len = (uint32_t)n;
    memcpy(b + sizeof *r, link, n);
    r->h.len = (uint16_t)((sizeof *r + n + 7) & ~(size_t)7);
    s->len += r->h.len;
}

typedef struct seen {
    osm_lx_rec r[16];
    size_t n;
} seen;

static int keep(const osm_lx_rec *r, void *arg)
{
    seen *v = arg;
    v->r[v->n++] = *r;
    return 0;
}

/* The maps path of the single VMA record in s. */
static int vma_path(stream *s, osm_lx_vma *v)
{
    seen k = { .n = 0 };
    assert_int_equal(osm_lx_rec_walk(s->w, s->len, keep, &k), 0);
    assert_int_equal(k.n, 1);
    return osm_lx_rec_vma(&k.r[0], v);
}

static void test_vma_path_components(void **state)
{
    (void)state;
    stream s = { .len = 0 };
    /* leaf first: libc.so.6, lib, usr */
    add_vma(&s, LX_VNAME_PATH, 0, "\x09libc.so.6\x03lib\x03usr", 18);
    osm_lx_vma v;
    assert_int_equal(vma_path(&s, &v), 0);
    assert_string_equal(v.path, "/usr/lib/libc.so.6");
    assert_true(v.r && !v.w && v.x && v.shared);
    assert_int_equal(v.start, 0x1000);
    assert_int_equal(v.offset, 0x2000);
    assert_int_equal(v.dev_major, 254);
    assert_int_equal(v.dev_minor, 3);
    assert_int_equal(v.inode, 77);
    assert_string_equal(osm_lx_vma_kind(&v), "CODE");
}

static void test_vma_deleted_and_newline(void **state)
{
    (void)state;
    stream s = { .len = 0 };
    add_vma(&s, LX_VNAME_PATH, LX_VPATH_DELETED, "\x03""a\nb\x03tmp", 8);
    osm_lx_vma v;
    assert_int_equal(vma_path(&s, &v), 0);
    /* maps escapes the newline (seq_file_path), and says (deleted) */
    assert_string_equal(v.path, "/tmp/a\\012b (deleted)");
    /* a memfd: one component, simple_dname's form */
    s.len = 0;
    add_vma(&s, LX_VNAME_PATH, LX_VPATH_DELETED, "\x0cmemfd:x y:z1", 13);
    assert_int_equal(vma_path(&s, &v), 0);
    assert_string_equal(v.path, "/memfd:x y:z1 (deleted)");
    assert_string_equal(osm_lx_vma_kind(&v), "MEMFD");
    /* no component: the root itself */
    s.len = 0;
    add_vma(&s, LX_VNAME_PATH, 0, "", 0);
    assert_int_equal(vma_path(&s, &v), 0);
    assert_string_equal(v.path, "/");
}

static void test_vma_names(void **state)
{
    (void)state;
    static const struct { uint8_t kind; const char *name, *want; } cases[] = {
        { LX_VNAME_NONE, "", "" },
        { LX_VNAME_HEAP, "", "[heap]" },
        { LX_VNAME_STACK, "", "[stack]" },
        { LX_VNAME_SPECIAL, "[vdso]", "[vdso]" },
        { LX_VNAME_ANON, "buf", "[anon:buf]" },
        { LX_VNAME_ANON_SHMEM, "shm", "[anon_shmem:shm]" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        stream s = { .len = 0 };
        add_vma(&s, cases[i].kind, 0, cases[i].name, strlen(cases[i].name));
        osm_lx_vma v;
        assert_int_equal(vma_path(&s, &v), 0);
        assert_string_equal(v.path, cases[i].want);
    }
}

static void test_vma_incomplete_and_long(void **state)
{
    (void)state;
    stream s = { .len = 0 };
    osm_lx_vma v;
    /* the BPF side could not reproduce d_path: user space reads maps */
    add_vma(&s, LX_VNAME_PATH, LX_VPATH_INCOMPLETE, "\x01x", 2);
    assert_int_equal(vma_path(&s, &v), -1);
    /* a component claiming more bytes than the record has */
    s.len = 0;
    add_vma(&s, LX_VNAME_PATH, 0, "\x09short", 6);
    assert_int_equal(vma_path(&s, &v), -1);
    /* an unknown name kind */
    s.len = 0;
    add_vma(&s, 99, 0, "", 0);
    assert_int_equal(vma_path(&s, &v), -1);
    /* a path longer than maps' field: cut at OSM_LX_PATH_MAX - 1 like the parser */
    char comps[4 * 101];
    for (int i = 0; i < 4; i++) {
        comps[i * 101] = 100;
        memset(comps + i * 101 + 1, 'a' + i, 100);
    }
    s.len = 0;
    add_vma(&s, LX_VNAME_PATH, 0, comps, sizeof comps);
    assert_int_equal(vma_path(&s, &v), 0);
    assert_int_equal(strlen(v.path), OSM_LX_PATH_MAX - 1);
    assert_int_equal(v.path[0], '/');
    assert_int_equal(v.path[1], 'd');           /* root first: the last component */
}

static void test_fd_links(void **state)
{
    (void)state;
    stream s = { .len = 0 };
    add_fd(&s, 3, "socket:[123]");
    add_fd(&s, 4, "/etc/hostname");
    seen k = { .n = 0 };
    assert_int_equal(osm_lx_rec_walk(s.w, s.len, keep, &k), 0);
    assert_int_equal(k.n, 2);
    char link[OSM_LX_PATH_MAX];
    osm_lx_rec_fd_link(&k.r[0], link, sizeof link);
    assert_string_equal(link, "socket:[123]");
    assert_int_equal(k.r[1].fd->fd, 4);
    osm_lx_rec_fd_link(&k.r[1], link, 5);       /* truncated like readlink */
    assert_string_equal(link, "/etc");
}

static void test_broken_streams(void **state)
{
    (void)state;
    stream s = { .len = 0 };
    seen k = { .n = 0 };
    add_fd(&s, 3, "pipe:[1]");
    struct lx_rec_vma *r = add_vma(&s, LX_VNAME_NONE, 0, "", 0);
    add_fd(&s, 5, "pipe:[2]");
    r->h.type = 9;                              /* unknown type: skipped */
    assert_int_equal(osm_lx_rec_walk(s.w, s.len, keep, &k), 1);
    assert_int_equal(k.n, 2);
    r->h.type = LX_REC_VMA;
    r->path_len = 4000;                         /* path beyond the record: skipped */
    k.n = 0;
    assert_int_equal(osm_lx_rec_walk(s.w, s.len, keep, &k), 1);
    assert_int_equal(k.n, 2);
    r->h.len = 12;                              /* untrustworthy length: the walk ends */
    k.n = 0;
    assert_int_equal(osm_lx_rec_walk(s.w, s.len, keep, &k), 1);
    assert_int_equal(k.n, 1);
    k.n = 0;                                    /* a stream cut inside a header */
    assert_int_equal(osm_lx_rec_walk(s.w, 4, keep, &k), 1);
    assert_int_equal(k.n, 0);
    assert_int_equal(osm_lx_rec_walk(s.w, 0, keep, &k), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_vma_path_components),
        cmocka_unit_test(test_vma_deleted_and_newline),
        cmocka_unit_test(test_vma_names),
        cmocka_unit_test(test_vma_incomplete_and_long),
        cmocka_unit_test(test_fd_links),
        cmocka_unit_test(test_broken_streams),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
