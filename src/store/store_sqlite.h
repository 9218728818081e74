/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * store_sqlite.h - what the SQLite backend's two files (and its tests)
 * share: the schema version, the migration runner, the error mapping.
 */
#ifndef PIIGUARD_STORE_SQLITE_H
#define PIIGUARD_STORE_SQLITE_H

#include <sqlite3.h>

/* The schema version this build writes; PRAGMA user_version holds the
 * version a database is at. */
#define PG_STORE_SQLITE_VERSION 2

/* pg_store__sqlite_migrate - apply the ordered steps until the database is
 * at `target` (<= PG_STORE_SQLITE_VERSION), one transaction per step.
 * Returns 0, PG_ESTATE (the database is newer than this build), PG_EIO. */
int pg_store__sqlite_migrate(sqlite3 *db, int target);

/* pg_store__sqlite_error - map a SQLite result code to a pg_err, with a
 * message that says what we were doing and what to do about it. */
int pg_store__sqlite_error(sqlite3 *db, int rc, const char *doing);

/* pg_store__sqlite_exec - run SQL that returns no rows. */
int pg_store__sqlite_exec(sqlite3 *db, const char *sql, const char *doing);

#endif /* PIIGUARD_STORE_SQLITE_H */
