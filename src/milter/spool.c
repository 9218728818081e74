/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *   spool.c - one message, collected in bounded memory, wiped afterwards.
 *
 * SUMMARY
 *   pg_milter_spool_new, _append, _error, _size, _on_disk, _map, _free,
 *   _sweep (see milter.h).
 *
 * DESCRIPTION
 *   A message arrives in pieces (one header at a time, body chunks of up
 *   to 64 KiB) on a libmilter thread. The spool keeps the pieces in one
 *   heap buffer until `threshold` bytes; the next append moves everything
 *   to a file made with mkostemp() in the spool directory (mode 0600) and
 *   unlinked at once, so no other process can open it and a crash leaves
 *   no name behind. At end of message pg_milter_spool_map() gives the
 *   whole message as one buffer: the heap buffer, or an mmap of the file.
 *
 *   Invariants: size <= max; after the first error every append is a
 *   no-op and the error stays (sticky), so a message is never silently
 *   truncated: the caller sees the error at end of message and refuses.
 *   The file's bytes are overwritten with zeros before it is closed, and
 *   the heap buffer is wiped before it is freed: this is customer PII.
 *
 * BUGS
 *   Overwriting a file does not reach blocks a copy-on-write or
 *   journalling file system keeps elsewhere; put the state directory on
 *   an encrypted volume when that matters.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "milter/milter.h"

/* The spool file's name while it exists (for a moment): sweepable. */
#define SPOOL_PREFIX "pgmsg."

struct pg_milter_spool {
    char *dir;
    size_t threshold, max;
    char *mem;          /* heap copy while size <= threshold */
    size_t cap;
    size_t size;
    int fd;             /* -1 while in memory */
    void *map;          /* mmap of fd after _map, else NULL */
    bool mapped;        /* _map was called: no more appends */
    int error;          /* sticky: first failure */
};

/* pg_milter_spool_new - an empty spool that will spill into dir */
int pg_milter_spool_new(pg_milter_spool **out, const char *dir,
                        size_t threshold, size_t max)
{
    pg_milter_spool *s = calloc(1, sizeof(*s));

    if (!s || !(s->dir = strdup(dir))) {
        free(s);
        return PG_ENOMEM;
    }
    s->threshold = threshold;
    s->max = max;
    s->fd = -1;
    *out = s;
    return 0;
}

/* fail - record the first error and return it (sticky) */
static int fail(pg_milter_spool *s, int err)
{
    if (!s->error)
        s->error = err;
    return s->error;
}

/* write_all - write every byte at the file's current end */
static int write_all(int fd, const char *buf, size_t len)
{
    while (len > 0) {
        ssize_t n = write(fd, buf, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return pg_error_set(PG_EIO, "spool write: %s", strerror(errno));
        buf += n;
        len -= (size_t)n;
    }
    return 0;
}

/* spill - move the heap copy into a fresh unlinked file */
static int spill(pg_milter_spool *s)
{
    char path[4200];
    int fd;

    snprintf(path, sizeof(path), "%s/" SPOOL_PREFIX "XXXXXX", s->dir);
    if ((fd = mkostemp(path, O_CLOEXEC)) < 0)
        return pg_error_set(PG_EIO, "spool in %s: %s", s->dir, strerror(errno));
    unlink(path);
    s->fd = fd;
    if (!s->mem)
        return 0;   /* spilled before anything was kept in memory */
    if (write_all(fd, s->mem, s->size) < 0)
        return PG_EIO;
    explicit_bzero(s->mem, s->size);
    free(s->mem);
    s->mem = NULL;
    s->cap = 0;
    return 0;
}

/* grow - make room in the heap copy for need bytes, wiping the old one */
static int grow(pg_milter_spool *s, size_t need)
{
    size_t cap = s->cap ? s->cap : 16384;
    char *nb;

    while (cap < need)
        cap *= 2;
    if (cap > s->threshold)
        cap = s->threshold;
    if (!(nb = malloc(cap)))
        return PG_ENOMEM;
    if (s->mem) {
        memcpy(nb, s->mem, s->size);
        explicit_bzero(s->mem, s->size);
        free(s->mem);
    }
    s->mem = nb;
    s->cap = cap;
    return 0;
}

/* pg_milter_spool_append - add bytes in memory or in the file */
int pg_milter_spool_append(pg_milter_spool *s, const void *buf, size_t len)
{
    if (s->error)
        return s->error;
    if (s->mapped)
        return fail(s, pg_error_set(PG_ESTATE, "spool: append after map"));
    if (len > s->max - s->size)
        return fail(s, pg_error_set(PG_ETOOBIG, "message larger than %zu bytes",
                                    s->max));
    if (s->fd < 0 && s->size + len > s->threshold && spill(s) < 0)
        return fail(s, PG_EIO);
    if (s->fd >= 0) {
        if (write_all(s->fd, buf, len) < 0)
            return fail(s, PG_EIO);
    } else {
        if (s->size + len > s->cap && grow(s, s->size + len) < 0)
            return fail(s, PG_ENOMEM);
        memcpy(s->mem + s->size, buf, len);
    }
    s->size += len;
    return 0;
}

/* pg_milter_spool_error - the sticky error */
int pg_milter_spool_error(const pg_milter_spool *s)
{
    return s->error;
}

/* pg_milter_spool_size - bytes collected */
size_t pg_milter_spool_size(const pg_milter_spool *s)
{
    return s->size;
}

/* pg_milter_spool_on_disk - has the message spilled to a file? */
bool pg_milter_spool_on_disk(const pg_milter_spool *s)
{
    return s->fd >= 0;
}

/* pg_milter_spool_map - the message as one buffer (heap or mmap) */
int pg_milter_spool_map(const char **out, size_t *len, pg_milter_spool *s)
{
    if (s->error)
        return s->error;
    *len = s->size;
    s->mapped = true;
    if (s->fd < 0) {
        *out = s->mem ? s->mem : "";
        return 0;
    }
    if (!s->map) {
        void *m = mmap(NULL, s->size, PROT_READ, MAP_PRIVATE, s->fd, 0);
        if (m == MAP_FAILED)
            return fail(s, pg_error_set(PG_EIO, "spool mmap: %s", strerror(errno)));
        s->map = m;
    }
    *out = s->map;
    return 0;
}

/* wipe_file - overwrite the file's bytes with zeros before closing it */
static void wipe_file(int fd, size_t size)
{
    static const char zeros[65536];
    size_t off = 0;

    while (off < size) {
        size_t n = size - off < sizeof(zeros) ? size - off : sizeof(zeros);
        ssize_t w = pwrite(fd, zeros, n, (off_t)off);
        if (w <= 0)
            break;
        off += (size_t)w;
    }
    (void)fdatasync(fd);
    (void)ftruncate(fd, 0);
}

/* pg_milter_spool_free - wipe and release everything */
void pg_milter_spool_free(pg_milter_spool *s)
{
    if (!s)
        return;
    if (s->map)
        munmap(s->map, s->size);
    if (s->fd >= 0) {
        wipe_file(s->fd, s->size);
        close(s->fd);
    }
    if (s->mem) {
        explicit_bzero(s->mem, s->cap);
        free(s->mem);
    }
    free(s->dir);
    free(s);
}

/* pg_milter_spool_sweep - unlink spool files a crash left between
 * mkostemp() and unlink() (a window of one system call) */
int pg_milter_spool_sweep(const char *dir)
{
    DIR *d = opendir(dir);
    struct dirent *e;

    if (!d)
        return pg_error_set(PG_EIO, "spool %s: %s", dir, strerror(errno));
    while ((e = readdir(d)) != NULL)
        if (strncmp(e->d_name, SPOOL_PREFIX, strlen(SPOOL_PREFIX)) == 0)
            (void)unlinkat(dirfd(d), e->d_name, 0);
    closedir(d);
    return 0;
}
