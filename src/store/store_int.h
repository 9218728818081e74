/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *   store_int.h - the store room's insides: the pg_store object, the backend
 *   vtable, the derived keys, and the limits the room enforces.
 *
 * DESCRIPTION
 *   The front half (store.c, store_quarantine.c, store_audit.c, ...) owns
 *   everything that is the same for every backend: validation, ids, keys,
 *   encryption, the quarantine files, the audit hash. A backend owns only
 *   rows, behind the fixed pg_store_ops table below (Redis's aeApi: one
 *   static table per backend, picked once at open).
 *
 *   A backend is called with the store's mutex held, so it needs no locking
 *   of its own for one pg_store; it must still cope with other processes
 *   (the admin CLI beside the daemon) through its database's own locking.
 *
 *   Incidents reach the backend in groups (store_group.c): callers that
 *   arrive while a commit is running queue up, and the first of them
 *   commits the whole queue in one transaction once that commit is done.
 *
 * OWNERSHIP
 *   Rows handed to a backend callback are borrowed for that call. The keys
 *   live in sodium_malloc() memory, are read-only after open and are wiped
 *   by pg_store_free().
 */
#ifndef PIIGUARD_STORE_INT_H
#define PIIGUARD_STORE_INT_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "piiguard/pg_limits.h"
#include "piiguard/pg_store.h"

/* Plaintext bytes per encrypted record: a reader holds at most this much
 * plaintext at once, and the 17-byte tag per record stays below 0.03%. */
#define PG_STORE_CHUNK (64u * 1024)

/* An encrypted envelope (JSON) may not exceed this: ~10000 recipients. */
#define PG_STORE_ENVELOPE_MAX (1u << 20)

/* Any one text field of an incident or audit row (a sender, a domain list,
 * a detail): bigger is an input bug, not a record. */
#define PG_STORE_FIELD_MAX 4096

/* The rules and entity-count JSON of one incident. */
#define PG_STORE_JSON_MAX (64u * 1024)

/* Ten years of retention is more than any regulation asks for. */
#define PG_STORE_RETENTION_MAX 3650

/* Path buffers: the state dir plus "/quarantine/" plus an id. */
#define PG_STORE_PATH_MAX 4096

/* Incidents queued for the next group commit. The HTTP pool on 2 CPUs is
 * 16 threads, so it never fills; a milter with hundreds of connections
 * can, and then a caller waits for the queue to be taken (the commit
 * before it to end) instead of growing the batch or failing. */
#define PG_STORE_BATCH_MAX 64

_Static_assert(PG_STORE_CHUNK >= 4096 && PG_STORE_CHUNK <= (1u << 24),
               "records must be neither tiny nor too big to hold twice");
_Static_assert(PG_STORE_ENVELOPE_MAX < PG_HARD_MAX_MESSAGE,
               "an envelope is a small part of what a quarantine file holds");
_Static_assert(PG_STORE_BATCH_MAX >= 2 && PG_STORE_BATCH_MAX <= 1024,
               "a batch must group something and stay a short transaction");

/* A state as a bit, for "held or released" questions. */
#define PG_STORE_QBIT(s) (1u << (unsigned)(s))
#define PG_STORE_QLIVE (PG_STORE_QBIT(PG_STORE_Q_HELD) | PG_STORE_QBIT(PG_STORE_Q_RELEASED))
#define PG_STORE_QALL 0xfu

/* Subkeys derived from the 32-byte master key in piiguard.key, one per
 * purpose so that no key serves two algorithms. */
typedef struct store_keys {
    uint8_t quarantine[32]; /* XChaCha20-Poly1305 secretstream */
    uint8_t msgid[32];      /* keyed BLAKE2b of Message-IDs */
    uint8_t audit[32];      /* keyed BLAKE2b of the audit chain */
} store_keys;

/*
 * The backend vtable. Every function returns 0 or a negative pg_err with
 * pg_error_set() already called; callbacks' non-zero values pass through.
 *
 * open          connect or open files for opts (state_dir, dsn, timeout).
 * close         release everything; be may be NULL.
 * incident_add  insert n (>= 1) validated incidents, ids already set, in
 *               one transaction: all of them or none, one durable commit.
 * incident_query  matching incidents, oldest first; msgid_hash NULL = any.
 * qitem_add     insert a quarantine row (state held) and, when
 *               item->incident_id is set, link the incident to it; atomic.
 * qitem_get     call cb once for the row with this id, or PG_ENOTFOUND.
 * qitem_list    rows whose state bit is in state_mask and, when
 *               created_before > 0, created before it; oldest first.
 * qitem_set_state  move id to `to` only if its state bit is in from_mask:
 *               PG_ENOTFOUND when there is no such row, PG_ESTATE when its
 *               state is not in from_mask.
 * audit_append  in one transaction: read the last row, set row->seq and
 *               row->prev_hash from it, call pg_store__audit_seal(row, key),
 *               insert. Two processes appending at once must serialise.
 * audit_list    rows from since_seq, in seq order.
 */
typedef struct pg_store_ops {
    const char *name;
    int (*open)(void **be_out, const pg_store_opts *opts);
    void (*close)(void *be);
    int (*incident_add)(void *be, const pg_store_incident *const *rows, size_t n);
    int (*incident_query)(void *be, const pg_store_filter *filter,
                          const char *msgid_hash, pg_store_incident_cb cb,
                          void *payload);
    int (*qitem_add)(void *be, const pg_store_qitem *item);
    int (*qitem_get)(void *be, const char *id, pg_store_qitem_cb cb, void *payload);
    int (*qitem_list)(void *be, unsigned state_mask, int64_t created_before,
                      pg_store_qitem_cb cb, void *payload);
    int (*qitem_set_state)(void *be, const char *id, unsigned from_mask,
                           pg_store_qstate to, int64_t when);
    int (*audit_append)(void *be, pg_store_audit_row *row, const uint8_t key[32]);
    int (*audit_list)(void *be, uint64_t since_seq, pg_store_audit_cb cb,
                      void *payload);
} pg_store_ops;

extern const pg_store_ops pg_store__sqlite_ops;
extern const pg_store_ops pg_store__postgres_ops;

/* One caller of pg_store_incident_add() waiting for its group commit;
 * it lives on that caller's stack until `done`. */
typedef struct store_waiter store_waiter;

/* Group commit (store_group.c). `lock` guards every field; `cond` is
 * broadcast when the queue is taken (there is room again) and when a
 * batch's results are in. `lock` is never held while st->lock is taken,
 * so the committer holds only st->lock while it writes.
 *
 * committing  false: no batch is being written; true: a leader has taken
 *             the queue and is writing it (new callers queue behind it).
 * queue, n    the callers of the next batch, oldest first.
 * commits     batches written so far (tests count them). */
typedef struct store_group {
    pthread_mutex_t lock;
    pthread_cond_t cond;
    bool committing;
    size_t n;
    store_waiter *queue[PG_STORE_BATCH_MAX];
    uint64_t commits;
} store_group;

/* The open store. `lock` guards `be` and every call through `ops`;
 * `group` has its own lock (above); the other fields are set at open and
 * read-only until pg_store_free(). */
struct pg_store {
    pthread_mutex_t lock;
    store_group group;
    const pg_store_ops *ops;
    void *be;
    store_keys *keys;
    char *state_dir;
    char *qdir;              /* state_dir/quarantine */
    unsigned retention_days;
};

/* store_key.c */
int pg_store__mkdir_private(const char *path, bool create);
int pg_store__private_file(const char *path, bool create, const char *what);
int pg_store__load_keys(store_keys **out, const char *state_dir, bool create);
void pg_store__free_keys(store_keys *keys);

/* store_util.c */
void pg_store__random_id(char out[PG_STORE_ID_SIZE]);
bool pg_store__valid_id(const char *id);
void pg_store__hex(char *out, const uint8_t *bin, size_t n);
int pg_store__unhex(uint8_t *out, size_t n, const char *hex);
int64_t pg_store__now(int64_t now);
int pg_store__check_text(const char *what, const char *s, bool may_be_empty);
int pg_store__check_token(const char *what, const char *s);
int pg_store__join_path(char *out, size_t cap, const char *dir, const char *name);
int pg_store__write_all(int fd, const void *p, size_t n);

/* store_group.c */
void pg_store__group_init(store_group *g);
void pg_store__group_destroy(store_group *g);
int pg_store__group_add(pg_store *st, const pg_store_incident *row);

/* store_quarantine.c */
int pg_store__unlink_qfile(pg_store *st, const char *id);

/* store_audit.c */
void pg_store__audit_seal(pg_store_audit_row *row, const uint8_t key[32]);
int pg_store__audit_locked(pg_store *st, const char *actor, const char *action,
                           const char *target, const char *detail);

/* store_crypt.c: the quarantine file format */
int pg_store__crypt_write(const char *qdir, const char *id, const uint8_t key[32],
                          const pg_store_envelope *env, const char *raw, size_t len);
int pg_store__crypt_read(const char *qdir, const char *id, const uint8_t key[32],
                         const pg_store_reader *rd, void *payload);
/* store_crypt.c: remove the regular files of qdir older than
 * PG_STORE_TMP_ORPHAN_AGE at now that doomed() picks by name; returns
 * how many went. The age keeps a sweep off files a writer is still
 * finishing. */
#define PG_STORE_TMP_ORPHAN_AGE 3600
size_t pg_store__sweep_old(const char *qdir, int64_t now,
                           bool (*doomed)(const char *name, void *payload), void *payload);

#endif /* PIIGUARD_STORE_INT_H */
