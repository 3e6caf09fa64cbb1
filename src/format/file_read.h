/*
 * Reading input files without hanging or running out of memory (POSIX only;
 * docs/reliability.md, "Readers and exports").  Every reader of a file the
 * user names goes through here: it opens without blocking (a FIFO with no
 * writer would otherwise wait for ever), accepts regular files only and
 * reads at most a cap chosen per kind of file.  Reasons are returned as text
 * ("is a FIFO, not a regular file") for the caller to put after the path.
 */
#ifndef OSM_FILE_READ_H
#define OSM_FILE_READ_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/stat.h>

#define OSM_MIB ((size_t)1 << 20)

/* Why a file of mode m may not be read as a regular file ("is a FIFO, not a
 * regular file", "is a directory", ...); NULL when it is a regular file. */
const char *osm_file_type_refusal(mode_t m);

/* Open dirfd/path (AT_FDCWD for a plain path) read-only, non-blocking and
 * close-on-exec, without following a final symbolic link when nofollow.
 * Regular files only.  The fd (blocking again) with *sb filled, or -1 with
 * errno set and the reason in why[whysz]: a refusal sets EISDIR (a
 * directory), EINVAL (another non-regular file) or ELOOP (a link, with
 * nofollow); other values are the system's. */
int osm_file_open(int dirfd, const char *path, bool nofollow, struct stat *sb, char *why,
                  size_t whysz);

/* Read fd to its end into a malloc'd, NUL-terminated buffer (*len bytes
 * before the NUL), refusing more than cap bytes: the reason then names the
 * limit and `kind` ("larger than the 64 MiB limit for an SDF file").
 * Works for files that report size 0 (/proc) and for pipes.  The buffer, or
 * NULL with errno set (EFBIG over the cap) and why filled. */
char *osm_fd_read_all(int fd, size_t cap, const char *kind, size_t *len, char *why,
                      size_t whysz);

/* osm_file_open + osm_fd_read_all + close; "-" is standard input (a pipe
 * is what the user asked for there).  NULL with errno and why filled. */
char *osm_file_read(const char *path, size_t cap, const char *kind, size_t *len, char *why,
                    size_t whysz);

/* Describe cap for messages: "64 MiB", "512 KiB" or "100 bytes" (buf >= 32). */
const char *osm_file_cap_text(size_t cap, char *buf, size_t sz);

#endif
