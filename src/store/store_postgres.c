/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *   store_postgres.c - the PostgreSQL backend's place in the table: not
 *   built in this version.
 *
 * DESCRIPTION
 *   Selecting backend "postgres" fails at open with PG_EINVAL and a message
 *   that says so, rather than pretending to store anything. The other
 *   entries stay NULL because nothing can reach them without an open
 *   backend.
 *
 *   To build it (docs/store.md, "Adding PostgreSQL"): open with
 *   PQconnectdb(opts->dsn) and run the same ordered migrations against a
 *   schema_migrations table; keep one PGconn per pg_store (calls arrive
 *   under the store mutex); use PQexecParams for every query, mirroring
 *   store_sqlite.c's static SQL with $N parameters; in audit_append take
 *   "LOCK TABLE audit IN SHARE ROW EXCLUSIVE MODE" inside the transaction
 *   so that two gateways never chain onto the same tail; map
 *   connection failures and lock timeouts (lock_timeout = busy_timeout_ms)
 *   to PG_EIO and PG_ETIMEOUT. Quarantine ciphertext stays in files under
 *   STATE_DIR/quarantine, so hosts that share one database must share that
 *   directory too (or keep their own quarantine per host).
 */
#include "store/store_int.h"

/* pq_open - refuse: this build has no PostgreSQL backend */
static int pq_open(void **be_out, const pg_store_opts *opts)
{
    (void)be_out;
    (void)opts;
    return pg_error_set(PG_EINVAL, "the postgres store backend is not built in this "
                        "version; use the default sqlite backend");
}

/* pq_close - nothing was opened */
static void pq_close(void *be)
{
    (void)be;
}

const pg_store_ops pg_store__postgres_ops = {
    .name = "postgres",
    .open = pq_open,
    .close = pq_close,
};
