/*
 * The ramdisk server's request protocol (cel-ramdisk).
 *
 * BLOCK resources of 4 KiB, carved from MOs the ramdisk holds: the BLOCK
 * space MAPs to the MO space and every BLOCK MAPs to the MO it lives in.
 * Block 0 is the ramdisk's label: the table of which session owns which
 * block, consulted on every access; every session gets it read-only.
 *
 * Session buffer layout for RD_ALLOC/FREE/READ/WRITE: block numbers
 * (uint32_t) from offset 0, data of block i at CEL_RD_DATA + i * 4096;
 * RD_ALLOC also returns the client's badge of block i at CEL_RD_BADGES
 * + 8 * i.
 */
#ifndef CEL_RAMDISK_H
#define CEL_RAMDISK_H

#include "../lib/server.h"

#define CEL_RD_BLOCK 4096u
#define CEL_RD_BATCH 64u                /* blocks per request */
#define CEL_RD_BADGES 512u              /* offset of badges in the buffer */
#define CEL_RD_DATA 4096u               /* offset of block data in the buffer */
#define CEL_RD_BUF_PAGES (1 + CEL_RD_BATCH)

enum {
    CEL_RD_INFO = CEL_RPC_USER,     /* -> a0 = blocks, a1 = label badge (R), a2 = free blocks */
    CEL_RD_ALLOC,                   /* a0 = n -> n blocks, numbers + badges in the buffer */
    CEL_RD_FREE,                    /* a0 = n blocks listed in the buffer */
    CEL_RD_READ,                    /* a0 = n blocks listed -> their data */
    CEL_RD_WRITE,                   /* a0 = n blocks listed, with data */
};

int cel_ramdisk_main(int argc, char **argv);

#endif
