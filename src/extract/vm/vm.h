/*
 * Virtual machines as protection domains (docs/vm.md, MODEL.md §7): the
 * guest's model state, extracted inside the guest by the unchanged Linux
 * extractor, shipped out through a serial port in a checksummed frame, and
 * joined to the host's model of the QEMU process that runs the guest.
 */
#ifndef OSM_VM_H
#define OSM_VM_H

#include <stdio.h>
#include <sys/types.h>

#include <osmosis/osmosis.h>
#include "../linux/linux.h"

/* ---- framing (vm_frame.c) -------------------------------------------------
 * The guest writes
 *     OSMOSIS-VM-STATE-BEGIN v1 bytes=N crc32=XXXXXXXX\n
 *     <N bytes of CellulOS CSV>
 *     \nOSMOSIS-VM-STATE-END\n
 * (or OSMOSIS-VM-STATE-FAILED <reason>\n when its extraction failed), so the
 * host can tell a complete state from a truncated, garbled or missing one. */
#define OSM_VM_BEGIN "OSMOSIS-VM-STATE-BEGIN"
#define OSM_VM_END "OSMOSIS-VM-STATE-END"
#define OSM_VM_FAILED "OSMOSIS-VM-STATE-FAILED"

/* Write payload p[0..n) framed to f; 0 or -1 (errno). */
int osm_vm_frame_write(FILE *f, const char *p, size_t n);

typedef enum osm_vm_frame_status {
    OSM_VM_FRAME_OK = 0,
    OSM_VM_FRAME_INCOMPLETE,    /* no end yet: still being written, or truncated */
    OSM_VM_FRAME_BAD,           /* missing, garbled, failed in the guest */
} osm_vm_frame_status;

/* Find and verify the frame in buf[0..len).  OK: *payload and *n point into buf.
 * Otherwise a one-line reason is written to why. */
osm_vm_frame_status osm_vm_frame_find(const char *buf, size_t len, const char **payload,
                                      size_t *n, char *why, size_t whysz);

/* CRC-32 (zlib's, the one `gzip` and PNG use) of p[0..n). */
uint32_t osm_vm_crc32(const char *p, size_t n);

/* ---- the join (vm_join.c) -------------------------------------------------- */

typedef struct osm_vm_join_opts {
    int qemu_pid;
    const char *ram_path;       /* file backing guest RAM; NULL: QEMU's memfd backend */
    const char *prefix;         /* prefix of every guest ID ("G_") */
} osm_vm_join_opts;

typedef struct osm_vm_join_report {
    uint64_t ram_start, ram_len;    /* the host mapping backing guest RAM */
    char ram_vmr[64];               /* its VMR ID */
    size_t guest_nodes, guest_edges;
    size_t guest_mos;               /* guest frame runs (MOs) joined */
    uint64_t guest_pages;           /* pages in them */
    uint64_t pages_unbacked;        /* guest pages with no present host frame */
    size_t host_mo_maps;            /* guest-RAM slice -> host MO edges */
    osm_lx_report host;             /* what the host extraction could not see */
} osm_vm_join_report;

/* Extract the QEMU process (Linux extractor, /proc) into `out` (empty) and
 * join the guest state `guest` to it (docs/vm.md).  0; or -1 with a
 * one-line reason in why and `out` to be discarded (no partial join). */
int osm_vm_join(const osm_vm_join_opts *o, const osm_store *guest, osm_store *out,
                osm_vm_join_report *rep, char *why, size_t whysz);

/* The same join onto a host side already in `out` (the CellulOS root
 * task's own store): the VMM PD, its ADS and the VMR backing guest RAM are
 * the caller's; every guest-RAM slice MAPs to backing_mo, the one MO behind
 * that VMR.  GPA = offset in the backing. */
typedef struct osm_vm_host {
    osm_id vmm, ads;            /* the VMM PD and its address space */
    osm_id backing_mo;          /* the MO behind guest RAM */
    const char *ram_vmr;        /* ID of the VMR mapping it */
    uint64_t ram_start, ram_len;    /* that VMR's host-virtual range */
    uint8_t ram_perms;          /* its perms (OSM_PERM_R/W), the VMM's hold on slices */
    const char *tag;            /* slices are GRAM_<tag>_<hva> */
    const char *prefix;         /* of guest IDs ("G_") */
} osm_vm_host;

/* The nodes a join added (slices, guest nodes), to take it out again. */
typedef struct osm_vm_joined {
    osm_id *nodes;
    size_t n;
} osm_vm_joined;

/* Join `guest` to the host side h in out.  0 with *joined filled (free its
 * nodes); or -1 with why, and out as it was before (no partial join). */
int osm_vm_join_into(const osm_vm_host *h, const osm_store *guest, osm_store *out,
                     osm_vm_joined *joined, osm_vm_join_report *rep, char *why, size_t whysz);
/* Remove the nodes of a join (and every edge touching them). */
void osm_vm_unjoin(osm_store *out, const osm_id *nodes, size_t n);

/* Verify a guest capture (unless unframed) and load its CSV strictly: any
 * line that is not a usable row is an error.  The guest store, or NULL with
 * a one-line reason in why (and the CSV's diagnostics in d). */
osm_store *osm_vm_guest_load(const char *buf, size_t len, bool unframed, const char *name,
                             osm_diags *d, char *why, size_t whysz);

/* ---- initramfs (vm_cpio.c) ------------------------------------------------ */

/* An uncompressed newc cpio archive written to f, one entry at a time. */
typedef struct osm_cpio {
    FILE *f;
    uint64_t off;
    unsigned ino;
    int err;
} osm_cpio;

void osm_cpio_begin(osm_cpio *c, FILE *f);
/* A directory (mode 0755). */
void osm_cpio_dir(osm_cpio *c, const char *name);
/* A regular file with the given bytes. */
void osm_cpio_data(osm_cpio *c, const char *name, unsigned mode, const void *p, size_t n);
/* A host file copied in; -1 (errno) when it cannot be read. */
int osm_cpio_file(osm_cpio *c, const char *name, unsigned mode, const char *host_path);
/* The trailer; 0, or -1 when any write failed. */
int osm_cpio_end(osm_cpio *c);

#endif
