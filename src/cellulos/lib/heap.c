/*
 * libcellulos' malloc: the PD's heap is served from MOs it gets from the
 * root task (MO_ALLOC_MAP with CEL_MAP_HEAP), so every byte of it is in the
 * model, held by the PD that owns the address space.  brk and anonymous mmap
 * are denied by the PD's filter; this file is why a PD still has malloc.
 *
 * Why no library: glibc's malloc takes memory from brk/anonymous mmap only
 * (its __morecore hook is gone since 2.34); jemalloc, tcmalloc and mimalloc
 * (Debian packages) bootstrap their own metadata with anonymous mmap before
 * any hook can be installed, and read /proc or /etc at startup (open is
 * denied).  What is needed is small: this allocator is ~250 lines.
 *
 * Design (thread-safe with one mutex; the root task's round trip happens
 * under it only when a new region is needed):
 *  - small blocks: power-of-two classes of 32 B .. 128 KiB (16-byte header
 *    included), carved from regions of 256 KiB doubling up to 4 MiB, kept
 *    on a free list per class once freed (regions are kept for the PD's
 *    life: its heap only grows, like a brk heap);
 *  - large blocks (over 128 KiB): one MO each, of exactly the pages asked,
 *    given back to the root task on free();
 *  - before HELLO (the libseccomp filter is built in the constructor, before
 *    the PD may ask for anything) blocks come from a bootstrap arena in the
 *    program's .bss; cel_heap_stats_get() says how much.  From HELLO on,
 *    every new block comes from an MO: the rest of the arena is abandoned
 *    and its blocks are not reused once freed.
 * Alignment 16 (max_align_t); memalign and friends up to a page for small
 * blocks, anything for large ones.
 */
#include <errno.h>
#include <malloc.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

#define HDR 16u
#define MIN_SHIFT 5
#define MAX_SHIFT 17
#define N_CLASS (MAX_SHIFT - MIN_SHIFT + 1)
#define SMALL_MAX ((1u << MAX_SHIFT) - HDR)
#define BLK_MAGIC 0xce11b10cu
#define REGION_MIN (256u * 1024)
#define REGION_MAX (4u * 1024 * 1024)
#define BOOT_BYTES (256u * 1024)
#define PAGE 4096u

/* Header in front of every small block's user pointer. */
typedef struct blk_hdr {
    uint32_t magic;
    uint32_t cls;
    uint64_t back;      /* user pointer - block start */
} blk_hdr;

typedef struct free_blk { struct free_blk *next; } free_blk;

/* One large block: its own MO mapped at base. */
typedef struct large_blk {
    struct large_blk *next;
    char *base, *user;
    size_t bytes;
    cel_badge mo, vmr;
} large_blk;

static pthread_mutex_t heap_lock = PTHREAD_MUTEX_INITIALIZER;
static free_blk *free_list[N_CLASS];
static char *bump, *bump_end;
static unsigned n_regions;
static large_blk *larges;
static cel_heap_stats stats;
static char boot_arena[BOOT_BYTES] __attribute__((aligned(PAGE)));
static bool boot_taken;

/* Smallest class whose blocks hold `need` bytes (header included). */
static unsigned class_of(size_t need)
{
    unsigned c = 0;
    while (((size_t)1 << (c + MIN_SHIFT)) < need)
        c++;
    return c;
}

/* A fresh region to carve from: the bootstrap arena before HELLO, then
 * MOs.  Locked.  0 or -errno. */
static int new_region(size_t need)
{
    if (!cel_lib_connected) {
        if (boot_taken)
            return -ENOMEM;     /* the arena is spent */
        boot_taken = true;
        bump = boot_arena;
        bump_end = boot_arena + BOOT_BYTES;
        return 0;
    }
    size_t bytes = REGION_MIN << (n_regions < 4 ? n_regions : 4);
    while (bytes < need)
        bytes *= 2;
    void *p;
    cel_badge mo, vmr;
    int rc = cel_lib_map(bytes / PAGE, CEL_PERM_R | CEL_PERM_W, CEL_MAP_HEAP, &p, &mo, &vmr);
    if (rc)
        return rc;
    n_regions++;
    stats.mo_bytes += bytes;
    stats.mos++;
    bump = p;
    bump_end = bump + bytes;
    return 0;
}

/* A block of class c; locked.  NULL when no memory. */
static void *block_get(unsigned c)
{
    if (cel_lib_connected && bump >= boot_arena && bump <= boot_arena + BOOT_BYTES)
        bump = bump_end = NULL;     /* from HELLO on, only MOs */
    free_blk *f = free_list[c];
    if (f) {
        free_list[c] = f->next;
        return f;
    }
    size_t size = (size_t)1 << (c + MIN_SHIFT);
    if ((size_t)(bump_end - bump) < size && new_region(size))
        return NULL;
    void *b = bump;
    bump += size;
    if (!cel_lib_connected)
        stats.boot_bytes += size;
    return b;
}

/* Small allocation of n bytes aligned to `align` (16 .. PAGE). */
static void *small_alloc(size_t n, size_t align)
{
    size_t need = n + HDR + (align > HDR ? align : 0);
    pthread_mutex_lock(&heap_lock);
    unsigned c = class_of(need);
    char *b = block_get(c);
    pthread_mutex_unlock(&heap_lock);
    if (!b)
        return NULL;
    uintptr_t user = ((uintptr_t)b + HDR + align - 1) & ~(uintptr_t)(align - 1);
    blk_hdr *h = (blk_hdr *)(user - HDR);
    *h = (blk_hdr){ BLK_MAGIC, c, user - (uintptr_t)b };
    return (void *)user;
}

/* Large allocation: an MO of its own; the user pointer is aligned. */
static void *large_alloc(size_t n, size_t align)
{
    size_t extra = align > PAGE ? align : 0;
    if (n > (size_t)CEL_MO_MAX_PAGES * PAGE - extra)
        return NULL;
    size_t bytes = (n + extra + PAGE - 1) / PAGE * PAGE;
    large_blk *l = small_alloc(sizeof *l, HDR);
    void *p;
    if (!l || cel_lib_map(bytes / PAGE, CEL_PERM_R | CEL_PERM_W, CEL_MAP_HEAP, &p, &l->mo,
                          &l->vmr)) {
        free(l);
        return NULL;
    }
    l->base = p;
    l->bytes = bytes;
    l->user = (char *)(((uintptr_t)p + (extra ? align - 1 : 0)) & ~(uintptr_t)(extra ? align - 1 : 0));
    pthread_mutex_lock(&heap_lock);
    l->next = larges;
    larges = l;
    stats.mo_bytes += bytes;
    stats.mos++;
    pthread_mutex_unlock(&heap_lock);
    return l->user;
}

static void *heap_alloc(size_t n, size_t align)
{
    bool small = align <= PAGE && n <= SMALL_MAX - align;
    void *p = small ? small_alloc(n, align) : large_alloc(n, align);
    if (!p)
        errno = ENOMEM;
    return p;
}

/* Unlink and return the large block whose user pointer is p; locked. */
static large_blk *large_take(void *p)
{
    for (large_blk **l = &larges; *l; l = &(*l)->next) {
        if ((*l)->user == p) {
            large_blk *found = *l;
            *l = found->next;
            stats.mo_bytes -= found->bytes;
            stats.mos--;
            return found;
        }
    }
    return NULL;
}

/* The large block of p without unlinking it; locked. */
static large_blk *large_find(void *p)
{
    for (large_blk *l = larges; l; l = l->next)
        if (l->user == p)
            return l;
    return NULL;
}

static blk_hdr *hdr_of(void *p)
{
    blk_hdr *h = (blk_hdr *)((char *)p - HDR);
    if (h->magic != BLK_MAGIC || h->cls >= N_CLASS)
        abort();    /* not ours: a bad free() */
    return h;
}

void free(void *p)
{
    if (!p)
        return;
    large_blk *l = NULL;
    pthread_mutex_lock(&heap_lock);
    if (((uintptr_t)p & (PAGE - 1)) == 0)
        l = large_take(p);
    if (!l) {
        blk_hdr *h = hdr_of(p);
        free_blk *b = (free_blk *)((char *)p - h->back);
        h->magic = 0;   /* a second free() of p aborts */
        if ((char *)b < boot_arena || (char *)b >= boot_arena + BOOT_BYTES) {
            b->next = free_list[h->cls];    /* bootstrap blocks are not reused */
            free_list[h->cls] = b;
        }
    }
    pthread_mutex_unlock(&heap_lock);
    if (l) {
        cel_lib_unmap(l->mo, l->vmr, l->base, l->bytes, CEL_MAP_HEAP);
        free(l);
    }
}

size_t malloc_usable_size(void *p)
{
    if (!p)
        return 0;
    pthread_mutex_lock(&heap_lock);
    large_blk *l = ((uintptr_t)p & (PAGE - 1)) == 0 ? large_find(p) : NULL;
    size_t n = l ? l->bytes - (size_t)(l->user - l->base) : 0;
    pthread_mutex_unlock(&heap_lock);
    if (l)
        return n;
    blk_hdr *h = hdr_of(p);
    return ((size_t)1 << (h->cls + MIN_SHIFT)) - h->back;
}

void *malloc(size_t n)
{
    return heap_alloc(n, HDR);
}

void *calloc(size_t n, size_t size)
{
    size_t total;
    if (__builtin_mul_overflow(n, size, &total)) {
        errno = ENOMEM;
        return NULL;
    }
    void *p = heap_alloc(total, HDR);
    if (p)
        memset(p, 0, total);
    return p;
}

void *realloc(void *p, size_t n)
{
    if (!p)
        return malloc(n);
    if (n == 0) {
        free(p);
        return NULL;
    }
    size_t have = malloc_usable_size(p);
    if (n <= have)
        return p;
    void *q = malloc(n);
    if (q) {
        memcpy(q, p, have);
        free(p);
    }
    return q;
}

void *memalign(size_t align, size_t n)
{
    if (align == 0 || (align & (align - 1))) {
        errno = EINVAL;
        return NULL;
    }
    return heap_alloc(n, align < HDR ? HDR : align);
}

void *aligned_alloc(size_t align, size_t n)
{
    return memalign(align, n);
}

int posix_memalign(void **out, size_t align, size_t n)
{
    if (align < sizeof(void *) || (align & (align - 1)))
        return EINVAL;
    void *p = memalign(align, n);
    if (!p)
        return ENOMEM;
    *out = p;
    return 0;
}

void *valloc(size_t n)
{
    return memalign(PAGE, n);
}

void *pvalloc(size_t n)
{
    return memalign(PAGE, (n + PAGE - 1) / PAGE * PAGE);
}

void cel_heap_stats_get(cel_heap_stats *st)
{
    pthread_mutex_lock(&heap_lock);
    *st = stats;
    pthread_mutex_unlock(&heap_lock);
}
