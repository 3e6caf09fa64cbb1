/*
 * The frame around a guest state on its way out of the VM (vm.h).  A serial
 * line loses no bytes on its own, but a guest that crashes, a QEMU that is
 * killed or a file cut by hand does; the byte count, the CRC-32 (zlib) and
 * the end marker make each of those a clear error instead of a partial join.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "vm.h"

uint32_t osm_vm_crc32(const char *p, size_t n)
{
    uLong c = crc32(0L, Z_NULL, 0);
    while (n) {                     /* zlib takes uInt lengths */
        uInt k = n > (1u << 30) ? (1u << 30) : (uInt)n;
        c = crc32(c, (const Bytef *)p, k);
        p += k;
        n -= k;
    }
    return (uint32_t)c;
}

int osm_vm_frame_write(FILE *f, const char *p, size_t n)
{
    if (fprintf(f, "\n" OSM_VM_BEGIN " v1 bytes=%zu crc32=%08" PRIx32 "\n", n,
                osm_vm_crc32(p, n)) < 0 ||
        fwrite(p, 1, n, f) != n || fputs("\n" OSM_VM_END "\n", f) < 0 || fflush(f) != 0)
        return -1;
    return 0;
}

/* The first occurrence of marker at the start of a line, or NULL. */
static const char *line_marker(const char *buf, size_t len, const char *marker)
{
    size_t ml = strlen(marker);
    const char *p = buf, *end = buf + len;
    while ((p = memmem(p, (size_t)(end - p), marker, ml)) != NULL) {
        if (p == buf || p[-1] == '\n' || p[-1] == '\r')
            return p;
        p += ml;
    }
    return NULL;
}

/* Parse "v1 bytes=N crc32=HEX" (the rest of the header line); 0 or -1. */
static int parse_header(const char *s, size_t len, size_t *n, uint32_t *crc)
{
    char line[128];
    if (len >= sizeof line)
        return -1;
    memcpy(line, s, len);
    line[len] = 0;
    if (len && line[len - 1] == '\r')
        line[len - 1] = 0;
    unsigned long long bytes;
    unsigned int c;
    int used = 0;
    if (sscanf(line, " v1 bytes=%llu crc32=%8x%n", &bytes, &c, &used) != 2 || line[used] ||
        bytes > SIZE_MAX / 2)
        return -1;
    *n = (size_t)bytes;
    *crc = c;
    return 0;
}

osm_vm_frame_status osm_vm_frame_find(const char *buf, size_t len, const char **payload,
                                      size_t *n, char *why, size_t whysz)
{
    const char *failed = line_marker(buf, len, OSM_VM_FAILED);
    if (failed) {
        const char *eol = memchr(failed, '\n', (size_t)(buf + len - failed));
        int l = (int)((eol ? eol : buf + len) - failed);
        snprintf(why, whysz, "the guest reported a failure: %.*s", l > 200 ? 200 : l, failed);
        return OSM_VM_FRAME_BAD;
    }
    const char *b = line_marker(buf, len, OSM_VM_BEGIN);
    if (!b) {
        snprintf(why, whysz, "no guest state (no " OSM_VM_BEGIN " marker): the guest did not "
                             "ship one, or this is not a guest capture");
        return OSM_VM_FRAME_INCOMPLETE;
    }
    const char *h = b + strlen(OSM_VM_BEGIN), *end = buf + len;
    const char *eol = memchr(h, '\n', (size_t)(end - h));
    if (!eol) {
        snprintf(why, whysz, "truncated inside the " OSM_VM_BEGIN " header line");
        return OSM_VM_FRAME_INCOMPLETE;
    }
    size_t want;
    uint32_t crc;
    if (parse_header(h, (size_t)(eol - h), &want, &crc) < 0) {
        snprintf(why, whysz, "garbled " OSM_VM_BEGIN " header line (want 'v1 bytes=N crc32=HEX')");
        return OSM_VM_FRAME_BAD;
    }
    const char *p = eol + 1;
    size_t have = (size_t)(end - p);
    if (have < want) {
        snprintf(why, whysz, "truncated: the header announces %zu bytes, only %zu follow", want,
                 have);
        return OSM_VM_FRAME_INCOMPLETE;
    }
    static const char trailer[] = "\n" OSM_VM_END "\n";
    size_t tl = sizeof trailer - 1, rest = have - want;
    if (memcmp(p + want, trailer, rest < tl ? rest : tl) != 0) {
        snprintf(why, whysz, "garbled: no " OSM_VM_END " marker right after the %zu announced "
                             "bytes (bytes were added or lost)", want);
        return OSM_VM_FRAME_BAD;
    }
    if (rest < tl) {
        snprintf(why, whysz, "truncated before the " OSM_VM_END " marker");
        return OSM_VM_FRAME_INCOMPLETE;
    }
    uint32_t got = osm_vm_crc32(p, want);
    if (got != crc) {
        snprintf(why, whysz, "garbled: CRC-32 of the %zu bytes is %08" PRIx32
                             ", the header announces %08" PRIx32, want, got, crc);
        return OSM_VM_FRAME_BAD;
    }
    if (line_marker(p + want + tl, (size_t)(end - (p + want + tl)), OSM_VM_BEGIN)) {
        snprintf(why, whysz, "more than one guest state in the capture");
        return OSM_VM_FRAME_BAD;
    }
    *payload = p;
    *n = want;
    return OSM_VM_FRAME_OK;
}
