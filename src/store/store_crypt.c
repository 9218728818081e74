/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *   store_crypt.c - the quarantine file: a message and its envelope as one
 *   XChaCha20-Poly1305 secretstream.
 *
 * DESCRIPTION
 *   STATE_DIR/quarantine/<id>, mode 0600:
 *
 *     "PGQ1"                      4 bytes, the format
 *     header                      24 bytes, secretstream header
 *     record*                     u32 BE ciphertext length, then ciphertext
 *
 *   Record 0 is the envelope ("PGENV1", then the sender and each recipient
 *   as NUL-terminated strings); records 1.. are the message in pieces of at
 *   most PG_STORE_CHUNK bytes; the last record carries TAG_FINAL (an empty
 *   message still has one, empty, final record). Every record is
 *   authenticated with the item id as additional data, so a file renamed
 *   to another id fails, and nothing may follow the final record, so a cut
 *   or extended file fails too.
 *
 *   A file is written to quarantine/.tmp-<id>, fsync'd and renamed into
 *   place; on any failure the temporary file is removed, so a reader never
 *   sees half a message and a full disk leaves nothing behind. A writer
 *   that dies between the two (kill -9, power loss) leaves its .tmp-
 *   file: ciphertext, never plain text, which the hourly expiry sweeps
 *   away once it is an hour old (no write takes that long).
 *
 *   The envelope is a tiny NUL-separated format rather than JSON so that
 *   no library keeps unwiped copies of the addresses; plaintext buffers
 *   are wiped before they are freed.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

#include "store/store_int.h"

#define MAGIC "PGQ1"
#define MAGIC_LEN 4
#define ENV_MAGIC "PGENV1"
#define ENV_MAGIC_LEN 7 /* with its NUL */
#define HEADER_BYTES crypto_secretstream_xchacha20poly1305_HEADERBYTES
#define ABYTES crypto_secretstream_xchacha20poly1305_ABYTES
#define TAG_MESSAGE crypto_secretstream_xchacha20poly1305_TAG_MESSAGE
#define TAG_FINAL crypto_secretstream_xchacha20poly1305_TAG_FINAL
#define AD_LEN (PG_STORE_ID_SIZE - 1)

typedef crypto_secretstream_xchacha20poly1305_state stream_state;

/* One open quarantine file and its stream, for either direction. */
typedef struct qfile {
    int fd;
    const char *path;
    const char *id;   /* additional data of every record */
    stream_state ss;
    uint8_t *cbuf;    /* one ciphertext record */
    uint8_t *mbuf;    /* one plaintext record, wiped before free */
    size_t cap;       /* plaintext capacity of both */
} qfile;

/* io_error - a write or read failure, with what to do about the common ones */
static int io_error(const qfile *f, const char *doing)
{
    const char *hint = errno == ENOSPC || errno == EFBIG || errno == EDQUOT
                           ? "; free disk space or raise the file size limit" : "";

    return pg_error_set(PG_EIO, "cannot %s quarantine file %s: %s%s", doing, f->path,
                        strerror(errno), hint);
}

/* xwrite - all of n bytes */
static int xwrite(const qfile *f, const void *p, size_t n)
{
    return pg_store__write_all(f->fd, p, n) < 0 ? io_error(f, "write") : 0;
}

/* xread - exactly n bytes; 1 at a clean end of file before any byte */
static int xread(const qfile *f, void *p, size_t n)
{
    uint8_t *b = p;
    size_t got = 0;

    while (got < n) {
        ssize_t r = read(f->fd, b + got, n - got);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0)
            return io_error(f, "read");
        if (r == 0)
            return got == 0 ? 1 : pg_error_set(PG_EPARSE, "quarantine file %s is "
                                               "truncated", f->path);
        got += (size_t)r;
    }
    return 0;
}

/* qfile_buffers - room for records of up to cap plaintext bytes */
static int qfile_buffers(qfile *f, size_t cap)
{
    f->cap = cap;
    f->cbuf = malloc(cap + ABYTES);
    f->mbuf = malloc(cap ? cap : 1);
    return f->cbuf && f->mbuf ? 0 : PG_ENOMEM;
}

/* qfile_release - close, wipe and free what a qfile holds */
static void qfile_release(qfile *f)
{
    if (f->fd >= 0)
        close(f->fd);
    if (f->mbuf)
        sodium_memzero(f->mbuf, f->cap ? f->cap : 1);
    free(f->mbuf);
    free(f->cbuf);
    sodium_memzero(&f->ss, sizeof(f->ss));
}

/* push - encrypt and write one record */
static int push(qfile *f, const uint8_t *m, size_t mlen, uint8_t tag)
{
    uint8_t len[4];
    size_t clen = mlen + ABYTES;

    for (int i = 0; i < 4; i++)
        len[i] = (uint8_t)(clen >> (24 - 8 * i));
    crypto_secretstream_xchacha20poly1305_push(&f->ss, f->cbuf, NULL, m, mlen,
                                               (const uint8_t *)f->id, AD_LEN, tag);
    int err = xwrite(f, len, sizeof(len));
    return err < 0 ? err : xwrite(f, f->cbuf, clen);
}

/* envelope_encode - "PGENV1\0" sender\0 rcpt\0 ... into f->mbuf */
static int envelope_encode(qfile *f, const pg_store_envelope *env, size_t *len)
{
    size_t n = ENV_MAGIC_LEN;

    memcpy(f->mbuf, ENV_MAGIC, ENV_MAGIC_LEN);
    for (size_t i = 0; i <= env->n_recipients; i++) {
        const char *s = i == 0 ? (env->sender ? env->sender : "") : env->recipients[i - 1];
        size_t sl = strlen(s) + 1;
        if (sl > f->cap - n)
            return pg_error_set(PG_ETOOBIG, "the envelope is larger than %u bytes",
                                PG_STORE_ENVELOPE_MAX);
        memcpy(f->mbuf + n, s, sl);
        n += sl;
    }
    *len = n;
    return 0;
}

/* write_stream - header, envelope record, message records */
static int write_stream(qfile *f, const uint8_t key[32], const pg_store_envelope *env,
                        const char *raw, size_t len)
{
    uint8_t header[HEADER_BYTES];
    size_t elen = 0, off = 0;
    int err;

    crypto_secretstream_xchacha20poly1305_init_push(&f->ss, header, key);
    if ((err = xwrite(f, MAGIC, MAGIC_LEN)) < 0 || (err = xwrite(f, header, sizeof(header))) < 0 ||
        (err = envelope_encode(f, env, &elen)) < 0 ||
        (err = push(f, f->mbuf, elen, TAG_MESSAGE)) < 0)
        return err;
    do {
        size_t n = len - off < PG_STORE_CHUNK ? len - off : PG_STORE_CHUNK;
        uint8_t tag = off + n == len ? TAG_FINAL : TAG_MESSAGE;
        if ((err = push(f, (const uint8_t *)raw + off, n, tag)) < 0)
            return err;
        off += n;
    } while (off < len);
    return 0;
}

/* sync_dir - make a rename in dir durable */
static void sync_dir(const char *dir)
{
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

    if (fd >= 0) {
        fsync(fd);
        close(fd);
    }
}

/* pg_store__crypt_write - encrypt to a temporary file, then rename it in place */
int pg_store__crypt_write(const char *qdir, const char *id, const uint8_t key[32],
                          const pg_store_envelope *env, const char *raw, size_t len)
{
    char tmp[PG_STORE_PATH_MAX], path[PG_STORE_PATH_MAX], name[PG_STORE_ID_SIZE + 8];
    qfile f = {.fd = -1, .path = tmp, .id = id};
    int err;

    snprintf(name, sizeof(name), ".tmp-%s", id);
    if ((err = pg_store__join_path(tmp, sizeof(tmp), qdir, name)) < 0 ||
        (err = pg_store__join_path(path, sizeof(path), qdir, id)) < 0 ||
        (err = qfile_buffers(&f, PG_STORE_ENVELOPE_MAX)) < 0)
        goto out;
    f.fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (f.fd < 0) {
        err = io_error(&f, "create");
        goto out;
    }
    if ((err = write_stream(&f, key, env, raw, len)) < 0)
        goto out;
    if (fsync(f.fd) < 0) {
        err = io_error(&f, "write");
        goto out;
    }
    err = close(f.fd);
    f.fd = -1;
    if (err < 0) {
        err = io_error(&f, "write");
        goto out;
    }
    if (rename(tmp, path) < 0)
        err = io_error(&f, "rename");
    else
        sync_dir(qdir);
out:
    if (err < 0)
        unlink(tmp);
    qfile_release(&f);
    return err;
}

/* pull - read and decrypt one record of at most `cap` plaintext bytes */
static int pull(qfile *f, size_t cap, size_t *mlen, uint8_t *tag)
{
    uint8_t len[4];
    unsigned long long ml = 0;
    size_t clen;
    int err;

    if ((err = xread(f, len, sizeof(len))) != 0)
        return err > 0 ? pg_error_set(PG_EPARSE, "quarantine file %s is truncated",
                                      f->path) : err;
    clen = (size_t)len[0] << 24 | (size_t)len[1] << 16 | (size_t)len[2] << 8 | len[3];
    if (clen < ABYTES || clen - ABYTES > cap)
        return pg_error_set(PG_EPARSE, "quarantine file %s has a record of impossible "
                            "length", f->path);
    if ((err = xread(f, f->cbuf, clen)) != 0)
        return err > 0 ? pg_error_set(PG_EPARSE, "quarantine file %s is truncated",
                                      f->path) : err;
    if (crypto_secretstream_xchacha20poly1305_pull(&f->ss, f->mbuf, &ml, tag, f->cbuf, clen,
                                                   (const uint8_t *)f->id, AD_LEN) != 0)
        return pg_error_set(PG_EPARSE, "quarantine file %s fails authentication: the "
                            "key is wrong or the file was changed", f->path);
    *mlen = (size_t)ml;
    return 0;
}

/* envelope_decode - split record 0 and hand it to the reader */
static int envelope_decode(qfile *f, size_t len, const pg_store_reader *rd, void *payload)
{
    const char *p = (const char *)f->mbuf + ENV_MAGIC_LEN, *end = (const char *)f->mbuf + len;
    pg_store_envelope env = {0};
    const char **rcpts;
    size_t n = 0;
    int err;

    if (len < ENV_MAGIC_LEN + 1 || memcmp(f->mbuf, ENV_MAGIC, ENV_MAGIC_LEN) != 0 ||
        end[-1] != '\0')
        return pg_error_set(PG_EPARSE, "quarantine file %s has no envelope", f->path);
    for (const char *q = p; q < end; q++)
        n += *q == '\0';
    if (!(rcpts = calloc(n, sizeof(*rcpts))))
        return PG_ENOMEM;
    env.sender = p;
    for (p += strlen(p) + 1; p < end; p += strlen(p) + 1)
        rcpts[env.n_recipients++] = p;
    env.recipients = rcpts;
    err = rd->envelope ? rd->envelope(&env, payload) : 0;
    free(rcpts);
    return err;
}

/* read_stream - envelope, then every message record up to the final one */
static int read_stream(qfile *f, const uint8_t key[32], const pg_store_reader *rd,
                       void *payload)
{
    uint8_t magic[MAGIC_LEN], header[HEADER_BYTES], tag = 0, extra;
    size_t mlen;
    int err;

    if (xread(f, magic, sizeof(magic)) != 0 || memcmp(magic, MAGIC, MAGIC_LEN) != 0 ||
        xread(f, header, sizeof(header)) != 0 ||
        crypto_secretstream_xchacha20poly1305_init_pull(&f->ss, header, key) != 0)
        return pg_error_set(PG_EPARSE, "%s is not a piiguard quarantine file", f->path);
    if ((err = pull(f, PG_STORE_ENVELOPE_MAX, &mlen, &tag)) < 0)
        return err;
    if (tag != TAG_MESSAGE)
        return pg_error_set(PG_EPARSE, "quarantine file %s ends early", f->path);
    if ((err = envelope_decode(f, mlen, rd, payload)) != 0)
        return err;
    while (tag != TAG_FINAL) {
        if ((err = pull(f, PG_STORE_CHUNK, &mlen, &tag)) < 0)
            return err;
        if (rd->chunk && mlen && (err = rd->chunk((const char *)f->mbuf, mlen, payload)) != 0)
            return err;
    }
    if (xread(f, &extra, 1) != 1)
        return pg_error_set(PG_EPARSE, "quarantine file %s has data after its end", f->path);
    return 0;
}

/* pg_store__crypt_read - decrypt quarantine/<id> into the reader's callbacks */
int pg_store__crypt_read(const char *qdir, const char *id, const uint8_t key[32],
                         const pg_store_reader *rd, void *payload)
{
    char path[PG_STORE_PATH_MAX];
    qfile f = {.fd = -1, .path = path, .id = id};
    int err;

    if ((err = pg_store__join_path(path, sizeof(path), qdir, id)) < 0 ||
        (err = qfile_buffers(&f, PG_STORE_ENVELOPE_MAX)) < 0)
        goto out;
    if ((f.fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)) < 0) {
        err = errno == ENOENT ? pg_error_set(PG_ENOTFOUND, "quarantine file %s is "
                                             "missing", path)
                              : io_error(&f, "open");
        goto out;
    }
    err = read_stream(&f, key, rd, payload);
out:
    qfile_release(&f);
    return err;
}

/* pg_store__sweep_old - remove old files of qdir that doomed() picks */
size_t pg_store__sweep_old(const char *qdir, int64_t now,
                           bool (*doomed)(const char *name, void *payload), void *payload)
{
    DIR *d = opendir(qdir);
    struct dirent *de;
    struct stat sb;
    size_t n = 0;

    if (!d)
        return 0;
    while ((de = readdir(d))) {
        if (fstatat(dirfd(d), de->d_name, &sb, AT_SYMLINK_NOFOLLOW) < 0 ||
            !S_ISREG(sb.st_mode) || (int64_t)sb.st_mtime > now - PG_STORE_TMP_ORPHAN_AGE ||
            !doomed(de->d_name, payload))
            continue;
        if (unlinkat(dirfd(d), de->d_name, 0) == 0)
            n++;
    }
    closedir(d);
    return n;
}
