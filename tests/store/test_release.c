/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * test_release.c - 'piiguard quarantine release' against a fake SMTP relay
 * in a thread: the envelope comes out of the ciphertext, the data is
 * dot-stuffed with CRLF line ends, and the item becomes released only when
 * the relay said 250. A refused recipient, a relay that hangs up inside
 * DATA, and a relay that is not there all leave the message held.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <cmocka.h>

#include "cli/cli.h"
#include "store/helper_store.h"

/* A one-connection SMTP server that writes down what it was sent. */
typedef struct fake {
    int lfd, port;
    const char *rcpt_reply;
    bool hang_up_in_data;
    char log[16384];
    size_t len;
    pthread_t th;
} fake;

/* fake_line - one line from the client into the log (and into line) */
static int fake_line(fake *f, int fd, char *line, size_t cap)
{
    size_t n = 0;
    char c;

    while (n + 1 < cap && recv(fd, &c, 1, 0) == 1) {
        line[n++] = c;
        if (f->len + 1 < sizeof(f->log))
            f->log[f->len++] = c;
        if (c == '\n')
            break;
    }
    line[n] = '\0';
    return n > 0 ? 0 : -1;
}

static void say(int fd, const char *s)
{
    (void)!send(fd, s, strlen(s), MSG_NOSIGNAL);
}

/* fake_data - read data lines up to the lone dot */
static int fake_data(fake *f, int fd)
{
    char line[2048];

    while (fake_line(f, fd, line, sizeof(line)) == 0) {
        if (f->hang_up_in_data)
            return -1;
        if (strcmp(line, ".\r\n") == 0)
            return 0;
    }
    return -1;
}

static void *fake_serve(void *arg)
{
    fake *f = arg;
    char line[2048];
    int fd = accept(f->lfd, NULL, NULL);

    say(fd, "220 fake ESMTP\r\n");
    while (fd >= 0 && fake_line(f, fd, line, sizeof(line)) == 0) {
        if (strncmp(line, "EHLO", 4) == 0)
            say(fd, "250-fake\r\n250 8BITMIME\r\n");
        else if (strncmp(line, "RCPT", 4) == 0)
            say(fd, f->rcpt_reply);
        else if (strncmp(line, "DATA", 4) == 0) {
            say(fd, "354 go on\r\n");
            if (fake_data(f, fd) < 0)
                break;
            say(fd, "250 2.0.0 queued\r\n");
        } else if (strncmp(line, "QUIT", 4) == 0) {
            say(fd, "221 bye\r\n");
            break;
        } else
            say(fd, "250 ok\r\n");
    }
    if (fd >= 0)
        close(fd);
    return NULL;
}

/* fake_start - listen on an ephemeral loopback port */
static void fake_start(fake *f, const char *rcpt_reply, bool hang_up)
{
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t sl = sizeof(sa);

    memset(f, 0, sizeof(*f));
    f->rcpt_reply = rcpt_reply;
    f->hang_up_in_data = hang_up;
    assert_true((f->lfd = socket(AF_INET, SOCK_STREAM, 0)) >= 0);
    /* a test that fails before connecting must not leave accept() waiting */
    setsockopt(f->lfd, SOL_SOCKET, SO_RCVTIMEO, &(struct timeval){.tv_sec = 10},
               sizeof(struct timeval));
    assert_int_equal(bind(f->lfd, (struct sockaddr *)&sa, sizeof(sa)), 0);
    assert_int_equal(listen(f->lfd, 1), 0);
    assert_int_equal(getsockname(f->lfd, (struct sockaddr *)&sa, &sl), 0);
    f->port = ntohs(sa.sin_port);
    assert_int_equal(pthread_create(&f->th, NULL, fake_serve, f), 0);
}

static void fake_stop(fake *f)
{
    pthread_join(f->th, NULL);
    close(f->lfd);
    f->log[f->len] = '\0';
}

typedef helper_fixture fixture;

/* setup - a seeded store, closed again: the command opens its own */
static int setup(void **state)
{
    fixture *fx;

    if (helper_setup(state) < 0)
        return -1;
    fx = *state;
    int err = helper_seed(fx->st, fx->qid);
    pg_store_free(fx->st);
    fx->st = NULL;
    return err;
}

/* release - run the command against a relay port */
static int release(fixture *fx, int port)
{
    char relay[64];
    char *argv[] = {"quarantine", "release", fx->qid, "--relay", relay, "--helo",
                    "test.example", "--state-dir", fx->dir, "--operator", "tester",
                    "--timeout", "5", NULL};

    snprintf(relay, sizeof(relay), "127.0.0.1:%d", port);
    return pg_cli_quarantine((int)(sizeof(argv) / sizeof(argv[0])) - 1, argv);
}

/* state_of - the item's state now */
static pg_store_qstate state_of(fixture *fx)
{
    pg_store *st = helper_open(fx->dir);
    pg_store_qitem *q = NULL;
    pg_store_qstate s;

    assert_non_null(st);
    assert_int_equal(pg_store_quarantine_get(&q, st, fx->qid), 0);
    s = q->state;
    pg_store_qitem_free(q);
    pg_store_free(st);
    return s;
}

static void delivers_and_marks_released(void **state)
{
    fixture *fx = *state;
    fake f;

    fake_start(&f, "250 ok\r\n", false);
    assert_int_equal(release(fx, f.port), PG_EXIT_CLEAN);
    fake_stop(&f);
    assert_non_null(strstr(f.log, "EHLO test.example\r\n"));
    assert_non_null(strstr(f.log, "MAIL FROM:<alice@corp.example>\r\n"));
    assert_non_null(strstr(f.log, "RCPT TO:<" SEED_RCPT ">\r\n"));
    assert_non_null(strstr(f.log, "\r\nSubject: your account\r\n"));
    assert_non_null(strstr(f.log, "is " SEED_SSN ".\r\n..leading dot line\r\nRegards\r\n.\r\n"));
    assert_null(strstr(f.log, "\n\n"));  /* every bare LF became CRLF */
    assert_non_null(strstr(f.log, "QUIT\r\n"));
    assert_int_equal(state_of(fx), PG_STORE_Q_RELEASED);
    /* a second release is refused before any connection */
    assert_int_equal(release(fx, f.port), PG_EXIT_ERROR);
}

static void refused_recipient_stays_held(void **state)
{
    fixture *fx = *state;
    fake f;

    fake_start(&f, "550 5.1.1 no such user\r\n", false);
    assert_int_equal(release(fx, f.port), PG_EXIT_ERROR);
    fake_stop(&f);
    assert_null(strstr(f.log, "DATA"));
    assert_int_equal(state_of(fx), PG_STORE_Q_HELD);
}

static void hang_up_in_data_stays_held(void **state)
{
    fixture *fx = *state;
    fake f;

    fake_start(&f, "250 ok\r\n", true);
    assert_int_equal(release(fx, f.port), PG_EXIT_ERROR);
    fake_stop(&f);
    assert_int_equal(state_of(fx), PG_STORE_Q_HELD);
}

static void no_relay_stays_held(void **state)
{
    fixture *fx = *state;
    fake f;

    fake_start(&f, "250 ok\r\n", false);
    int port = f.port;
    /* let the fake finish without a client, then its port is closed */
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port),
                             .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    assert_int_equal(connect(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
    close(fd);
    fake_stop(&f);
    assert_int_equal(release(fx, port), PG_EXIT_ERROR);
    assert_int_equal(state_of(fx), PG_STORE_Q_HELD);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(delivers_and_marks_released, setup, helper_teardown),
        cmocka_unit_test_setup_teardown(refused_recipient_stays_held, setup, helper_teardown),
        cmocka_unit_test_setup_teardown(hang_up_in_data_stays_held, setup, helper_teardown),
        cmocka_unit_test_setup_teardown(no_relay_stays_held, setup, helper_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
