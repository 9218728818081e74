/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *   store_audit.c - the hash-chained audit log of admin actions.
 *
 * SUMMARY
 *   pg_store_audit_append(), pg_store_audit_list(), pg_store_audit_verify(),
 *   and for the backends pg_store__audit_seal().
 *
 * DESCRIPTION
 *   Row N holds hash_N = BLAKE2b-256 keyed with the audit subkey over
 *
 *     "pg-audit-v1" || prev_hash_N (64 hex chars) || seq (u64 BE) ||
 *     time (i64 BE) || for actor, action, target, detail: len (u32 BE) || bytes
 *
 *   where prev_hash_1 is 64 '0's and prev_hash_N = hash_(N-1). Every string
 *   is length-prefixed, so no two different rows share one encoding. The
 *   hash is keyed so that someone who can write the database but cannot
 *   read piiguard.key cannot re-seal an edited chain.
 *
 *   Verification walks the rows in order and stops at the first one that
 *   is missing, out of place, does not follow its predecessor, or whose
 *   content no longer matches its hash.
 *
 * BUGS
 *   A chain cannot see its own tail cut off. Each append logs the new head
 *   ("audit seq=N head=HASH") so that syslog holds an outside copy to
 *   compare with pg_store_audit_status.head.
 */
#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "store/store_int.h"

#define AUDIT_DOMAIN "pg-audit-v1"

/* put_be - append an unsigned big-endian integer of n bytes to the hash */
static void put_be(crypto_generichash_state *h, uint64_t v, size_t n)
{
    uint8_t b[8];

    for (size_t i = 0; i < n; i++)
        b[i] = (uint8_t)(v >> (8 * (n - 1 - i)));
    crypto_generichash_update(h, b, n);
}

/* put_str - append a length-prefixed string to the hash */
static void put_str(crypto_generichash_state *h, const char *s)
{
    size_t n = s ? strlen(s) : 0;

    put_be(h, n, 4);
    crypto_generichash_update(h, (const uint8_t *)(s ? s : ""), n);
}

/* compute - the keyed hash of a row's predecessor and content, as hex */
static void compute(char out[PG_STORE_HASH_SIZE], const pg_store_audit_row *row,
                    const uint8_t key[32])
{
    crypto_generichash_state h;
    uint8_t bin[32];

    crypto_generichash_init(&h, key, 32, sizeof(bin));
    crypto_generichash_update(&h, (const uint8_t *)AUDIT_DOMAIN, strlen(AUDIT_DOMAIN));
    crypto_generichash_update(&h, (const uint8_t *)row->prev_hash, PG_STORE_HASH_SIZE - 1);
    put_be(&h, row->seq, 8);
    put_be(&h, (uint64_t)row->time, 8);
    put_str(&h, row->actor);
    put_str(&h, row->action);
    put_str(&h, row->target);
    put_str(&h, row->detail);
    crypto_generichash_final(&h, bin, sizeof(bin));
    pg_store__hex(out, bin, sizeof(bin));
}

/* pg_store__audit_seal - set row->hash from its prev_hash and content */
void pg_store__audit_seal(pg_store_audit_row *row, const uint8_t key[32])
{
    compute(row->hash, row, key);
}

/* pg_store__audit_locked - validate and append; the caller holds st->lock */
int pg_store__audit_locked(pg_store *st, const char *actor, const char *action,
                           const char *target, const char *detail)
{
    pg_store_audit_row row = {0};
    int err;

    if ((err = pg_store__check_text("operator", actor, false)) < 0 ||
        (err = pg_store__check_token("audit action", action)) < 0 ||
        (err = pg_store__check_text("audit target", target, true)) < 0 ||
        (err = pg_store__check_text("audit detail", detail, true)) < 0)
        return err;
    row.time = pg_store__now(0);
    row.actor = actor;
    row.action = action;
    row.target = target ? target : "";
    row.detail = detail ? detail : "";
    if ((err = st->ops->audit_append(st->be, &row, st->keys->audit)) < 0)
        return err;
    pg_log(PG_LOG_INFO, "store", "audit seq=%llu action=%s target=%s head=%s",
           (unsigned long long)row.seq, row.action, row.target, row.hash);
    return 0;
}

/* pg_store_audit_append - one row, under the store's lock */
int pg_store_audit_append(pg_store *st, const char *actor, const char *action,
                          const char *target, const char *detail)
{
    int err;

    pthread_mutex_lock(&st->lock);
    err = pg_store__audit_locked(st, actor, action, target, detail);
    pthread_mutex_unlock(&st->lock);
    return err;
}

/* pg_store_audit_list - rows from since_seq, in order */
int pg_store_audit_list(pg_store *st, uint64_t since_seq, pg_store_audit_cb cb,
                        void *payload)
{
    int err;

    pthread_mutex_lock(&st->lock);
    err = st->ops->audit_list(st->be, since_seq ? since_seq : 1, cb, payload);
    pthread_mutex_unlock(&st->lock);
    return err;
}

/* The walk's state: what the next row must look like. */
typedef struct verify_walk {
    const uint8_t *key;
    pg_store_audit_status *status;
    char prev[PG_STORE_HASH_SIZE];
} verify_walk;

#define BROKEN 1 /* verify_row's "stop here" */

/* verify_row - does this row sit where it should and still match its hash? */
static int verify_row(const pg_store_audit_row *row, void *payload)
{
    verify_walk *w = payload;
    uint64_t want = w->status->rows + 1;
    char hash[PG_STORE_HASH_SIZE];

    if (row->seq != want) {
        w->status->first_bad = want;
        pg_error_set(PG_ESTATE, "audit row %llu is missing (the next row is %llu)",
                     (unsigned long long)want, (unsigned long long)row->seq);
        return BROKEN;
    }
    w->status->first_bad = row->seq;
    if (strcmp(row->prev_hash, w->prev) != 0) {
        pg_error_set(PG_ESTATE, "audit row %llu does not follow row %llu (its "
                     "prev_hash was changed)", (unsigned long long)row->seq,
                     (unsigned long long)want - 1);
        return BROKEN;
    }
    compute(hash, row, w->key);
    if (strcmp(hash, row->hash) != 0) {
        pg_error_set(PG_ESTATE, "audit row %llu was changed after it was written "
                     "(its hash no longer matches)", (unsigned long long)row->seq);
        return BROKEN;
    }
    w->status->first_bad = 0;
    w->status->rows++;
    memcpy(w->prev, row->hash, sizeof(w->prev));
    memcpy(w->status->head, row->hash, sizeof(w->status->head));
    return 0;
}

/* pg_store_audit_verify - walk the whole chain, stop at the first break */
int pg_store_audit_verify(pg_store_audit_status *out, pg_store *st)
{
    verify_walk w = {.key = st->keys->audit, .status = out};
    int err;

    memset(out, 0, sizeof(*out));
    memset(w.prev, '0', PG_STORE_HASH_SIZE - 1);
    pthread_mutex_lock(&st->lock);
    err = st->ops->audit_list(st->be, 1, verify_row, &w);
    pthread_mutex_unlock(&st->lock);
    if (err == BROKEN)
        return PG_ESTATE;
    return err;
}
