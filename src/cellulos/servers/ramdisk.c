/*
 * The ramdisk server: a block device in memory (ramdisk.h).
 *
 * Memory comes from MOs of CHUNK blocks, allocated from the root task when
 * a block in their range is first handed out.  A block becomes a BLOCK
 * resource (reported to the root task) when a session allocates it, and is
 * deleted when freed; the label in block 0 records the owning session of
 * every block and is checked on every read and write, so a session can
 * only touch its own blocks.  Freed blocks are zeroed.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ramdisk.h"

#define CHUNK 64u                       /* blocks per MO */
#define MAX_BLOCKS 4096u                /* the label holds one byte per block */

typedef struct rd_chunk {
    cel_badge mo, vmr;
    unsigned char *mem;
    size_t bytes;
} rd_chunk;

typedef struct ramdisk {
    uint32_t blocks, free_blocks;
    rd_chunk chunk[MAX_BLOCKS / CHUNK];
    cel_badge space, label;
    cel_badge *badge;                   /* [blocks] the ramdisk's badge of each live BLOCK */
    uint32_t hint;                      /* where the next free-block search starts */
} ramdisk;

/* The label: owner session of each block (0 = free; block 0 = 0xff). */
static unsigned char *label(ramdisk *rd)
{
    return rd->chunk[0].mem;
}

static int chunk_ready(ramdisk *rd, uint32_t c)
{
    rd_chunk *k = &rd->chunk[c];
    if (k->mem)
        return 0;
    int rc = cel_mo_alloc(CHUNK, &k->mo);
    rc = rc ? rc : cel_mo_attach(k->mo, CEL_PERM_R | CEL_PERM_W, (void **)&k->mem, &k->bytes, &k->vmr);
    return rc;
}

static unsigned char *block_mem(ramdisk *rd, uint32_t b)
{
    return rd->chunk[b / CHUNK].mem + (size_t)(b % CHUNK) * CEL_RD_BLOCK;
}

/* Make block b a BLOCK resource mapped to its MO. */
static int block_create(ramdisk *rd, uint32_t b)
{
    char extra[16];
    snprintf(extra, sizeof extra, "%u", b);
    int rc = chunk_ready(rd, b / CHUNK);
    rc = rc ? rc : cel_res_create(rd->space, extra, &rd->badge[b]);
    rc = rc ? rc : cel_res_map(rd->badge[b], rd->chunk[b / CHUNK].mo, CEL_PERM_R | CEL_PERM_W);
    return rc;
}

static int rd_boot(ramdisk *rd, uint32_t blocks)
{
    rd->blocks = blocks;
    rd->free_blocks = blocks - 1;
    rd->hint = 1;
    rd->badge = calloc(blocks, sizeof *rd->badge);
    if (!rd->badge)
        return -ENOMEM;
    int rc = chunk_ready(rd, 0);
    rc = rc ? rc : cel_space_create("BLOCK", rd->chunk[0].mo, &rd->space);
    rc = rc ? rc : block_create(rd, 0);
    if (!rc) {
        rd->label = rd->badge[0];
        label(rd)[0] = 0xff;
    }
    return rc;
}

/* The block list of a request, checked against the label: every block
 * must be owned by session `sid`.  Returns n or -errno. */
static int checked_list(ramdisk *rd, cel_session *s, uint64_t n, const uint32_t **list)
{
    if (n > CEL_RD_BATCH)
        return -EINVAL;
    const uint32_t *v = (const uint32_t *)s->buf;
    for (uint64_t i = 0; i < n; i++)
        if (v[i] == 0 || v[i] >= rd->blocks || label(rd)[v[i]] != s->id)
            return -EPERM;
    *list = v;
    return (int)n;
}

static int rd_alloc(ramdisk *rd, cel_session *s, uint64_t n)
{
    if (n == 0 || n > CEL_RD_BATCH)
        return -EINVAL;
    if (n > rd->free_blocks)
        return -ENOSPC;
    uint32_t *out = (uint32_t *)s->buf;
    uint64_t *badges = (uint64_t *)(s->buf + CEL_RD_BADGES);
    for (uint64_t i = 0; i < n; i++) {
        uint32_t b = rd->hint;
        while (label(rd)[b])
            b = b + 1 < rd->blocks ? b + 1 : 1;
        int rc = block_create(rd, b);
        rc = rc ? rc : cel_res_grant(rd->badge[b], s->conn, CEL_PERM_R | CEL_PERM_W, &badges[i]);
        if (rc)
            return rc;
        label(rd)[b] = (unsigned char)s->id;
        rd->free_blocks--;
        rd->hint = b + 1 < rd->blocks ? b + 1 : 1;
        out[i] = b;
    }
    return (int)n;
}

static void block_free(ramdisk *rd, uint32_t b)
{
    cel_res_delete(rd->badge[b]);   /* unmaps whatever maps onto it, revokes it */
    rd->badge[b] = 0;
    memset(block_mem(rd, b), 0, CEL_RD_BLOCK);
    label(rd)[b] = 0;
    rd->free_blocks++;
}

static void rd_request(void *ctx, cel_session *s, cel_rpc *m)
{
    ramdisk *rd = ctx;
    const uint32_t *v = NULL;
    int n = 0;
    switch (m->op) {
    case CEL_RD_INFO:
        if (!s->user)   /* the label, read-only, once per session */
            n = cel_res_grant(rd->label, s->conn, CEL_PERM_R, (cel_badge *)&m->a[1]);
        s->user = rd;
        m->a[0] = rd->blocks;
        m->a[2] = rd->free_blocks;
        break;
    case CEL_RD_ALLOC:
        n = rd_alloc(rd, s, m->a[0]);
        break;
    case CEL_RD_FREE:
        if ((n = checked_list(rd, s, m->a[0], &v)) > 0)
            for (int i = 0; i < n; i++)
                block_free(rd, v[i]);
        break;
    case CEL_RD_READ:
    case CEL_RD_WRITE:
        if ((n = checked_list(rd, s, m->a[0], &v)) > 0)
            for (int i = 0; i < n; i++) {
                unsigned char *data = s->buf + CEL_RD_DATA + (size_t)i * CEL_RD_BLOCK;
                if (m->op == CEL_RD_READ)
                    memcpy(data, block_mem(rd, v[i]), CEL_RD_BLOCK);
                else
                    memcpy(block_mem(rd, v[i]), data, CEL_RD_BLOCK);
            }
        break;
    default:
        n = -ENOSYS;
    }
    m->status = n;
}

static int rd_open(void *ctx, cel_session *s)
{
    (void)ctx;
    return s->id < 0xff ? 0 : -EMFILE;  /* the label has one byte per owner */
}

/* A session ended: its blocks go back to the free pool. */
static void rd_close(void *ctx, cel_session *s)
{
    ramdisk *rd = ctx;
    for (uint32_t b = 1; b < rd->blocks; b++)
        if (label(rd)[b] == s->id)
            block_free(rd, b);
}

int cel_ramdisk_main(int argc, char **argv)
{
    const cel_self *self = cel_self_info();
    unsigned long blocks = argc > 1 ? strtoul(argv[1], NULL, 10) : MAX_BLOCKS;
    if (self->n_pass < 1 || blocks < 2 || blocks > MAX_BLOCKS) {
        fprintf(stderr, "cel-ramdisk: usage: cel-ramdisk [BLOCKS 2..%u], door EP passed first\n",
                MAX_BLOCKS);
        return 2;
    }
    static ramdisk rd;
    int rc = rd_boot(&rd, (uint32_t)blocks);
    static const cel_server_ops ops = { CEL_RD_BUF_PAGES, rd_open, rd_request, rd_close };
    rc = rc ? rc : cel_serve(self->pass[0], &ops, &rd, NULL);
    if (rc)
        fprintf(stderr, "cel-ramdisk: %s\n", strerror(-rc));
    return rc ? 1 : 0;
}
