/* Scanning helpers private to the /proc parsers (procparse_NAME.c). */
#ifndef OSM_LINUX_PROCPARSE_UTIL_H
#define OSM_LINUX_PROCPARSE_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Each scanner reads from *p (bounded by end), advances *p past what it
 * used and returns false (leaving *p) when nothing valid is there. */
bool lx_scan_hex(const char **p, const char *end, uint64_t *out);
bool lx_scan_base(const char **p, const char *end, unsigned base, uint64_t *out); /* base <= 10 */
void lx_skip_spaces(const char **p, const char *end);
bool lx_expect(const char **p, const char *end, char c);
/* The next space-delimited word (may be empty at the end). */
const char *lx_word(const char **p, const char *end, size_t *n);
/* Copy n bytes as a NUL-terminated string, truncating to dstsz. */
size_t lx_copy_field(char *dst, size_t dstsz, const char *src, size_t n);
/* When line starts with key ("Uid:"), point *val past it and its blanks. */
bool lx_key(const char *line, size_t ll, const char *key, const char **val, const char **end);

#endif
