/*
 * Text that exports can always carry (docs/format.md, "Text that is not
 * UTF-8").  Names come from dumps, /proc and SDFs as bytes; JSON, XML,
 * Neo4j and HTML need UTF-8.  Exports write each byte that is not part of a
 * valid UTF-8 sequence as the four visible characters \xNN (NN its value in
 * lower-case hex); a backslash that would otherwise read as such an escape
 * ("\x" and two hex digits) is itself written \x5c, so the scheme is
 * lossless: replacing every \xNN by byte NN gives the original bytes back.
 */
#ifndef OSM_TEXT_H
#define OSM_TEXT_H

#include <stddef.h>
#include <stdio.h>

/* Length (1..4) of the valid UTF-8 sequence starting at s[0..n), 0 when s
 * starts none (a stray continuation byte, an overlong form, a surrogate, a
 * code point over U+10FFFF, or a sequence cut short). */
size_t osm_utf8_seq(const unsigned char *s, size_t n);

/* Offset of the first byte of s[0..n) that is not valid UTF-8, or n. */
size_t osm_utf8_invalid_at(const char *s, size_t n);

/* One step over the NUL-terminated s: the number of bytes consumed, and
 * esc[] set to "\xNN" when they must be written as that escape (esc[0] is
 * 0 when the bytes may be copied as they are). */
size_t osm_text_step(const char *s, char esc[5]);

/* A malloc'd copy of s with the escapes of osm_text_step applied (a plain
 * copy when none is needed); NULL when out of memory. */
char *osm_text_dup(const char *s);

#endif
