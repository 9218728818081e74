/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * helper_store.c - temporary state directories and the fixed seed used by
 * every store test (see helper_store.h).
 */
#include <dirent.h>
#include <ftw.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <signal.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include <cmocka.h>

#include "store/helper_store.h"

/* helper_tmpdir - mkdtemp under $TMPDIR or /tmp */
char *helper_tmpdir(void)
{
    const char *base = getenv("TMPDIR");
    char *path = malloc(4096);

    if (!path)
        abort();
    snprintf(path, 4096, "%s/pgstore-XXXXXX", base && *base ? base : "/tmp");
    if (!mkdtemp(path))
        abort();
    return path;
}

/* rm_one - nftw callback: remove one entry */
static int rm_one(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
    (void)sb;
    (void)flag;
    (void)ftw;
    return remove(path);
}

/* helper_rmtree - depth-first removal */
void helper_rmtree(const char *dir)
{
    nftw(dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

/* helper_open - default options, creating the store */
pg_store *helper_open(const char *dir)
{
    pg_store_opts opts = {.state_dir = dir};
    pg_store *st = NULL;

    if (pg_store_open(&st, &opts) < 0) {
        fprintf(stderr, "helper_open: %s\n", pg_error_last());
        return NULL;
    }
    return st;
}

/* helper_setup - the usual fixture */
int helper_setup(void **state)
{
    helper_fixture *fx = calloc(1, sizeof(*fx));

    if (!fx)
        return -1;
    pg_log_configure(PG_LOG_WARN, NULL, NULL);
    fx->dir = helper_tmpdir();
    fx->st = helper_open(fx->dir);
    *state = fx;
    return fx->st ? 0 : -1;
}

/* helper_teardown - undo helper_setup */
int helper_teardown(void **state)
{
    helper_fixture *fx = *state;

    pg_store_free(fx->st);
    helper_rmtree(fx->dir);
    free(fx->dir);
    free(fx);
    return 0;
}

/* helper_fsize_limit - RLIMIT_FSIZE's soft limit to bytes */
void helper_fsize_limit(unsigned long bytes)
{
    struct rlimit r;

    getrlimit(RLIMIT_FSIZE, &r);
    r.rlim_cur = (rlim_t)bytes;
    assert_int_equal(setrlimit(RLIMIT_FSIZE, &r), 0);
}

/* helper_fsize_unlimit - RLIMIT_FSIZE's soft limit back to the hard one */
void helper_fsize_unlimit(void)
{
    struct rlimit r;

    getrlimit(RLIMIT_FSIZE, &r);
    r.rlim_cur = r.rlim_max;
    assert_int_equal(setrlimit(RLIMIT_FSIZE, &r), 0);
}

/* helper_fault_setup - the usual fixture, SIGXFSZ ignored */
int helper_fault_setup(void **state)
{
    signal(SIGXFSZ, SIG_IGN);
    return helper_setup(state);
}

/* helper_fault_teardown - lift any limit a failed test left, then the usual */
int helper_fault_teardown(void **state)
{
    helper_fsize_unlimit();
    return helper_teardown(state);
}

/* helper_count_incident - count rows of a query */
int helper_count_incident(const pg_store_incident *inc, void *payload)
{
    (void)inc;
    ++*(int *)payload;
    return 0;
}

/* helper_count_qitem - count items of a listing */
int helper_count_qitem(const pg_store_qitem *item, void *payload)
{
    (void)item;
    ++*(int *)payload;
    return 0;
}

/* helper_path - dir/name */
char *helper_path(char out[4096], const char *dir, const char *name)
{
    snprintf(out, 4096, "%s/%s", dir, name);
    return out;
}

/* helper_threads - start, join, check */
void helper_threads(int n, void *(*fn)(void *), void *arg)
{
    pthread_t t[16];
    void *rc;

    assert_true(n > 0 && n <= 16);
    for (int i = 0; i < n; i++)
        assert_int_equal(pthread_create(&t[i], NULL, fn, arg), 0);
    for (int i = 0; i < n; i++) {
        assert_int_equal(pthread_join(t[i], &rc), 0);
        assert_null(rc);
    }
}

/* helper_entries - count a directory's entries */
int helper_entries(const char *dir)
{
    DIR *d = opendir(dir);
    int n = 0;

    for (struct dirent *e; d && (e = readdir(d));)
        n += strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0;
    if (d)
        closedir(d);
    return n;
}

/* helper_file_contains - memmem over the whole file (1 on a hit) */
int helper_file_contains(const char *path, const char *needle)
{
    FILE *f = fopen(path, "rb");
    char *buf;
    long n;
    int hit;

    if (!f)
        return 0;
    fseek(f, 0, SEEK_END);
    n = ftell(f);
    rewind(f);
    buf = malloc((size_t)n + 1);
    if (!buf || fread(buf, 1, (size_t)n, f) != (size_t)n)
        abort();
    fclose(f);
    hit = memmem(buf, (size_t)n, needle, strlen(needle)) != NULL;
    free(buf);
    return hit;
}

/* helper_seed_message - a message with a fake SSN and a line that starts
 * with '.', to see dot-stuffing on release */
const char *helper_seed_message(void)
{
    return "From: Alice <alice@corp.example>\n"
           "To: Jane <" SEED_RCPT ">\n"
           "Subject: your account\n"
           "Message-ID: <seed-1@corp.example>\n"
           "\n"
           "Hello Jane, your SSN on file is " SEED_SSN ".\n"
           ".leading dot line\n"
           "Regards\n";
}

/* helper_incident - a valid incident */
pg_store_incident helper_incident(void)
{
    return (pg_store_incident){
        .channel = "email",
        .sender = "alice@corp.example",
        .recipient_domains = "gmail.com",
        .action = "quarantine",
        .rules = "[{\"id\":\"ssn-external\",\"action\":\"quarantine\","
                 "\"reason\":\"US SSN to an external domain\"}]",
        .entity_counts = "{\"US_SSN\":2}",
        .severity = "high",
        .breach_notifiable = true,
        .exposure = 300.0,
        .message_id = "<seed-1@corp.example>",
    };
}

/* seed_incidents - the fixed incidents; the first id goes to first_id */
static int seed_incidents(pg_store *st, char first_id[PG_STORE_ID_SIZE])
{
    pg_store_incident v[4];
    char id[PG_STORE_ID_SIZE];
    int err = 0;

    for (int i = 0; i < 4; i++)
        v[i] = helper_incident();
    v[1].action = "reject", v[1].entity_counts = "{\"CREDIT_CARD\":1}";
    v[1].consent_claimed = true, v[1].severity = "critical", v[1].exposure = 150;
    v[1].message_id = NULL, v[1].breach_notifiable = false;
    v[2].channel = "chat", v[2].sender = "bob@corp.example", v[2].action = "redact";
    v[2].entity_counts = "{\"EMAIL_ADDRESS\":3}", v[2].severity = "low";
    v[2].exposure = 0, v[2].message_id = NULL, v[2].breach_notifiable = false;
    v[2].recipient_domains = "";
    v[3].channel = "sms", v[3].sender = "carol", v[3].action = "tag";
    v[3].entity_counts = "{\"PHONE_NUMBER\":1,\"US_SSN\":1}", v[3].severity = "medium";
    v[3].exposure = 50, v[3].message_id = NULL, v[3].breach_notifiable = false;
    for (int i = 0; i < 4 && err == 0; i++) {
        v[i].time = 1767225600 + i * 3600; /* 2026-01-01T00:00:00Z + i h */
        err = pg_store_incident_add(i == 0 ? first_id : id, st, &v[i]);
    }
    return err;
}

/* helper_seed - incidents, then the quarantined message linked to the first */
int helper_seed(pg_store *st, char qid_out[PG_STORE_ID_SIZE])
{
    static const char *const rcpts[] = {SEED_RCPT};
    pg_store_envelope env = {"alice@corp.example", rcpts, 1};
    char first[PG_STORE_ID_SIZE];
    const char *msg = helper_seed_message();
    int err = seed_incidents(st, first);

    if (err == 0)
        err = pg_store_quarantine_put(qid_out, st, &env, msg, strlen(msg), first);
    return err;
}
