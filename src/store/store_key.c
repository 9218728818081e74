/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *   store_key.c - the master key file and the private-file rules.
 *
 * DESCRIPTION
 *   STATE_DIR/piiguard.key holds 32 random bytes. It is written once, to a
 *   temporary file opened O_CREAT|O_EXCL with mode 0600 and fchmod()ed
 *   (so neither umask 0 nor umask 0777 changes the result), then link()ed
 *   into place: link never replaces, so two daemons starting together agree
 *   on one key and nobody ever reads a half-written one.
 *
 *   Three subkeys are derived with crypto_kdf (context "pgstore1"): 1 for
 *   the quarantine secretstream, 2 for Message-ID hashes, 3 for the audit
 *   chain. They live in sodium_malloc() memory made read-only after
 *   derivation; the master key is wiped as soon as they exist.
 *
 *   A key or database that group or others may read or write is refused
 *   with PG_EPERM and the chmod that fixes it: a readable key undoes the
 *   quarantine encryption, a writable one lets anyone re-sign the audit log.
 *   Symbolic links are refused for the same reason.
 *
 * BUGS
 *   Losing the key loses every quarantined message and the ability to
 *   verify the audit chain; docs/store.md says to back it up separately.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

#include "store/store_int.h"

#define KEY_FILE "piiguard.key"
#define KEY_BYTES crypto_kdf_KEYBYTES

_Static_assert(crypto_kdf_KEYBYTES == 32, "the key file format is 32 bytes");
_Static_assert(crypto_secretstream_xchacha20poly1305_KEYBYTES == 32,
               "store_keys.quarantine is 32 bytes");

/* pg_store__mkdir_private - make sure dir exists (0700 when we create it) */
int pg_store__mkdir_private(const char *path, bool create)
{
    struct stat st;

    if (stat(path, &st) == 0) {
        if (!S_ISDIR(st.st_mode))
            return pg_error_set(PG_EIO, "%s is not a directory", path);
        return 0;
    }
    if (errno != ENOENT)
        return pg_error_set(PG_EIO, "cannot use %s: %s", path, strerror(errno));
    if (!create)
        return pg_error_set(PG_ENOTFOUND, "no store in %s; check --state-dir, "
                            "or start the gateway once to create it", path);
    if (mkdir(path, 0700) < 0 && errno != EEXIST)
        return pg_error_set(PG_EIO, "cannot create %s: %s", path, strerror(errno));
    if (chmod(path, 0700) < 0)
        return pg_error_set(PG_EIO, "cannot chmod %s: %s", path, strerror(errno));
    return 0;
}

/* check_private - a regular file, not a link, no group or other bits */
static int check_private(const char *path, const char *what)
{
    struct stat st;

    if (lstat(path, &st) < 0) {
        if (errno == ENOENT)
            return pg_error_set(PG_ENOTFOUND, "%s %s does not exist", what, path);
        return pg_error_set(PG_EIO, "cannot stat %s %s: %s", what, path, strerror(errno));
    }
    if (S_ISLNK(st.st_mode))
        return pg_error_set(PG_EPERM, "%s %s is a symbolic link; replace it with "
                            "the file itself", what, path);
    if (!S_ISREG(st.st_mode))
        return pg_error_set(PG_EIO, "%s %s is not a regular file", what, path);
    if (st.st_mode & 077)
        return pg_error_set(PG_EPERM, "%s %s is open to group or others (mode "
                            "%04o); run: chmod 600 '%s'", what, path,
                            (unsigned)(st.st_mode & 07777), path);
    return 0;
}

/* pg_store__private_file - create path 0600 if asked and missing, then check it */
int pg_store__private_file(const char *path, bool create, const char *what)
{
    int fd;

    if (create) {
        fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
        if (fd >= 0) {
            int rc = fchmod(fd, 0600);
            close(fd);
            if (rc < 0)
                return pg_error_set(PG_EIO, "cannot chmod %s: %s", path, strerror(errno));
        } else if (errno != EEXIST) {
            return pg_error_set(PG_EIO, "cannot create %s %s: %s", what, path,
                                strerror(errno));
        }
    }
    return check_private(path, what);
}

/* create_key - write a fresh key beside path and link it in, unless one exists */
static int create_key(const char *path)
{
    char tmp[PG_STORE_PATH_MAX];
    uint8_t key[KEY_BYTES];
    int fd, err = 0;

    if (access(path, F_OK) == 0)
        return 0;
    /* random, not the pid: threads of one process share a pid */
    if (snprintf(tmp, sizeof(tmp), "%s.new.%08x", path, randombytes_random()) >= (int)sizeof(tmp))
        return pg_error_set(PG_ETOOBIG, "key path %s is too long", path);
    fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd < 0)
        return pg_error_set(PG_EIO, "cannot create key file %s: %s", tmp, strerror(errno));
    crypto_kdf_keygen(key);
    if (fchmod(fd, 0600) < 0 || pg_store__write_all(fd, key, sizeof(key)) < 0 || fsync(fd) < 0)
        err = pg_error_set(PG_EIO, "cannot write key file %s: %s", tmp, strerror(errno));
    sodium_memzero(key, sizeof(key));
    if (close(fd) < 0 && err == 0)
        err = pg_error_set(PG_EIO, "cannot write key file %s: %s", tmp, strerror(errno));
    if (err == 0 && link(tmp, path) < 0 && errno != EEXIST)
        err = pg_error_set(PG_EIO, "cannot create key file %s: %s", path, strerror(errno));
    unlink(tmp);
    return err;
}

/* read_key - exactly KEY_BYTES from a private key file */
static int read_key(uint8_t key[KEY_BYTES], const char *path)
{
    int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    struct stat st;
    ssize_t n = -1;

    if (fd < 0)
        return pg_error_set(PG_EIO, "cannot open key file %s: %s", path, strerror(errno));
    if (fstat(fd, &st) == 0 && st.st_size == KEY_BYTES)
        n = read(fd, key, KEY_BYTES);
    close(fd);
    if (n != KEY_BYTES)
        return pg_error_set(PG_EIO, "key file %s is damaged (expected %d bytes); restore "
                            "it from its backup: without it quarantined mail cannot "
                            "be read", path, KEY_BYTES);
    return 0;
}

/* derive - the per-purpose subkeys from the master key */
static void derive(store_keys *keys, const uint8_t master[KEY_BYTES])
{
    static const char ctx[crypto_kdf_CONTEXTBYTES] = {'p', 'g', 's', 't', 'o', 'r', 'e', '1'};

    crypto_kdf_derive_from_key(keys->quarantine, sizeof(keys->quarantine), 1, ctx, master);
    crypto_kdf_derive_from_key(keys->msgid, sizeof(keys->msgid), 2, ctx, master);
    crypto_kdf_derive_from_key(keys->audit, sizeof(keys->audit), 3, ctx, master);
}

/* pg_store__load_keys - create the key when allowed, check it, derive subkeys */
int pg_store__load_keys(store_keys **out, const char *state_dir, bool create)
{
    char path[PG_STORE_PATH_MAX];
    uint8_t master[KEY_BYTES];
    store_keys *keys;
    int err;

    if ((err = pg_store__join_path(path, sizeof(path), state_dir, KEY_FILE)) < 0)
        return err;
    if (create && (err = create_key(path)) < 0)
        return err;
    if ((err = check_private(path, "key file")) < 0 || (err = read_key(master, path)) < 0)
        return err;
    if (!(keys = sodium_malloc(sizeof(*keys)))) {
        sodium_memzero(master, sizeof(master));
        return PG_ENOMEM;
    }
    derive(keys, master);
    sodium_memzero(master, sizeof(master));
    sodium_mprotect_readonly(keys);
    *out = keys;
    return 0;
}

/* pg_store__free_keys - wipe and release the subkeys */
void pg_store__free_keys(store_keys *keys)
{
    if (keys)
        sodium_free(keys);
}
