/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *   store_sqlite.c - the default backend: one SQLite database in WAL mode.
 *
 * SUMMARY
 *   pg_store__sqlite_ops (see store_int.h for what each entry promises).
 *
 * DESCRIPTION
 *   STATE_DIR/piiguard.db is created empty with mode 0600 before SQLite
 *   sees it (SQLite would create it 0644 less the umask, and gives the -wal
 *   and -shm files the database's own mode). It is opened read-write, never
 *   through a symbolic link, and a database SQLite can only open read-only
 *   is refused with PG_EPERM rather than failing later on the first write.
 *
 *   WAL lets the admin CLI read while the daemon writes; synchronous=FULL
 *   because an incident or audit row that a crash can lose is not a
 *   record. busy_timeout bounds how long a writer waits for another
 *   process; past it the caller gets PG_ETIMEOUT and tempfails.
 *
 *   One connection per pg_store, used only under the store's mutex. SQL
 *   is static: every optional filter is a bound "?N IS NULL OR ..." term,
 *   never text pasted into a statement. Incidents arrive in groups
 *   (store_group.c) and are written in one transaction per group; the
 *   three statements of that path are compiled once at open and kept, the
 *   rest are compiled per call.
 */
#include <stdlib.h>
#include <string.h>

#include "store/store_int.h"
#include "store/store_sqlite.h"

#define DB_FILE "piiguard.db"

/* The state column as the bit pg_store_qstate would give it. */
#define STATE_BIT "(CASE state WHEN 'held' THEN 1 WHEN 'released' THEN 2 " \
                  "WHEN 'deleted' THEN 4 ELSE 8 END)"

/* The connection and the incident path's kept statements (reset after
 * every step, finalized by sq_close before the connection closes). */
typedef struct sqlite_be {
    sqlite3 *db;
    sqlite3_stmt *begin, *insert, *commit;
} sqlite_be;

#define INSERT_INCIDENT "INSERT INTO incidents(id, time, channel, sender, " \
    "recipient_domains, action, rules, entity_counts, consent_claimed, severity, " \
    "breach_notifiable, exposure, quarantine_id, message_id_hash) VALUES " \
    "(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)"

/* A caller's callback and payload, carried through each_row(). */
typedef struct walk {
    union {
        pg_store_incident_cb incident;
        pg_store_qitem_cb qitem;
        pg_store_audit_cb audit;
    } cb;
    void *payload;
} walk;

/* pg_store__sqlite_error - SQLite result code to pg_err, with advice */
int pg_store__sqlite_error(sqlite3 *db, int rc, const char *doing)
{
    const char *msg = db ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
    int sys = db ? sqlite3_system_errno(db) : 0;

    switch (rc & 0xff) {
    case SQLITE_NOMEM:
        return PG_ENOMEM;
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
        return pg_error_set(PG_ETIMEOUT, "%s: the database stayed locked (%s)", doing, msg);
    case SQLITE_READONLY:
    case SQLITE_PERM:
        return pg_error_set(PG_EPERM, "%s: the database is read-only (%s); it and its "
                            "directory must be writable by the piiguard user", doing, msg);
    case SQLITE_FULL:
        return pg_error_set(PG_EIO, "%s: the disk is full (%s)", doing, msg);
    case SQLITE_IOERR:
        return pg_error_set(PG_EIO, "%s: %s%s%s; check free disk space, the file size "
                            "limit and the state directory's permissions", doing, msg,
                            sys ? ": " : "", sys ? strerror(sys) : "");
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
        return pg_error_set(PG_EIO, "%s: the database is damaged (%s); restore it "
                            "from backup", doing, msg);
    default:
        return pg_error_set(PG_EIO, "%s: %s", doing, msg);
    }
}

/* pg_store__sqlite_exec - run statements that return no rows */
int pg_store__sqlite_exec(sqlite3 *db, const char *sql, const char *doing)
{
    int rc = sqlite3_exec(db, sql, NULL, NULL, NULL);

    return rc == SQLITE_OK ? 0 : pg_store__sqlite_error(db, rc, doing);
}

/* prepare - compile one static statement */
static int prepare(sqlite3 *db, sqlite3_stmt **out, const char *sql, const char *doing)
{
    int rc = sqlite3_prepare_v2(db, sql, -1, out, NULL);

    return rc == SQLITE_OK ? 0 : pg_store__sqlite_error(db, rc, doing);
}

/* run - step a statement that returns no rows, then finalize it */
static int run(sqlite3 *db, sqlite3_stmt *st, const char *doing)
{
    int rc = sqlite3_step(st);

    sqlite3_finalize(st);
    return rc == SQLITE_DONE ? 0 : pg_store__sqlite_error(db, rc, doing);
}

/* step_kept - step a kept statement that returns no rows, then reset it */
static int step_kept(sqlite3 *db, sqlite3_stmt *st, const char *doing)
{
    int rc = sqlite3_step(st);
    int err = rc == SQLITE_DONE ? 0 : pg_store__sqlite_error(db, rc, doing);

    sqlite3_reset(st);
    return err;
}

/* each_row - call row(st, w) for every result row, then finalize */
static int each_row(sqlite3 *db, sqlite3_stmt *st, const char *doing,
                    int (*row)(sqlite3_stmt *st, const walk *w), const walk *w)
{
    int rc, err = 0;

    while (err == 0 && (rc = sqlite3_step(st)) == SQLITE_ROW)
        err = row(st, w);
    if (err == 0 && rc != SQLITE_DONE)
        err = pg_store__sqlite_error(db, rc, doing);
    sqlite3_finalize(st);
    return err;
}

/* text - a column as text, "" for NULL */
static const char *text(sqlite3_stmt *st, int col)
{
    const unsigned char *s = sqlite3_column_text(st, col);

    return s ? (const char *)s : "";
}

/* bind_text - bind a string, NULL as SQL NULL */
static void bind_text(sqlite3_stmt *st, int idx, const char *s)
{
    if (s)
        sqlite3_bind_text(st, idx, s, -1, SQLITE_STATIC);
    else
        sqlite3_bind_null(st, idx);
}

/* journal_wal - one PRAGMA journal_mode=WAL: SQLITE_ROW with *wal set to
 * whether the database is now in WAL mode, or SQLite's failing code */
static int journal_wal(sqlite3 *db, int *wal)
{
    sqlite3_stmt *st;
    int rc = sqlite3_prepare_v2(db, "PRAGMA journal_mode=WAL", -1, &st, NULL);

    if (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW)
        *wal = strcmp(text(st, 0), "wal") == 0;
    sqlite3_finalize(st);
    return rc;
}

/* enable_wal - WAL mode. Connections switching a fresh database at the
 * same moment (daemons starting together) can get SQLITE_BUSY without the
 * busy handler being called, so BUSY is retried every 10 ms up to busy_ms */
static int enable_wal(sqlite3 *db, const char *path, unsigned busy_ms)
{
    int rc, wal = 0;

    for (unsigned ms = 0; ((rc = journal_wal(db, &wal)) & 0xff) == SQLITE_BUSY && ms < busy_ms;
         ms += 10)
        sqlite3_sleep(10);
    if (rc != SQLITE_ROW)
        return pg_store__sqlite_error(db, rc, "enabling WAL");
    return wal ? 0 : pg_error_set(PG_EIO, "database %s refused WAL mode", path);
}

/* configure - busy timeout, WAL, durability, then the schema */
static int configure(sqlite3 *db, const char *path, unsigned busy_ms)
{
    int err;

    sqlite3_extended_result_codes(db, 1);
    sqlite3_busy_timeout(db, (int)busy_ms);
    if (sqlite3_db_readonly(db, "main") == 1)
        return pg_error_set(PG_EPERM, "database %s can only be opened read-only; make "
                            "it and %s's directory writable by the user piiguard "
                            "runs as (chown, then chmod 600)", path, path);
    if ((err = enable_wal(db, path, busy_ms)) < 0 ||
        (err = pg_store__sqlite_exec(db, "PRAGMA synchronous=FULL; PRAGMA trusted_schema=OFF",
                                     "configuring the database")) < 0)
        return err;
    return pg_store__sqlite_migrate(db, PG_STORE_SQLITE_VERSION);
}

/* keep_statements - compile the incident path's statements once */
static int keep_statements(sqlite_be *be)
{
    int err;

    if ((err = prepare(be->db, &be->begin, "BEGIN IMMEDIATE", "recording incidents")) < 0 ||
        (err = prepare(be->db, &be->insert, INSERT_INCIDENT, "recording incidents")) < 0 ||
        (err = prepare(be->db, &be->commit, "COMMIT", "recording incidents")) < 0)
        return err;
    return 0;
}

/* sq_close - finalize the kept statements, close the connection (WAL is
 * checkpointed by SQLite) */
static void sq_close(void *p)
{
    sqlite_be *be = p;

    if (!be)
        return;
    sqlite3_finalize(be->begin);
    sqlite3_finalize(be->insert);
    sqlite3_finalize(be->commit);
    sqlite3_close(be->db);
    free(be);
}

/* sq_open - create the file 0600 if allowed, open, configure */
static int sq_open(void **be_out, const pg_store_opts *opts)
{
    char path[PG_STORE_PATH_MAX];
    sqlite_be *be;
    int rc, err;

    if ((err = pg_store__join_path(path, sizeof(path), opts->state_dir, DB_FILE)) < 0 ||
        (err = pg_store__private_file(path, !opts->must_exist, "database")) < 0)
        return err;
    if (!(be = calloc(1, sizeof(*be))))
        return PG_ENOMEM;
    rc = sqlite3_open_v2(path, &be->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOFOLLOW, NULL);
    err = rc == SQLITE_OK ? configure(be->db, path, opts->busy_timeout_ms)
                          : pg_store__sqlite_error(be->db, rc, "opening the database");
    if (err < 0 || (err = keep_statements(be)) < 0) {
        sq_close(be);
        return err;
    }
    *be_out = be;
    return 0;
}

/* insert_incident - bind one incident to the kept INSERT and step it */
static int insert_incident(sqlite_be *be, const pg_store_incident *inc)
{
    sqlite3_stmt *st = be->insert;
    int err;

    bind_text(st, 1, inc->id);
    sqlite3_bind_int64(st, 2, inc->time);
    bind_text(st, 3, inc->channel);
    bind_text(st, 4, inc->sender);
    bind_text(st, 5, inc->recipient_domains);
    bind_text(st, 6, inc->action);
    bind_text(st, 7, inc->rules);
    bind_text(st, 8, inc->entity_counts);
    sqlite3_bind_int(st, 9, inc->consent_claimed);
    bind_text(st, 10, inc->severity);
    sqlite3_bind_int(st, 11, inc->breach_notifiable);
    sqlite3_bind_double(st, 12, inc->exposure);
    bind_text(st, 13, inc->quarantine_id);
    bind_text(st, 14, inc->message_id_hash);
    err = step_kept(be->db, st, "recording an incident");
    sqlite3_clear_bindings(st); /* the strings are the caller's */
    return err;
}

/* sq_incident_add - a group of INSERTs in one transaction: one commit, one
 * fsync of the WAL (synchronous=FULL), all rows or none */
static int sq_incident_add(void *p, const pg_store_incident *const *rows, size_t n)
{
    sqlite_be *be = p;
    int err = step_kept(be->db, be->begin, "recording incidents");

    if (err < 0)
        return err;
    for (size_t i = 0; i < n && err == 0; i++)
        err = insert_incident(be, rows[i]);
    if (err == 0)
        err = step_kept(be->db, be->commit, "recording incidents");
    if (err < 0)
        sqlite3_exec(be->db, "ROLLBACK", NULL, NULL, NULL);
    return err;
}

/* incident_row - one result row to a pg_store_incident for the callback */
static int incident_row(sqlite3_stmt *st, const walk *w)
{
    pg_store_incident inc = {0};

    snprintf(inc.id, sizeof(inc.id), "%s", text(st, 0));
    inc.time = sqlite3_column_int64(st, 1);
    inc.channel = text(st, 2);
    inc.sender = text(st, 3);
    inc.recipient_domains = text(st, 4);
    inc.action = text(st, 5);
    inc.rules = text(st, 6);
    inc.entity_counts = text(st, 7);
    inc.consent_claimed = sqlite3_column_int(st, 8) != 0;
    inc.severity = text(st, 9);
    inc.breach_notifiable = sqlite3_column_int(st, 10) != 0;
    inc.exposure = sqlite3_column_double(st, 11);
    inc.quarantine_id = text(st, 12);
    inc.message_id_hash = text(st, 13);
    return w->cb.incident(&inc, w->payload);
}

/* sq_incident_query - one static SELECT with optional bound filters */
static int sq_incident_query(void *p, const pg_store_filter *f, const char *msgid_hash,
                             pg_store_incident_cb cb, void *payload)
{
    sqlite_be *be = p;
    sqlite3_stmt *st;
    int err;

    if ((err = prepare(be->db, &st,
                       "SELECT id, time, channel, sender, recipient_domains, action, "
                       "rules, entity_counts, consent_claimed, severity, "
                       "breach_notifiable, exposure, quarantine_id, message_id_hash "
                       "FROM incidents WHERE time >= ?1 AND (?2 = 0 OR time < ?2) "
                       "AND (?3 IS NULL OR channel = ?3) AND (?4 IS NULL OR action = ?4) "
                       "AND (?5 IS NULL OR sender = ?5 COLLATE NOCASE) "
                       "AND (?6 IS NULL OR message_id_hash = ?6) "
                       "ORDER BY time, id LIMIT ?7", "reading incidents")) < 0)
        return err;
    sqlite3_bind_int64(st, 1, f->since);
    sqlite3_bind_int64(st, 2, f->until);
    bind_text(st, 3, f->channel);
    bind_text(st, 4, f->action);
    bind_text(st, 5, f->sender);
    bind_text(st, 6, msgid_hash);
    sqlite3_bind_int64(st, 7, f->limit ? (sqlite3_int64)f->limit : -1);
    return each_row(be->db, st, "reading incidents", incident_row,
                    &(walk){.cb.incident = cb, .payload = payload});
}

/* link_incident - point an incident at its quarantined message */
static int link_incident(sqlite3 *db, const char *incident_id, const char *qid)
{
    sqlite3_stmt *st;
    int err;

    if ((err = prepare(db, &st, "UPDATE incidents SET quarantine_id = ?1 WHERE id = ?2",
                       "linking the incident")) < 0)
        return err;
    bind_text(st, 1, qid);
    bind_text(st, 2, incident_id);
    if ((err = run(db, st, "linking the incident")) < 0)
        return err;
    if (sqlite3_changes(db) == 0)
        return pg_error_set(PG_ENOTFOUND, "incident %s does not exist", incident_id);
    return 0;
}

/* insert_qitem - the quarantine row itself */
static int insert_qitem(sqlite3 *db, const pg_store_qitem *q)
{
    sqlite3_stmt *st;
    int err;

    if ((err = prepare(db, &st,
                       "INSERT INTO quarantine(id, incident_id, state, created, changed, "
                       "size, sender, recipient_domains) VALUES "
                       "(?1, ?2, 'held', ?3, ?3, ?4, ?5, ?6)", "recording a quarantine")) < 0)
        return err;
    bind_text(st, 1, q->id);
    bind_text(st, 2, q->incident_id);
    sqlite3_bind_int64(st, 3, q->created);
    sqlite3_bind_int64(st, 4, (sqlite3_int64)q->size);
    bind_text(st, 5, q->sender);
    bind_text(st, 6, q->recipient_domains);
    return run(db, st, "recording a quarantine");
}

/* sq_qitem_add - row and incident link, both or neither */
static int sq_qitem_add(void *p, const pg_store_qitem *q)
{
    sqlite_be *be = p;
    int err;

    if ((err = pg_store__sqlite_exec(be->db, "BEGIN IMMEDIATE", "recording a quarantine")) < 0)
        return err;
    if ((err = insert_qitem(be->db, q)) < 0 ||
        (q->incident_id[0] && (err = link_incident(be->db, q->incident_id, q->id)) < 0) ||
        (err = pg_store__sqlite_exec(be->db, "COMMIT", "recording a quarantine")) < 0) {
        sqlite3_exec(be->db, "ROLLBACK", NULL, NULL, NULL);
        return err;
    }
    return 0;
}

/* qitem_row - one result row to a pg_store_qitem for the callback */
static int qitem_row(sqlite3_stmt *st, const walk *w)
{
    pg_store_qitem q = {0};
    pg_store_qstate state = PG_STORE_Q_DELETED;

    snprintf(q.id, sizeof(q.id), "%s", text(st, 0));
    snprintf(q.incident_id, sizeof(q.incident_id), "%s", text(st, 1));
    pg_store_qstate_from_name(&state, text(st, 2));
    q.state = state;
    q.created = sqlite3_column_int64(st, 3);
    q.changed = sqlite3_column_int64(st, 4);
    q.size = (uint64_t)sqlite3_column_int64(st, 5);
    q.sender = text(st, 6);
    q.recipient_domains = text(st, 7);
    return w->cb.qitem(&q, w->payload);
}

#define QITEM_COLUMNS "SELECT id, incident_id, state, created, changed, size, sender, " \
                      "recipient_domains FROM quarantine "

/* sq_qitem_get - the row with this id */
static int sq_qitem_get(void *p, const char *id, pg_store_qitem_cb cb, void *payload)
{
    sqlite_be *be = p;
    sqlite3_stmt *st;
    int err, found = 0;

    if ((err = prepare(be->db, &st, QITEM_COLUMNS "WHERE id = ?1", "reading quarantine")) < 0)
        return err;
    bind_text(st, 1, id);
    if ((err = sqlite3_step(st)) == SQLITE_ROW) {
        found = 1;
        err = qitem_row(st, &(walk){.cb.qitem = cb, .payload = payload});
    } else {
        err = err == SQLITE_DONE ? 0 : pg_store__sqlite_error(be->db, err, "reading quarantine");
    }
    sqlite3_finalize(st);
    if (err == 0 && !found)
        return pg_error_set(PG_ENOTFOUND, "no quarantined message %s; see "
                            "'piiguard quarantine list'", id);
    return err;
}

/* sq_qitem_list - rows in the given states, created before a time */
static int sq_qitem_list(void *p, unsigned mask, int64_t created_before,
                         pg_store_qitem_cb cb, void *payload)
{
    sqlite_be *be = p;
    sqlite3_stmt *st;
    int err;

    if ((err = prepare(be->db, &st, QITEM_COLUMNS "WHERE (?1 & " STATE_BIT ") != 0 "
                       "AND (?2 = 0 OR created < ?2) ORDER BY created, id",
                       "listing quarantine")) < 0)
        return err;
    sqlite3_bind_int(st, 1, (int)mask);
    sqlite3_bind_int64(st, 2, created_before);
    return each_row(be->db, st, "listing quarantine", qitem_row,
                    &(walk){.cb.qitem = cb, .payload = payload});
}

/* exists - does a quarantine row with this id exist? (1, 0, or < 0) */
static int exists(sqlite3 *db, const char *id)
{
    sqlite3_stmt *st;
    int rc, err;

    if ((err = prepare(db, &st, "SELECT 1 FROM quarantine WHERE id = ?1", "reading quarantine")) < 0)
        return err;
    bind_text(st, 1, id);
    rc = sqlite3_step(st);
    sqlite3_finalize(st);
    if (rc == SQLITE_ROW || rc == SQLITE_DONE)
        return rc == SQLITE_ROW;
    return pg_store__sqlite_error(db, rc, "reading quarantine");
}

/* sq_qitem_set_state - a guarded UPDATE; tell missing from wrong state */
static int sq_qitem_set_state(void *p, const char *id, unsigned from_mask,
                              pg_store_qstate to, int64_t when)
{
    sqlite_be *be = p;
    sqlite3_stmt *st;
    int err;

    if ((err = prepare(be->db, &st, "UPDATE quarantine SET state = ?1, changed = ?2 "
                       "WHERE id = ?3 AND (?4 & " STATE_BIT ") != 0",
                       "changing a quarantine state")) < 0)
        return err;
    bind_text(st, 1, pg_store_qstate_name(to));
    sqlite3_bind_int64(st, 2, when);
    bind_text(st, 3, id);
    sqlite3_bind_int(st, 4, (int)from_mask);
    if ((err = run(be->db, st, "changing a quarantine state")) < 0)
        return err;
    if (sqlite3_changes(be->db) > 0)
        return 0;
    if ((err = exists(be->db, id)) < 0)
        return err;
    return err ? pg_error_set(PG_ESTATE, "quarantined message %s cannot become %s from "
                              "its present state", id, pg_store_qstate_name(to))
               : pg_error_set(PG_ENOTFOUND, "no quarantined message %s", id);
}

/* audit_tail - the last row's seq and hash (0 and "" when empty) */
static int audit_tail(sqlite3 *db, pg_store_audit_row *row)
{
    sqlite3_stmt *st;
    int rc, err;

    if ((err = prepare(db, &st, "SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1",
                       "reading the audit log")) < 0)
        return err;
    row->seq = 1;
    memset(row->prev_hash, '0', PG_STORE_HASH_SIZE - 1);
    row->prev_hash[PG_STORE_HASH_SIZE - 1] = '\0';
    if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        row->seq = (uint64_t)sqlite3_column_int64(st, 0) + 1;
        snprintf(row->prev_hash, sizeof(row->prev_hash), "%s", text(st, 1));
    }
    sqlite3_finalize(st);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        return pg_store__sqlite_error(db, rc, "reading the audit log");
    return 0;
}

/* insert_audit - the sealed row */
static int insert_audit(sqlite3 *db, const pg_store_audit_row *row)
{
    sqlite3_stmt *st;
    int err;

    if ((err = prepare(db, &st, "INSERT INTO audit(seq, time, actor, action, target, "
                       "detail, prev_hash, hash) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                       "writing the audit log")) < 0)
        return err;
    sqlite3_bind_int64(st, 1, (sqlite3_int64)row->seq);
    sqlite3_bind_int64(st, 2, row->time);
    bind_text(st, 3, row->actor);
    bind_text(st, 4, row->action);
    bind_text(st, 5, row->target);
    bind_text(st, 6, row->detail);
    bind_text(st, 7, row->prev_hash);
    bind_text(st, 8, row->hash);
    return run(db, st, "writing the audit log");
}

/* sq_audit_append - tail, seal and insert under one write lock */
static int sq_audit_append(void *p, pg_store_audit_row *row, const uint8_t key[32])
{
    sqlite_be *be = p;
    int err;

    if ((err = pg_store__sqlite_exec(be->db, "BEGIN IMMEDIATE", "writing the audit log")) < 0)
        return err;
    if ((err = audit_tail(be->db, row)) == 0) {
        pg_store__audit_seal(row, key);
        err = insert_audit(be->db, row);
    }
    if (err == 0)
        err = pg_store__sqlite_exec(be->db, "COMMIT", "writing the audit log");
    if (err < 0)
        sqlite3_exec(be->db, "ROLLBACK", NULL, NULL, NULL);
    return err;
}

/* copy_hash - a stored hash only when it has the exact shape, else "!" */
static void copy_hash(char out[PG_STORE_HASH_SIZE], const char *s)
{
    if (strlen(s) == PG_STORE_HASH_SIZE - 1)
        memcpy(out, s, PG_STORE_HASH_SIZE);
    else
        snprintf(out, PG_STORE_HASH_SIZE, "%s", *s ? "!" : "");
}

/* audit_row - one result row to a pg_store_audit_row for the callback */
static int audit_row(sqlite3_stmt *st, const walk *w)
{
    pg_store_audit_row row = {0};

    row.seq = (uint64_t)sqlite3_column_int64(st, 0);
    row.time = sqlite3_column_int64(st, 1);
    row.actor = text(st, 2);
    row.action = text(st, 3);
    row.target = text(st, 4);
    row.detail = text(st, 5);
    copy_hash(row.prev_hash, text(st, 6));
    copy_hash(row.hash, text(st, 7));
    return w->cb.audit(&row, w->payload);
}

/* sq_audit_list - rows from since_seq in order */
static int sq_audit_list(void *p, uint64_t since_seq, pg_store_audit_cb cb, void *payload)
{
    sqlite_be *be = p;
    sqlite3_stmt *st;
    int err;

    if ((err = prepare(be->db, &st, "SELECT seq, time, actor, action, target, detail, "
                       "prev_hash, hash FROM audit WHERE seq >= ?1 ORDER BY seq",
                       "reading the audit log")) < 0)
        return err;
    sqlite3_bind_int64(st, 1, (sqlite3_int64)since_seq);
    return each_row(be->db, st, "reading the audit log", audit_row,
                    &(walk){.cb.audit = cb, .payload = payload});
}

const pg_store_ops pg_store__sqlite_ops = {
    .name = "sqlite",
    .open = sq_open,
    .close = sq_close,
    .incident_add = sq_incident_add,
    .incident_query = sq_incident_query,
    .qitem_add = sq_qitem_add,
    .qitem_get = sq_qitem_get,
    .qitem_list = sq_qitem_list,
    .qitem_set_state = sq_qitem_set_state,
    .audit_append = sq_audit_append,
    .audit_list = sq_audit_list,
};
