/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * test_store.c - incidents in and out, validation, filters, the report,
 * schema migrations (fresh, from an older database, from a newer one),
 * WAL, time parsing, and many threads on one store.
 */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <cmocka.h>
#include <sqlite3.h>

#include "store/helper_store.h"
#include "store/store_sqlite.h"

typedef helper_fixture fixture;

/* A copy of every incident a query returned. */
typedef struct collected {
    size_t n;
    char id[16][PG_STORE_ID_SIZE];
    char sender[16][64];
    char domains[16][128];
    char counts[16][128];
    char msgid_hash[16][PG_STORE_HASH_SIZE];
    char qid[16][PG_STORE_ID_SIZE];
    int64_t time[16];
    double exposure[16];
    bool consent[16];
} collected;

static int collect(const pg_store_incident *inc, void *payload)
{
    collected *c = payload;

    if (c->n == 16)
        return 0;
    snprintf(c->id[c->n], sizeof(c->id[0]), "%s", inc->id);
    snprintf(c->sender[c->n], sizeof(c->sender[0]), "%s", inc->sender);
    snprintf(c->domains[c->n], sizeof(c->domains[0]), "%s", inc->recipient_domains);
    snprintf(c->counts[c->n], sizeof(c->counts[0]), "%s", inc->entity_counts);
    snprintf(c->msgid_hash[c->n], sizeof(c->msgid_hash[0]), "%s", inc->message_id_hash);
    snprintf(c->qid[c->n], sizeof(c->qid[0]), "%s", inc->quarantine_id);
    c->time[c->n] = inc->time;
    c->exposure[c->n] = inc->exposure;
    c->consent[c->n] = inc->consent_claimed;
    c->n++;
    return 0;
}

static void incident_round_trip(void **state)
{
    fixture *fx = *state;
    pg_store_incident inc = helper_incident();
    char id[PG_STORE_ID_SIZE];
    collected c = {0};

    inc.time = 1767225600;
    inc.entity_counts = "{\"US_SSN\": 2, \"IBAN_CODE\": 1}";
    inc.consent_claimed = true;
    assert_int_equal(pg_store_incident_add(id, fx->st, &inc), 0);
    assert_int_equal(strlen(id), 32);
    assert_int_equal(pg_store_incident_query(fx->st, NULL, collect, &c), 0);
    assert_int_equal(c.n, 1);
    assert_string_equal(c.id[0], id);
    assert_int_equal(c.time[0], 1767225600);
    assert_string_equal(c.sender[0], "alice@corp.example");
    assert_string_equal(c.domains[0], "gmail.com");
    assert_string_equal(c.counts[0], "{\"IBAN_CODE\":1,\"US_SSN\":2}");
    assert_true(c.consent[0]);
    assert_true(c.exposure[0] == 300.0);
    assert_string_equal(c.qid[0], "");
    /* the Message-ID is a keyed hash, never the value */
    assert_int_equal(strlen(c.msgid_hash[0]), 64);
    assert_null(strstr(c.msgid_hash[0], "seed-1"));
}

static void incident_found_by_message_id(void **state)
{
    fixture *fx = *state;
    pg_store_incident inc = helper_incident();
    pg_store_filter f = {.message_id = "seed-1@corp.example"};
    char id[PG_STORE_ID_SIZE];
    collected c = {0};

    assert_int_equal(pg_store_incident_add(id, fx->st, &inc), 0);
    inc.message_id = "<other@corp.example>";
    assert_int_equal(pg_store_incident_add(id, fx->st, &inc), 0);
    /* brackets and blanks do not matter */
    assert_int_equal(pg_store_incident_query(fx->st, &f, collect, &c), 0);
    assert_int_equal(c.n, 1);
}

static void incident_validation(void **state)
{
    fixture *fx = *state;
    pg_store_incident inc;
    char id[PG_STORE_ID_SIZE];

    inc = helper_incident(), inc.recipient_domains = "jane@gmail.com";
    assert_int_equal(pg_store_incident_add(id, fx->st, &inc), PG_EINVAL);
    inc = helper_incident(), inc.entity_counts = "{\"" SEED_SSN "\":1}";
    assert_int_equal(pg_store_incident_add(id, fx->st, &inc), PG_EINVAL);
    inc = helper_incident(), inc.entity_counts = "{\"US_SSN\":\"" SEED_SSN "\"}";
    assert_int_equal(pg_store_incident_add(id, fx->st, &inc), PG_EINVAL);
    inc = helper_incident(), inc.rules = "{\"id\":1}";
    assert_int_equal(pg_store_incident_add(id, fx->st, &inc), PG_EINVAL);
    inc = helper_incident(), inc.channel = "Email\n";
    assert_int_equal(pg_store_incident_add(id, fx->st, &inc), PG_EINVAL);
    inc = helper_incident(), inc.sender = "alice\r\nX-Forged: 1";
    assert_int_equal(pg_store_incident_add(id, fx->st, &inc), PG_EINVAL);
    inc = helper_incident(), inc.exposure = -1;
    assert_int_equal(pg_store_incident_add(id, fx->st, &inc), PG_EINVAL);
    inc = helper_incident(), inc.quarantine_id = "../../etc/passwd";
    assert_int_equal(pg_store_incident_add(id, fx->st, &inc), PG_EINVAL);
    inc = helper_incident(), inc.rules = NULL, inc.entity_counts = NULL;
    assert_int_equal(pg_store_incident_add(id, fx->st, &inc), 0);
}

static void domains_from_addresses(void **state)
{
    static const char *const addrs[] = {"Bob@Example.COM", "<x@example.com>",
                                        "y@other.org", "plain.example"};
    static const char *const bad[] = {"nobody@"};
    char *out = NULL;

    (void)state;
    assert_int_equal(pg_store_domains(&out, addrs, 4), 0);
    assert_string_equal(out, "example.com,other.org,plain.example");
    free(out);
    assert_int_equal(pg_store_domains(&out, bad, 1), PG_EINVAL);
    assert_int_equal(pg_store_domains(&out, NULL, 0), 0);
    assert_string_equal(out, "");
    free(out);
}

static void query_filters(void **state)
{
    fixture *fx = *state;
    char qid[PG_STORE_ID_SIZE];
    collected c;

    assert_int_equal(helper_seed(fx->st, qid), 0);
    struct { pg_store_filter f; size_t want; } cases[] = {
        {{0}, 4},
        {{.channel = "email"}, 2},
        {{.action = "redact"}, 1},
        {{.sender = "ALICE@corp.example"}, 2},
        {{.since = 1767225600 + 3600}, 3},
        {{.until = 1767225600 + 3600}, 1},
        {{.since = 1767225600 + 3600, .until = 1767225600 + 3 * 3600}, 2},
        {{.limit = 3}, 3},
        {{.channel = "fax"}, 0},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        memset(&c, 0, sizeof(c));
        assert_int_equal(pg_store_incident_query(fx->st, &cases[i].f, collect, &c), 0);
        assert_int_equal(c.n, cases[i].want);
    }
    /* the first incident points at its quarantined message */
    memset(&c, 0, sizeof(c));
    assert_int_equal(pg_store_incident_query(fx->st, &(pg_store_filter){.limit = 1},
                                             collect, &c), 0);
    assert_string_equal(c.qid[0], qid);
}

static int stop_at_two(const pg_store_incident *inc, void *payload)
{
    (void)inc;
    return ++*(int *)payload == 2 ? 42 : 0;
}

static void query_callback_stops(void **state)
{
    fixture *fx = *state;
    char qid[PG_STORE_ID_SIZE];
    int n = 0;

    assert_int_equal(helper_seed(fx->st, qid), 0);
    assert_int_equal(pg_store_incident_query(fx->st, NULL, stop_at_two, &n), 42);
    assert_int_equal(n, 2);
}

static void report_counts(void **state)
{
    fixture *fx = *state;
    char qid[PG_STORE_ID_SIZE];
    json_t *r = NULL, *rep;

    assert_int_equal(helper_seed(fx->st, qid), 0);
    assert_int_equal(pg_store_report(&r, fx->st, NULL), 0);
    assert_int_equal(json_integer_value(json_object_get(r, "incidents")), 4);
    assert_int_equal(json_integer_value(json_object_get(json_object_get(r, "by_entity"),
                                                        "US_SSN")), 3);
    assert_int_equal(json_integer_value(json_object_get(json_object_get(r, "by_action"),
                                                        "quarantine")), 1);
    assert_int_equal(json_integer_value(json_object_get(json_object_get(r, "by_channel"),
                                                        "email")), 2);
    assert_int_equal(json_integer_value(json_object_get(r, "consent_claimed")), 1);
    assert_int_equal(json_integer_value(json_object_get(r, "breach_notifiable")), 1);
    assert_true(json_real_value(json_object_get(r, "exposure_total")) == 500.0);
    rep = json_object_get(r, "repeat_senders");
    assert_int_equal(json_array_size(rep), 1);
    assert_string_equal(json_string_value(json_object_get(json_array_get(rep, 0), "sender")),
                        "alice@corp.example");
    /* a report holds no raw value and no recipient */
    char *text = json_dumps(r, 0);
    assert_null(strstr(text, SEED_SSN));
    assert_null(strstr(text, "gmail.com"));
    free(text);
    json_decref(r);
}

/* pragma_int - one integer from a fresh connection to the store's database */
static long long db_int(const char *dir, const char *sql)
{
    char path[4096];
    sqlite3 *db;
    sqlite3_stmt *st;
    long long v = -1;

    assert_int_equal(sqlite3_open(helper_path(path, dir, "piiguard.db"), &db), SQLITE_OK);
    assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
    if (sqlite3_step(st) == SQLITE_ROW)
        v = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    sqlite3_close(db);
    return v;
}

static void migrations_fresh(void **state)
{
    fixture *fx = *state;

    assert_int_equal(db_int(fx->dir, "PRAGMA user_version"), PG_STORE_SQLITE_VERSION);
    assert_int_equal(db_int(fx->dir, "SELECT count(*) FROM schema_migrations"),
                     PG_STORE_SQLITE_VERSION);
    assert_int_equal(db_int(fx->dir, "SELECT count(*) FROM sqlite_master WHERE "
                                     "name = 'incidents_time'"), 1);
}

static void migrations_existing(void **state)
{
    char *dir = helper_tmpdir(), path[4096];
    sqlite3 *db;
    pg_store *st;
    collected c = {0};

    (void)state;
    /* a database as version 1 of the schema left it, with one incident */
    assert_int_equal(sqlite3_open(helper_path(path, dir, "piiguard.db"), &db), SQLITE_OK);
    assert_int_equal(pg_store__sqlite_migrate(db, 1), 0);
    assert_int_equal(sqlite3_exec(db, "INSERT INTO incidents(id, time, channel, action) "
                                  "VALUES ('0123456789abcdef0123456789abcdef', 5, 'chat', "
                                  "'tag')", NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(db);
    chmod(path, 0600);
    assert_int_equal(db_int(dir, "PRAGMA user_version"), 1);
    assert_non_null(st = helper_open(dir));
    assert_int_equal(db_int(dir, "PRAGMA user_version"), PG_STORE_SQLITE_VERSION);
    assert_int_equal(pg_store_incident_query(st, NULL, collect, &c), 0);
    assert_int_equal(c.n, 1);
    assert_string_equal(c.id[0], "0123456789abcdef0123456789abcdef");
    pg_store_free(st);
    /* opening again changes nothing */
    assert_non_null(st = helper_open(dir));
    assert_int_equal(db_int(dir, "SELECT count(*) FROM schema_migrations"),
                     PG_STORE_SQLITE_VERSION);
    pg_store_free(st);
    helper_rmtree(dir);
    free(dir);
}

static void migrations_newer_refused(void **state)
{
    fixture *fx = *state;
    char path[4096];
    sqlite3 *db;
    pg_store *st = NULL;

    pg_store_free(fx->st);
    fx->st = NULL;
    assert_int_equal(sqlite3_open(helper_path(path, fx->dir, "piiguard.db"), &db), SQLITE_OK);
    assert_int_equal(sqlite3_exec(db, "PRAGMA user_version = 99", NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(db);
    assert_int_equal(pg_store_open(&st, &(pg_store_opts){.state_dir = fx->dir}), PG_ESTATE);
    assert_non_null(strstr(pg_error_last(), "upgrade piiguard"));
}

static void wal_is_on(void **state)
{
    fixture *fx = *state;
    char path[4096];
    sqlite3 *db;
    sqlite3_stmt *st;

    assert_int_equal(sqlite3_open(helper_path(path, fx->dir, "piiguard.db"), &db), SQLITE_OK);
    assert_int_equal(sqlite3_prepare_v2(db, "PRAGMA journal_mode", -1, &st, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    assert_string_equal((const char *)sqlite3_column_text(st, 0), "wal");
    sqlite3_finalize(st);
    sqlite3_close(db);
}

static void times_in_and_out(void **state)
{
    char buf[32];
    int64_t t;

    (void)state;
    assert_string_equal(pg_store_format_time(buf, 1767225600), "2026-01-01T00:00:00Z");
    struct { const char *in; int64_t want; } ok[] = {
        {"2026-01-01", 1767225600},
        {"2026-01-01T01:02:03Z", 1767225600 + 3723},
        {"2026-01-01 01:02", 1767225600 + 3720},
        {"@12345", 12345},
        {"7d", 1767225600 - 7 * 86400},
        {"12h", 1767225600 - 12 * 3600},
    };
    for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
        assert_int_equal(pg_store_parse_time(&t, ok[i].in, 1767225600), 0);
        assert_int_equal(t, ok[i].want);
    }
    const char *bad[] = {"", "yesterday", "2026-13-01", "2026-01-01T", "7w", "@x", "5d3"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        assert_int_equal(pg_store_parse_time(&t, bad[i], 1767225600), PG_EPARSE);
}

static void *add_many(void *arg)
{
    pg_store *st = arg;
    pg_store_incident inc = helper_incident();
    char id[PG_STORE_ID_SIZE];

    for (int i = 0; i < 50; i++)
        if (pg_store_incident_add(id, st, &inc) < 0)
            return (void *)1;
    return NULL;
}

static void threads_share_a_store(void **state)
{
    fixture *fx = *state;
    int n = 0;

    helper_threads(4, add_many, fx->st);
    assert_int_equal(pg_store_incident_query(fx->st, NULL, helper_count_incident, &n), 0);
    assert_int_equal(n, 200);
}

static void postgres_not_built(void **state)
{
    fixture *fx = *state;
    pg_store *st = NULL;

    assert_int_equal(pg_store_open(&st, &(pg_store_opts){.state_dir = fx->dir,
                                                         .backend = "postgres"}), PG_EINVAL);
    assert_non_null(strstr(pg_error_last(), "not built"));
    assert_int_equal(pg_store_open(&st, &(pg_store_opts){.state_dir = fx->dir,
                                                         .backend = "oracle"}), PG_EINVAL);
    assert_string_equal(pg_store_backend_name(fx->st), "sqlite");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(incident_round_trip, helper_setup, helper_teardown),
        cmocka_unit_test_setup_teardown(incident_found_by_message_id, helper_setup, helper_teardown),
        cmocka_unit_test_setup_teardown(incident_validation, helper_setup, helper_teardown),
        cmocka_unit_test(domains_from_addresses),
        cmocka_unit_test_setup_teardown(query_filters, helper_setup, helper_teardown),
        cmocka_unit_test_setup_teardown(query_callback_stops, helper_setup, helper_teardown),
        cmocka_unit_test_setup_teardown(report_counts, helper_setup, helper_teardown),
        cmocka_unit_test_setup_teardown(migrations_fresh, helper_setup, helper_teardown),
        cmocka_unit_test(migrations_existing),
        cmocka_unit_test_setup_teardown(migrations_newer_refused, helper_setup, helper_teardown),
        cmocka_unit_test_setup_teardown(wal_is_on, helper_setup, helper_teardown),
        cmocka_unit_test(times_in_and_out),
        cmocka_unit_test_setup_teardown(threads_share_a_store, helper_setup, helper_teardown),
        cmocka_unit_test_setup_teardown(postgres_not_built, helper_setup, helper_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
