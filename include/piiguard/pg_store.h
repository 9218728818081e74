/* SPDX-License-Identifier: GPL-3.0-or-later */
/**
 * @file pg_store.h
 * @brief The store room: incident records, the encrypted quarantine and the
 *        hash-chained audit log, in STATE_DIR, behind a small backend vtable.
 *
 * What lives where (docs/store.md has the full picture):
 *  - STATE_DIR/piiguard.key   32 random bytes, mode 0600, created once;
 *  - STATE_DIR/piiguard.db    SQLite (WAL): incidents, quarantine metadata,
 *                             audit rows; schema migrated on open;
 *  - STATE_DIR/quarantine/ID  one encrypted message (and its envelope).
 *
 * Invariant: no raw customer PII is ever written in clear. Incidents hold
 * counts, rule ids and configured reasons; recipients are reduced to
 * domains; a Message-ID is kept only as a keyed hash; a quarantined message
 * and its envelope exist only as XChaCha20-Poly1305 ciphertext.
 *
 * Threads: one pg_store may be shared by any number of threads; every call
 * is serialised on the store's own mutex. Callbacks run while that mutex is
 * held unless a function says otherwise, so a callback must not call back
 * into the same store.
 *
 * Ownership: a `**out` result belongs to the caller and is freed by the
 * matching *_free(), which accepts NULL. Anything passed to a callback is
 * borrowed for the duration of that call only.
 */
#ifndef PIIGUARD_PG_STORE_H
#define PIIGUARD_PG_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "pg_base.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Bytes of an incident or quarantine id: 32 lowercase hex digits + NUL. */
#define PG_STORE_ID_SIZE 33

/** Bytes of a hex hash (audit chain, Message-ID): 64 hex digits + NUL. */
#define PG_STORE_HASH_SIZE 65

/** Quarantine retention when the options give none. */
#define PG_STORE_DEFAULT_RETENTION_DAYS 30

/** An open store. Opaque; free with pg_store_free(). */
typedef struct pg_store pg_store;

/** How to open a store. All-zero (plus state_dir) means the defaults. */
typedef struct pg_store_opts {
    const char *state_dir;    /**< required: key, database, quarantine/ */
    const char *backend;      /**< NULL or "sqlite" (default), "postgres" */
    const char *dsn;          /**< backend connection string; sqlite ignores it */
    unsigned retention_days;  /**< quarantine retention; 0 = 30, max 3650 */
    unsigned busy_timeout_ms; /**< longest wait for a lock; 0 = 2000 */
    bool must_exist;          /**< admin tools: fail rather than create a store */
} pg_store_opts;

/**
 * Open the store in opts->state_dir: create the directory, key and database
 * when missing (unless must_exist), refuse unsafe permissions, migrate the
 * schema.
 * @return 0, or PG_EPERM (key or database readable or writable by group or
 *         others, or read-only; pg_error_last() names the file and the
 *         chmod to run), PG_ENOTFOUND (must_exist and no store there),
 *         PG_EIO (a file or the database could not be opened or migrated).
 */
int pg_store_open(pg_store **out, const pg_store_opts *opts);

/** Close the store and wipe its keys. NULL is allowed. */
void pg_store_free(pg_store *st);

/** The backend's name, "sqlite" or "postgres". Borrowed. */
const char *pg_store_backend_name(const pg_store *st);

/**
 * The state directory used when none is given: "./var" when that directory
 * exists (a source checkout), otherwise "/var/lib/piiguard". Borrowed.
 */
const char *pg_store_default_state_dir(void);

/**
 * Write Unix time @p t as "YYYY-MM-DDTHH:MM:SSZ" (UTC) into @p buf.
 * @return @p buf.
 */
char *pg_store_format_time(char buf[32], int64_t t);

/**
 * Parse a time given by a person: "YYYY-MM-DD", "YYYY-MM-DDTHH:MM[:SS][Z]"
 * (always UTC), "@UNIXSECONDS", or "N" followed by d/h/m for "N days, hours
 * or minutes before @p now".
 * @return 0 or PG_EPARSE.
 */
int pg_store_parse_time(int64_t *out, const char *text, int64_t now);

/**
 * Reduce addresses to their domains: lowercase, duplicates removed, sorted,
 * joined with ','. An entry without '@' is taken as a domain already.
 * The result is what pg_store_incident.recipient_domains expects.
 * @return 0, PG_ENOMEM, PG_EINVAL (an empty domain).
 */
int pg_store_domains(char **out, const char *const *addresses, size_t n);

/* ------------------------------------------------------------------------ */
/* Incidents                                                                 */
/* ------------------------------------------------------------------------ */

/**
 * One incident, as plain strings and numbers so the store does not depend
 * on the policy room. On insert the store validates every field; on query
 * every pointer is borrowed for the duration of the callback.
 */
typedef struct pg_store_incident {
    char id[PG_STORE_ID_SIZE];     /**< query only: the random hex id */
    int64_t time;                  /**< Unix seconds (UTC); 0 on insert = now */
    const char *channel;           /**< "email", "chat", "sms" */
    const char *sender;            /**< the sending staff member (address or
                                        chat id); kept whole for training */
    const char *recipient_domains; /**< "a.example,b.example": domains only,
                                        an '@' is refused (pg_store_domains) */
    const char *action;            /**< the decided action, e.g. "quarantine" */
    const char *rules;             /**< JSON array [{"id":..,"reason":..}]; no
                                        PII in reasons; NULL = "[]" */
    const char *entity_counts;     /**< JSON object {"US_SSN":2}; keys are
                                        entity types [A-Z0-9_]; NULL = "{}" */
    bool consent_claimed;          /**< the sender claimed consent */
    const char *severity;          /**< "none", "low", ..., "critical" */
    bool breach_notifiable;        /**< policy says this may be notifiable */
    double exposure;               /**< estimated cost of the exposure */
    const char *quarantine_id;     /**< NULL or "" when not quarantined */
    const char *message_id;        /**< insert only: the raw Message-ID or
                                        NULL; stored as its keyed hash */
    const char *message_id_hash;   /**< query only: hex keyed BLAKE2b, or "" */
} pg_store_incident;

/**
 * Record an incident. @p id_out receives its id.
 * @return 0, PG_EINVAL (a field fails validation; pg_error_last() says
 *         which), PG_EIO or PG_ETIMEOUT (the database could not be written
 *         in busy_timeout_ms: the caller should tempfail, not pass).
 */
int pg_store_incident_add(char id_out[PG_STORE_ID_SIZE], pg_store *st,
                          const pg_store_incident *inc);

/** Which incidents a query returns. All-zero means all of them. */
typedef struct pg_store_filter {
    int64_t since;          /**< inclusive; 0 = from the start */
    int64_t until;          /**< exclusive; 0 = up to now */
    const char *channel;    /**< NULL = any */
    const char *action;     /**< NULL = any */
    const char *sender;     /**< exact, case-insensitive; NULL = any */
    const char *message_id; /**< the raw Message-ID (hashed before use) */
    size_t limit;           /**< 0 = no limit */
} pg_store_filter;

/** Receives one incident; a non-zero return stops the walk and is returned. */
typedef int (*pg_store_incident_cb)(const pg_store_incident *inc, void *payload);

/**
 * Call @p cb for each incident matching @p filter (NULL = all), oldest first.
 * @return 0, the callback's non-zero value, or PG_EIO.
 */
int pg_store_incident_query(pg_store *st, const pg_store_filter *filter,
                            pg_store_incident_cb cb, void *payload);

/**
 * An incident as a JSON object (rules and entity_counts parsed, recipient
 * domains as an array, time in ISO 8601). New reference, NULL on ENOMEM.
 */
json_t *pg_store_incident_to_json(const pg_store_incident *inc);

/**
 * Summarise the incidents matching @p filter: counts by entity type, action,
 * channel, severity and sender, consent claims, breach-notifiable count,
 * repeat senders (two or more incidents, most first) and total exposure.
 * @return 0, PG_ENOMEM, PG_EIO.
 */
int pg_store_report(json_t **out, pg_store *st, const pg_store_filter *filter);

/* ------------------------------------------------------------------------ */
/* Quarantine                                                                */
/* ------------------------------------------------------------------------ */

/** The life of a quarantined message. */
typedef enum pg_store_qstate {
    PG_STORE_Q_HELD = 0,     /**< waiting for a person; ciphertext kept */
    PG_STORE_Q_RELEASED = 1, /**< delivered; ciphertext kept until expiry */
    PG_STORE_Q_DELETED = 2,  /**< removed by an operator; ciphertext gone */
    PG_STORE_Q_EXPIRED = 3   /**< removed by retention; ciphertext gone */
} pg_store_qstate;

/** "held", "released", "deleted", "expired". */
const char *pg_store_qstate_name(pg_store_qstate state);

/** Parse a state name. @return 0 or PG_ENOTFOUND. */
int pg_store_qstate_from_name(pg_store_qstate *out, const char *name);

/** The SMTP envelope of a message: personal data, so kept encrypted. */
typedef struct pg_store_envelope {
    const char *sender;            /**< MAIL FROM; "" for the null sender */
    const char *const *recipients; /**< RCPT TO addresses */
    size_t n_recipients;
} pg_store_envelope;

/** What the store keeps in clear about a quarantined message. */
typedef struct pg_store_qitem {
    char id[PG_STORE_ID_SIZE];          /**< random hex id, the file name */
    char incident_id[PG_STORE_ID_SIZE]; /**< "" when not linked */
    pg_store_qstate state;
    int64_t created;                    /**< Unix seconds */
    int64_t expires;                    /**< created + current retention */
    int64_t changed;                    /**< last state change */
    uint64_t size;                      /**< plaintext message bytes */
    const char *sender;                 /**< envelope sender (staff) */
    const char *recipient_domains;      /**< domains only */
} pg_store_qitem;

/** Free a pg_store_qitem returned by pg_store_quarantine_get(). NULL is allowed. */
void pg_store_qitem_free(pg_store_qitem *item);

/**
 * Quarantine a message: encrypt @p raw (and @p env) to
 * STATE_DIR/quarantine/ID, record it as held, and link it to
 * @p incident_id (may be NULL) in both directions. @p id_out receives ID.
 * On any failure nothing is left behind.
 * @return 0, PG_EINVAL, PG_ETOOBIG (larger than PG_HARD_MAX_MESSAGE),
 *         PG_EIO (disk full, file size limit, database).
 */
int pg_store_quarantine_put(char id_out[PG_STORE_ID_SIZE], pg_store *st,
                            const pg_store_envelope *env,
                            const char *raw, size_t len,
                            const char *incident_id);

/**
 * The clear metadata of one quarantined message.
 * @return 0, PG_ENOTFOUND, PG_EIO.
 */
int pg_store_quarantine_get(pg_store_qitem **out, pg_store *st, const char *id);

/** Receives one quarantined message's metadata; non-zero stops the walk. */
typedef int (*pg_store_qitem_cb)(const pg_store_qitem *item, void *payload);

/**
 * Call @p cb for each quarantined message, oldest first; @p state < 0 means
 * every state, otherwise a pg_store_qstate.
 * @return 0, the callback's non-zero value, or PG_EIO.
 */
int pg_store_quarantine_list(pg_store *st, int state,
                             pg_store_qitem_cb cb, void *payload);

/** Where pg_store_quarantine_read() delivers the plaintext. */
typedef struct pg_store_reader {
    /** Called once, first, with the decrypted envelope. */
    int (*envelope)(const pg_store_envelope *env, void *payload);
    /** Called with each decrypted piece of the message, in order. Only
     *  after the last call has returned 0 and the read returned 0 is the
     *  message known to be complete and untampered. */
    int (*chunk)(const char *data, size_t len, void *payload);
} pg_store_reader;

/**
 * Decrypt a held or released message. Every read is first written to the
 * audit log (action "quarantine.read", detail "purpose=@p purpose") on
 * behalf of @p actor, and nothing is decrypted when that fails. The
 * callbacks run without the store's mutex. Plaintext buffers are wiped.
 * @return 0, PG_ENOTFOUND, PG_ESTATE (deleted or expired), PG_EPARSE (the
 *         file fails authentication: wrong key, tampered or truncated),
 *         or a callback's non-zero value.
 */
int pg_store_quarantine_read(pg_store *st, const char *id, const char *actor,
                             const char *purpose, const pg_store_reader *rd,
                             void *payload);

/**
 * Mark a held message released (after the caller delivered it), and audit
 * it as "quarantine.release".
 * @return 0, PG_ENOTFOUND, PG_ESTATE (not held).
 */
int pg_store_quarantine_release(pg_store *st, const char *id, const char *actor);

/**
 * Delete a held or released message's ciphertext, mark it deleted, and
 * audit it as "quarantine.delete".
 * @return 0, PG_ENOTFOUND, PG_ESTATE (already deleted or expired).
 */
int pg_store_quarantine_delete(pg_store *st, const char *id, const char *actor);

/**
 * Delete the ciphertext of every held or released message older than the
 * retention at @p now (0 = time(NULL)), mark each expired and audit each as
 * "quarantine.expire". @p n_out (may be NULL) receives how many expired.
 * @return 0, PG_EIO.
 */
int pg_store_expire(size_t *n_out, pg_store *st, int64_t now, const char *actor);

/* ------------------------------------------------------------------------ */
/* Audit log                                                                 */
/* ------------------------------------------------------------------------ */

/** One audit row. */
typedef struct pg_store_audit_row {
    uint64_t seq;                       /**< 1, 2, 3, ... */
    int64_t time;                       /**< Unix seconds */
    const char *actor;                  /**< the operator */
    const char *action;                 /**< e.g. "quarantine.release" */
    const char *target;                 /**< an id, or what was exported */
    const char *detail;                 /**< key=value words, never PII */
    char prev_hash[PG_STORE_HASH_SIZE]; /**< the previous row's hash (hex) */
    char hash[PG_STORE_HASH_SIZE];      /**< keyed BLAKE2b of prev + content */
} pg_store_audit_row;

/**
 * Append one row to the hash chain. The store's own admin functions call
 * this themselves; front ends call it for what only they know (an export).
 * @return 0, PG_EINVAL (an empty actor or action), PG_EIO.
 */
int pg_store_audit_append(pg_store *st, const char *actor, const char *action,
                          const char *target, const char *detail);

/** Receives one audit row; non-zero stops the walk and is returned. */
typedef int (*pg_store_audit_cb)(const pg_store_audit_row *row, void *payload);

/**
 * Call @p cb for each audit row from @p since_seq (1 = the first), in order.
 * @return 0, the callback's non-zero value, or PG_EIO.
 */
int pg_store_audit_list(pg_store *st, uint64_t since_seq,
                        pg_store_audit_cb cb, void *payload);

/** What pg_store_audit_verify() found. */
typedef struct pg_store_audit_status {
    uint64_t rows;                 /**< rows that verified */
    uint64_t first_bad;            /**< seq of the first broken row; 0 = none */
    char head[PG_STORE_HASH_SIZE]; /**< hash of the last good row ("" if none);
                                        keep it elsewhere to detect truncation */
} pg_store_audit_status;

/**
 * Walk the chain and recompute every hash.
 * @return 0 when every row holds; PG_ESTATE when a row is broken
 *         (out->first_bad names it, pg_error_last() says why); PG_EIO.
 */
int pg_store_audit_verify(pg_store_audit_status *out, pg_store *st);

#ifdef __cplusplus
}
#endif
#endif /* PIIGUARD_PG_STORE_H */
