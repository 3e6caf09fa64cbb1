/*
 * The /proc parsers (src/extract/linux/procparse*.c) on this very process's
 * /proc files, checked against what the process knows by other means:
 * mappings it made, its ids from getpid/getuid, a file it opened, stat(2)
 * of that file, its own pages.  Plus the documented handling of garbled
 * lines.  The fuzz targets cover robustness; these cover meaning.
 */
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>
#include <cmocka.h>

#include "extract/linux/procparse.h"

/* The whole of a /proc file (they report size 0, so read to EOF). */
static char *slurp(const char *path, size_t *len)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    assert_true(fd >= 0);
    size_t cap = 1 << 16, n = 0;
    char *buf = malloc(cap);
    ssize_t k;
    while (buf && (k = read(fd, buf + n, cap - n)) > 0)
        if ((n += (size_t)k) == cap)
            buf = realloc(buf, cap *= 2);
    close(fd);
    assert_non_null(buf);
    *len = n;
    return buf;
}

/* ---- maps ----------------------------------------------------------------- */

typedef struct vma_find {
    uint64_t addr;
    osm_lx_vma v;
    bool found;
} vma_find;

static int find_vma(const osm_lx_vma *v, void *arg)
{
    vma_find *f = arg;
    if (v->start <= f->addr && f->addr < v->end) {
        f->v = *v;
        f->found = true;
        return 1;
    }
    return 0;
}

static osm_lx_vma vma_at(const void *p)
{
    size_t len;
    char *maps = slurp("/proc/self/maps", &len);
    vma_find f = { .addr = (uint64_t)(uintptr_t)p };
    assert_int_equal(osm_lx_parse_maps(maps, len, find_vma, &f), 0);
    free(maps);
    assert_true(f.found);
    return f.v;
}

static void test_maps_of_own_mappings(void **state)
{
    (void)state;
    long page = sysconf(_SC_PAGESIZE);
    char *ro = mmap(NULL, 3 * (size_t)page, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    assert_true(ro != MAP_FAILED);
    osm_lx_vma v = vma_at(ro + page);
    assert_int_equal(v.start, (uint64_t)(uintptr_t)ro);
    assert_int_equal(v.end - v.start, 3 * (uint64_t)page);
    assert_true(v.r && !v.w && !v.x && !v.shared);
    assert_string_equal(v.path, "");
    assert_string_equal(osm_lx_vma_kind(&v), "ANON");

    int fd = memfd_create("procparse-test", MFD_CLOEXEC);
    assert_true(fd >= 0 && ftruncate(fd, page) == 0);
    char *sh = mmap(NULL, (size_t)page, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    assert_true(sh != MAP_FAILED);
    struct stat st;
    assert_int_equal(fstat(fd, &st), 0);
    v = vma_at(sh);
    assert_true(v.r && v.w && v.shared);
    assert_non_null(strstr(v.path, "memfd:procparse-test"));
    assert_int_equal(v.inode, st.st_ino);
    assert_string_equal(osm_lx_vma_kind(&v), "MEMFD");

    /* this function's code: executable, backed by the test binary */
    v = vma_at((const void *)(uintptr_t)test_maps_of_own_mappings);
    assert_true(v.r && v.x && !v.w);
    assert_int_equal(stat("/proc/self/exe", &st), 0);
    assert_int_equal(v.inode, st.st_ino);
    assert_int_equal(makedev(v.dev_major, v.dev_minor), st.st_dev);
    char exe[OSM_LX_PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    assert_true(n > 0);
    exe[n] = '\0';
    assert_string_equal(v.path, exe);
    assert_string_equal(osm_lx_vma_kind(&v), "CODE");

    munmap(ro, 3 * (size_t)page);
    munmap(sh, (size_t)page);
    close(fd);
}

static void test_maps_garbled_lines_counted(void **state)
{
    (void)state;
    const char buf[] = "00400000-00452000 r-xp 00000000 08:02 173521 /usr/bin/dbus\n"
                       "not a mapping at all\n"
                       "7fff-zz rw-p 0 0:0 0\n"
                       "7ffd3000-7ffd4000 rw-p 00000000 00:00 0 [stack]\n";
    vma_find f = { .addr = 0x7ffd3800 };
    assert_int_equal(osm_lx_parse_maps(buf, sizeof buf - 1, find_vma, &f), 2);
    assert_true(f.found);
    assert_string_equal(f.v.path, "[stack]");
    assert_string_equal(osm_lx_vma_kind(&f.v), "STACK");
}

/* ---- status ----------------------------------------------------------------- */

static void test_status_of_self(void **state)
{
    (void)state;
    assert_int_equal(prctl(PR_SET_NAME, "pp-test"), 0);
    size_t len;
    char *buf = slurp("/proc/self/status", &len);
    osm_lx_status st;
    assert_int_equal(osm_lx_parse_status(buf, len, &st), 0);
    free(buf);
    assert_string_equal(st.name, "pp-test");
    assert_int_equal(st.pid, getpid());
    assert_int_equal(st.tgid, getpid());
    assert_int_equal(st.ppid, getppid());
    assert_true(st.have_uid && st.have_caps);
    assert_int_equal(st.uid[0], getuid());
    assert_int_equal(st.uid[1], geteuid());
    assert_int_equal(st.gid[0], getgid());
    assert_int_equal(st.threads, 1);
    assert_int_equal(st.seccomp, 0);
    assert_int_equal(st.no_new_privs, prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0));
    assert_true(st.nspid_depth >= 1);
    if (st.kthread != -1)
        assert_int_equal(st.kthread, 0);
    /* effective capabilities are within the permitted ones */
    assert_int_equal(st.cap_eff & ~st.cap_prm, 0);
}

static void test_status_without_pid_is_refused(void **state)
{
    (void)state;
    const char buf[] = "Name:\tx\nUid:\t1\t1\t1\t1\n";
    osm_lx_status st;
    assert_int_equal(osm_lx_parse_status(buf, sizeof buf - 1, &st), -1);
}

/* ---- fdinfo, mountinfo -------------------------------------------------------- */

static osm_lx_fdinfo fdinfo_of(int fd)
{
    char path[64];
    snprintf(path, sizeof path, "/proc/self/fdinfo/%d", fd);
    size_t len;
    char *buf = slurp(path, &len);
    osm_lx_fdinfo fi;
    assert_int_equal(osm_lx_parse_fdinfo(buf, len, &fi), 0);
    free(buf);
    return fi;
}

typedef struct mnt_find {
    int mnt_id;
    osm_lx_mount m;
    bool found, root_seen;
} mnt_find;

static int find_mount(const osm_lx_mount *m, void *arg)
{
    mnt_find *f = arg;
    f->root_seen |= !strcmp(m->mountpoint, "/");
    if (m->mnt_id == f->mnt_id) {
        f->m = *m;
        f->found = true;
    }
    return 0;
}

static void test_fdinfo_and_its_mount(void **state)
{
    (void)state;
    char path[] = "/tmp/procparse-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    unlink(path);
    int afd = open("/proc/self/fd/", O_RDONLY | O_DIRECTORY);  /* a second, read-only fd */
    assert_true(afd >= 0);
    assert_int_equal(write(fd, "0123456789", 10), 10);
    assert_int_equal(lseek(fd, 4, SEEK_SET), 4);
    struct stat st;
    assert_int_equal(fstat(fd, &st), 0);

    osm_lx_fdinfo fi = fdinfo_of(fd);
    assert_true(fi.have_flags);
    assert_int_equal(fi.pos, 4);
    assert_int_equal(fi.flags & O_ACCMODE, O_RDWR);
    assert_true(fi.mnt_id > 0);
    if (fi.have_ino)                    /* Linux >= 5.14 */
        assert_int_equal(fi.ino, st.st_ino);
    fi = fdinfo_of(afd);
    assert_int_equal(fi.flags & O_ACCMODE, O_RDONLY);
    assert_true(fi.flags & O_DIRECTORY);

    int efd = eventfd(0, EFD_CLOEXEC);
    assert_true(efd >= 0);
    osm_lx_fdinfo e1 = fdinfo_of(efd), e2 = fdinfo_of(efd);
    if (e1.have_eventfd_id)            /* same object, same id */
        assert_int_equal(e1.eventfd_id, e2.eventfd_id);

    /* the mount fdinfo names holds the file's device */
    fi = fdinfo_of(fd);
    size_t len;
    char *buf = slurp("/proc/self/mountinfo", &len);
    mnt_find f = { .mnt_id = fi.mnt_id };
    assert_int_equal(osm_lx_parse_mountinfo(buf, len, find_mount, &f), 0);
    free(buf);
    assert_true(f.root_seen);
    assert_true(f.found);
    assert_int_equal(makedev(f.m.major, f.m.minor), st.st_dev);
    assert_true(f.m.fstype[0] != '\0');
    close(efd);
    close(afd);
    close(fd);
}

/* ---- cgroup, limits, iomem ------------------------------------------------------ */

static int count_cgroup(const osm_lx_cgroup *c, void *arg)
{
    assert_int_equal(c->path[0], '/');
    ++*(int *)arg;
    return 0;
}

static void test_cgroup_and_limits(void **state)
{
    (void)state;
    size_t len;
    char *buf = slurp("/proc/self/cgroup", &len);
    int n = 0;
    assert_int_equal(osm_lx_parse_cgroup(buf, len, count_cgroup, &n), 0);
    free(buf);
    assert_true(n >= 1);

    char out[64];
    assert_int_equal(osm_lx_parse_limit("max\n", 4, out, sizeof out), 3);
    assert_string_equal(out, "max");
    osm_lx_parse_limit("100000 100000\nsecond line\n", 26, out, sizeof out);
    assert_string_equal(out, "100000 100000");
    osm_lx_parse_limit("a;b=c\x01  \n", 10, out, sizeof out);
    assert_string_equal(out, "a_b_c?");
}

static void test_iomem_ram_ranges(void **state)
{
    (void)state;
    const char buf[] = "00000000-00000fff : Reserved\n"
                       "00001000-0009ffff : System RAM\n"
                       "00100000-bffdffff : System RAM\n"
                       "  01000000-01ffffff : Kernel code\n"
                       "fee00000-fee00fff : Local APIC\n";
    osm_lx_range r[4];
    size_t total;
    assert_int_equal(osm_lx_parse_iomem_ram(buf, sizeof buf - 1, r, 4, &total), 2);
    assert_int_equal(total, 2);
    assert_int_equal(r[0].start, 0x1000);
    assert_int_equal(r[1].end, 0xbffdffff);
    assert_int_equal(osm_lx_parse_iomem_ram(buf, sizeof buf - 1, r, 1, &total), 1);
    assert_int_equal(total, 2);
}

/* ---- pagemap -------------------------------------------------------------------- */

static void test_pagemap_of_touched_pages(void **state)
{
    (void)state;
    enum { PAGES = 64 };
    long page = sysconf(_SC_PAGESIZE);
    char *p = mmap(NULL, PAGES * (size_t)page, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
    assert_true(p != MAP_FAILED);
    for (int i = 0; i < PAGES; i += 2)       /* touch every other page: distinct frames */
        p[(size_t)i * (size_t)page] = (char)i;
    int fd = open("/proc/self/pagemap", O_RDONLY | O_CLOEXEC);
    assert_true(fd >= 0);
    uint64_t pm[PAGES];
    off_t off = (off_t)((uintptr_t)p / (uintptr_t)page * sizeof(uint64_t));
    assert_int_equal(pread(fd, pm, sizeof pm, off), (ssize_t)sizeof pm);
    close(fd);

    osm_lx_run runs[PAGES];
    size_t consumed;
    uint64_t hidden = 0;
    size_t n = osm_lx_decode_pagemap(pm, PAGES, true, runs, PAGES, &consumed, &hidden);
    assert_int_equal(consumed, PAGES);
    assert_int_equal(n + hidden, PAGES);     /* MAP_POPULATE: every page present */
    for (size_t i = 0; i < n; i++) {
        assert_int_equal(runs[i].n, 1);      /* per page */
        assert_int_equal(runs[i].pfn, pm[runs[i].page] & OSM_LX_PM_PFN_MASK);
    }
    /* in runs: the pages add up, and a run never crosses a frame gap */
    hidden = 0;
    n = osm_lx_decode_pagemap(pm, PAGES, false, runs, PAGES, &consumed, &hidden);
    uint64_t pages = 0;
    for (size_t i = 0; i < n; i++) {
        pages += runs[i].n;
        for (uint64_t k = 1; k < runs[i].n; k++)
            assert_int_equal(pm[runs[i].page + k] & OSM_LX_PM_PFN_MASK, runs[i].pfn + k);
    }
    assert_int_equal(pages + hidden, PAGES);
    /* a full output array stops early and says where */
    if (n > 1) {
        size_t m = osm_lx_decode_pagemap(pm, PAGES, false, runs, 1, &consumed, &hidden);
        assert_int_equal(m, 1);
        assert_true(consumed < PAGES);
    }
    munmap(p, PAGES * (size_t)page);
}

/* A private writable file mapping, read then written on page 1: the kernel
 * reports page 1 as a private anonymous copy (bit 61 clear) and the others
 * as page cache; the decoder keeps that apart in `file` and never joins the
 * two kinds in one run.  Needs PFNs (root); without them nothing decodes. */
static void test_pagemap_file_pages(void **state)
{
    (void)state;
    enum { PAGES = 8 };
    long page = sysconf(_SC_PAGESIZE);
    char path[] = "/tmp/osm_pagemap_XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    unlink(path);
    char buf[4096] = { 1 };
    for (int i = 0; i < PAGES; i++)
        assert_int_equal(write(fd, buf, (size_t)page), page);
    char *p = mmap(NULL, PAGES * (size_t)page, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
    assert_true(p != MAP_FAILED);
    close(fd);
    volatile char sum = 0;
    for (int i = 0; i < PAGES; i++)
        sum = (char)(sum + p[(size_t)i * (size_t)page]);
    p[page] = 2;                                /* copy-on-write */
    int pm = open("/proc/self/pagemap", O_RDONLY | O_CLOEXEC);
    assert_true(pm >= 0);
    uint64_t e[PAGES];
    off_t off = (off_t)((uintptr_t)p / (uintptr_t)page * sizeof(uint64_t));
    assert_int_equal(pread(pm, e, sizeof e, off), (ssize_t)sizeof e);
    close(pm);
    for (int i = 0; i < PAGES; i++)             /* the kernel's own view */
        assert_int_equal((e[i] & OSM_LX_PM_FILE) != 0, i != 1);
    osm_lx_run runs[PAGES];
    size_t consumed;
    uint64_t hidden = 0;
    size_t n = osm_lx_decode_pagemap(e, PAGES, false, runs, PAGES, &consumed, &hidden);
    for (size_t i = 0; i < n; i++)
        for (uint64_t k = 0; k < runs[i].n; k++)
            assert_int_equal(runs[i].file, runs[i].page + k != 1);
    munmap(p, PAGES * (size_t)page);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_maps_of_own_mappings),
        cmocka_unit_test(test_maps_garbled_lines_counted),
        cmocka_unit_test(test_status_of_self),
        cmocka_unit_test(test_status_without_pid_is_refused),
        cmocka_unit_test(test_fdinfo_and_its_mount),
        cmocka_unit_test(test_cgroup_and_limits),
        cmocka_unit_test(test_iomem_ram_ranges),
        cmocka_unit_test(test_pagemap_of_touched_pages),
        cmocka_unit_test(test_pagemap_file_pages),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
