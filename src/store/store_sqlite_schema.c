/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *   store_sqlite_schema.c - the SQLite schema as an ordered list of
 *   migration steps, and the runner that applies them.
 *
 * DESCRIPTION
 *   PRAGMA user_version is the version a database is at; steps[i] takes it
 *   from i to i+1. Each step runs in its own BEGIN IMMEDIATE transaction
 *   that re-reads user_version first, so two processes opening a fresh
 *   database at once apply each step exactly once, and a failed step
 *   leaves the database at the previous version. The table
 *   schema_migrations records when each step was applied, for people.
 *
 *   A step, once released, is never edited: a change is a new step at the
 *   end. A database newer than this build is refused rather than guessed at.
 *
 *   What is in the tables (no raw PII anywhere):
 *     incidents   one row per decision that was not "allow": counts, rule
 *                 ids and configured reasons, recipient domains, the
 *                 sender, a keyed hash of the Message-ID.
 *     quarantine  clear metadata of each encrypted message; the
 *                 ciphertext itself is the file quarantine/<id>.
 *     audit       the hash chain of admin actions.
 */
#include <stdio.h>

#include "piiguard/pg_base.h"
#include "store/store_sqlite.h"

static const char *const steps[PG_STORE_SQLITE_VERSION] = {
    /* 1: the first schema */
    "CREATE TABLE schema_migrations("
    "  version INTEGER PRIMARY KEY, applied INTEGER NOT NULL);"
    "CREATE TABLE incidents("
    "  id TEXT PRIMARY KEY,"
    "  time INTEGER NOT NULL,"
    "  channel TEXT NOT NULL,"
    "  sender TEXT NOT NULL DEFAULT '',"
    "  recipient_domains TEXT NOT NULL DEFAULT '',"
    "  action TEXT NOT NULL,"
    "  rules TEXT NOT NULL DEFAULT '[]',"
    "  entity_counts TEXT NOT NULL DEFAULT '{}',"
    "  consent_claimed INTEGER NOT NULL DEFAULT 0,"
    "  severity TEXT NOT NULL DEFAULT 'none',"
    "  breach_notifiable INTEGER NOT NULL DEFAULT 0,"
    "  exposure REAL NOT NULL DEFAULT 0,"
    "  quarantine_id TEXT,"
    "  message_id_hash TEXT NOT NULL DEFAULT '');"
    "CREATE TABLE quarantine("
    "  id TEXT PRIMARY KEY,"
    "  incident_id TEXT NOT NULL DEFAULT '',"
    "  state TEXT NOT NULL"
    "    CHECK (state IN ('held', 'released', 'deleted', 'expired')),"
    "  created INTEGER NOT NULL,"
    "  changed INTEGER NOT NULL,"
    "  size INTEGER NOT NULL,"
    "  sender TEXT NOT NULL DEFAULT '',"
    "  recipient_domains TEXT NOT NULL DEFAULT '');"
    "CREATE TABLE audit("
    "  seq INTEGER PRIMARY KEY,"
    "  time INTEGER NOT NULL,"
    "  actor TEXT NOT NULL,"
    "  action TEXT NOT NULL,"
    "  target TEXT NOT NULL,"
    "  detail TEXT NOT NULL,"
    "  prev_hash TEXT NOT NULL,"
    "  hash TEXT NOT NULL);",

    /* 2: indexes for the report, export and expiry queries; audit rows
     *    refuse UPDATE and DELETE (a guard against accidents: the chain,
     *    not the trigger, is what detects tampering) */
    "CREATE INDEX incidents_time ON incidents(time);"
    "CREATE INDEX incidents_sender ON incidents(sender COLLATE NOCASE);"
    "CREATE INDEX incidents_msgid ON incidents(message_id_hash);"
    "CREATE INDEX quarantine_created ON quarantine(created);"
    "CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit"
    "  BEGIN SELECT RAISE(ABORT, 'audit rows are append-only'); END;"
    "CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit"
    "  BEGIN SELECT RAISE(ABORT, 'audit rows are append-only'); END;",
};

/* user_version - the version the database is at, or a negative pg_err */
static int user_version(sqlite3 *db)
{
    sqlite3_stmt *st;
    int rc, v = -1;

    rc = sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &st, NULL);
    if (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW)
        v = sqlite3_column_int(st, 0);
    sqlite3_finalize(st);
    return v >= 0 ? v : pg_store__sqlite_error(db, rc, "reading the schema version");
}

/* apply_step - take the database from version v to v + 1 (inside a transaction) */
static int apply_step(sqlite3 *db, int v)
{
    char sql[160];
    int err;

    if ((err = pg_store__sqlite_exec(db, steps[v], "migrating the schema")) < 0)
        return err;
    snprintf(sql, sizeof(sql), "INSERT INTO schema_migrations VALUES(%d, "
             "strftime('%%s','now')); PRAGMA user_version = %d", v + 1, v + 1);
    return pg_store__sqlite_exec(db, sql, "migrating the schema");
}

/* pg_store__sqlite_migrate - one transaction per step until target */
int pg_store__sqlite_migrate(sqlite3 *db, int target)
{
    for (;;) {
        int v, err;

        if ((err = pg_store__sqlite_exec(db, "BEGIN IMMEDIATE", "migrating the schema")) < 0)
            return err;
        if ((v = user_version(db)) >= 0 && v > PG_STORE_SQLITE_VERSION)
            v = pg_error_set(PG_ESTATE, "the database is at schema version %d, newer "
                             "than this piiguard (%d); upgrade piiguard", v,
                             PG_STORE_SQLITE_VERSION);
        if (v < 0 || v >= target) {
            pg_store__sqlite_exec(db, v < 0 ? "ROLLBACK" : "COMMIT", "migrating the schema");
            return v < 0 ? v : 0;
        }
        if ((err = apply_step(db, v)) < 0 ||
            (err = pg_store__sqlite_exec(db, "COMMIT", "migrating the schema")) < 0) {
            sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
            return err;
        }
    }
}
