/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *   milter.h - the mail gateway front end: piiguard as a Postfix milter.
 *
 * SUMMARY
 *   Postfix hands every message to the milter (libmilter protocol); the
 *   milter rebuilds the message, asks pg_service for a decision at end of
 *   message and turns the decision into an SMTP reply or a change to the
 *   message. Nothing leaves unchecked: every failure is a tempfail.
 *
 * SYNOPSIS
 *   Options and the process (supervise.c, daemon.c)
 *     void pg_milter_opts_init(pg_milter_opts *opts);
 *     int  pg_milter_run(const pg_milter_opts *opts);
 *     void pg_milter_quiet_stdio(void);
 *     int  pg_milter_worker(const pg_milter_opts *opts, int ready_fd);
 *
 *   Collecting one message (spool.c)
 *     int  pg_milter_spool_new(pg_milter_spool **out, const char *dir,
 *                              size_t threshold, size_t max);
 *     int  pg_milter_spool_append(pg_milter_spool *s, const void *buf,
 *                                 size_t len);
 *     int  pg_milter_spool_error(const pg_milter_spool *s);
 *     size_t pg_milter_spool_size(const pg_milter_spool *s);
 *     bool pg_milter_spool_on_disk(const pg_milter_spool *s);
 *     int  pg_milter_spool_map(const char **out, size_t *len,
 *                              pg_milter_spool *s);
 *     void pg_milter_spool_free(pg_milter_spool *s);
 *     int  pg_milter_spool_sweep(const char *dir);
 *
 *   The header block (headers.c)
 *     void pg_milter_hdr_append(pg_milter_spool *s, const char *name,
 *                               const char *value);
 *     size_t pg_milter_hdr_block_len(const char *raw, size_t len);
 *     bool pg_milter_hdr_next(pg_milter_hdr *h, const char *block,
 *                             size_t len, size_t *pos);
 *     char *pg_milter_hdr_value(const pg_milter_hdr *h);
 *
 *   One SMTP session (conn.c)
 *     int  pg_milter_conn_new(pg_milter_conn **out);
 *     void pg_milter_conn_reset(pg_milter_conn *c);
 *     void pg_milter_conn_free(pg_milter_conn *c);
 *     int  pg_milter_conn_sender(pg_milter_conn *c, const char *macro,
 *                                const char *arg, const char *auth_user);
 *     int  pg_milter_conn_rcpt(pg_milter_conn *c, const char *macro,
 *                              const char *arg);
 *     pg_milter_spool *pg_milter_conn_spool(pg_milter_conn *c,
 *                                           const pg_milter *m);
 *
 *   libmilter (callbacks.c, act.c, notify.c)
 *     int  pg_milter_register(pg_milter *m);
 *     sfsistat pg_milter_eom(SMFICTX *ctx, pg_milter *m, pg_milter_conn *c);
 *     int  pg_milter_notify(const pg_milter *m, const char *sender,
 *                           const pg_decision *d, pg_action done,
 *                           const char *qid);
 *
 *   SMTP replies (reply.c)
 *     size_t pg_milter_reply_split(char lines[][PG_MILTER_REPLY_LINE_MAX + 1],
 *                                  const char *notice);
 *     size_t pg_milter_entity_summary(char *out, size_t cap,
 *                                     const pg_msg *msg);
 *
 * DESCRIPTION
 *   The spool is the one buffer a message lives in while it is checked:
 *   the rebuilt header block, then the body. It stays in memory up to a
 *   threshold and moves to an unlinked, mode 0600 file in STATE_DIR/spool
 *   beyond it; either way it is wiped before it is released. Its errors
 *   are sticky (an append after a failure does nothing), so the callbacks
 *   append blindly and the end of message checks once.
 *
 *   The libmilter callbacks (callbacks.c) and the acting on a decision
 *   (act.c, notify.c) are private to the room; they need an SMFICTX and
 *   are reached only through smfi_main.
 *
 * DIAGNOSTICS
 *   Functions return 0 or a negative pg_err; pg_error_last() says more.
 *   Log lines read "<queue-id> milter action=... entities=TYPE:N ms=N"
 *   and never carry a value, an address or a subject.
 */
#ifndef PIIGUARD_MILTER_H
#define PIIGUARD_MILTER_H

#include <stdbool.h>
#include <stddef.h>

#include <libmilter/mfapi.h>

#include "http/http.h"
#include "piiguard/pg_msg.h"
#include "piiguard/pg_service.h"

/* An SMTP reply carries at most this many lines of at most this many
 * bytes (RFC 5321 allows 512 per line with the code; the policy's short
 * notice promises to fit). */
#define PG_MILTER_REPLY_LINES 10
#define PG_MILTER_REPLY_LINE_MAX 400

/* Messages up to this size are checked from memory by default. */
#define PG_MILTER_DEFAULT_SPOOL_THRESHOLD (1u << 20)

/* The largest message the milter collects by default; Postfix's own
 * message_size_limit (10 MB by default) normally bites first. */
#define PG_MILTER_DEFAULT_MAX_MESSAGE (64u << 20)

/* Called in the worker once the service is open and the socket bound:
 * how `piiguard run` starts the HTTP API beside the milter. It may set
 * *metrics to a registry the milter then counts into (borrowed until the
 * stop hook). A negative return stops the worker. */
typedef int (*pg_milter_start_fn)(pg_metrics **metrics, pg_service *svc,
                                  void *payload);

/* Called in the worker after the milter stopped, before the service is
 * closed. */
typedef void (*pg_milter_stop_fn)(void *payload);

typedef struct pg_milter_opts {
    const char *listen;      /* "inet:PORT@HOST" or "unix:PATH" */
    const char *policy_path;
    const char *state_dir;   /* store, quarantine and spool */
    bool foreground;         /* else detach and log to syslog */
    bool notify;             /* mail the full notice to the sender */
    const char *sendmail;    /* for --notify */
    size_t spool_threshold;  /* bytes kept in memory per message */
    size_t max_message;      /* bytes collected at most per message */
    int timeout;             /* libmilter's MTA I/O timeout, seconds */
    pg_log_level log_level;
    pg_milter_start_fn start_extra;
    pg_milter_stop_fn stop_extra;
    void *extra_payload;
} pg_milter_opts;

/* The running milter: what every connection shares. */
typedef struct pg_milter {
    pg_service *svc;         /* thread-safe; the store has its own mutex */
    const pg_milter_opts *opts;
    char spool_dir[4096];
    _Atomic int active;      /* sessions open, so shutdown can wait */
    pg_metrics *metrics;     /* NULL unless the HTTP API runs beside */
} pg_milter;

/* One header field in a block: name and raw value, folding kept. */
typedef struct pg_milter_hdr {
    const char *name;
    size_t name_len;
    const char *value;       /* after "name:" and the one space we add */
    size_t value_len;        /* up to, not including, the final CRLF */
} pg_milter_hdr;

typedef struct pg_milter_spool pg_milter_spool;

/* One SMTP session, one message at a time (hung on smfi_setpriv). Only
 * its libmilter thread touches it. */
typedef struct pg_milter_conn {
    unsigned long steps;     /* negotiated SMFIP_* (which steps need no reply) */
    char *sender;            /* envelope sender without <>, "" for <> */
    char *auth_user;         /* {auth_authen}, or NULL */
    char **rcpts;
    size_t n_rcpts, cap_rcpts;
    pg_milter_spool *spool;  /* NULL until the first header */
    int error;               /* first failure outside the spool, sticky */
} pg_milter_conn;

/* pg_milter_opts_init - the defaults documented in piiguard-milter(8) */
void pg_milter_opts_init(pg_milter_opts *opts);

/* pg_milter_run - run the milter until SIGTERM; returns an exit code */
int pg_milter_run(const pg_milter_opts *opts);

/* pg_milter_quiet_stdio - stdin, stdout, stderr to /dev/null */
void pg_milter_quiet_stdio(void);

/* pg_milter_worker - the process that serves Postfix (daemon.c); writes
 * one byte to ready_fd once it accepts connections */
int pg_milter_worker(const pg_milter_opts *opts, int ready_fd);

/* pg_milter_spool_new - an empty spool; files go to dir (must exist) */
int pg_milter_spool_new(pg_milter_spool **out, const char *dir,
                        size_t threshold, size_t max);

/* pg_milter_spool_append - add bytes; sticky PG_ETOOBIG/PG_EIO/PG_ENOMEM */
int pg_milter_spool_append(pg_milter_spool *s, const void *buf, size_t len);

/* pg_milter_spool_error - the first error an append met, or 0 */
int pg_milter_spool_error(const pg_milter_spool *s);

/* pg_milter_spool_size - bytes appended so far */
size_t pg_milter_spool_size(const pg_milter_spool *s);

/* pg_milter_spool_on_disk - has the message moved to a file? */
bool pg_milter_spool_on_disk(const pg_milter_spool *s);

/* pg_milter_spool_map - the whole message as one read-only buffer,
 * borrowed until pg_milter_spool_free(); no further appends after it */
int pg_milter_spool_map(const char **out, size_t *len, pg_milter_spool *s);

/* pg_milter_spool_free - wipe memory and file, close; NULL is allowed */
void pg_milter_spool_free(pg_milter_spool *s);

/* pg_milter_spool_sweep - remove leftovers of a crash from the spool dir */
int pg_milter_spool_sweep(const char *dir);

/* pg_milter_conn_new - an empty session */
int pg_milter_conn_new(pg_milter_conn **out);

/* pg_milter_conn_reset - forget the current message, wiping its bytes */
void pg_milter_conn_reset(pg_milter_conn *c);

/* pg_milter_conn_free - reset and free; NULL is allowed */
void pg_milter_conn_free(pg_milter_conn *c);

/* pg_milter_conn_sender - set the envelope sender from the {mail_addr}
 * macro, else from MAIL FROM's "<addr>"; sticky PG_ENOMEM */
int pg_milter_conn_sender(pg_milter_conn *c, const char *macro, const char *arg,
                          const char *auth_user);

/* pg_milter_conn_rcpt - add a recipient the same way; sticky error */
int pg_milter_conn_rcpt(pg_milter_conn *c, const char *macro, const char *arg);

/* pg_milter_conn_spool - the message's spool, made on first use */
pg_milter_spool *pg_milter_conn_spool(pg_milter_conn *c, const pg_milter *m);

/* pg_milter_register - hand libmilter the callbacks that serve m (the
 * one file-scope pointer: libmilter callbacks get no user pointer) */
int pg_milter_register(pg_milter *m);

/* pg_milter_eom - check the collected message and act on the decision */
sfsistat pg_milter_eom(SMFICTX *ctx, pg_milter *m, pg_milter_conn *c);

/* pg_milter_notify - mail the full notice to the sender (--notify) */
int pg_milter_notify(const pg_milter *m, const char *sender,
                     const pg_decision *d, pg_action done, const char *qid);

/* pg_milter_hdr_append - append "name: value\r\n", LF folds made CRLF */
void pg_milter_hdr_append(pg_milter_spool *s, const char *name,
                          const char *value);

/* pg_milter_hdr_block_len - length of the header block including the
 * empty line that ends it; len when there is no empty line */
size_t pg_milter_hdr_block_len(const char *raw, size_t len);

/* pg_milter_hdr_next - the next field of a block from *pos; false at end */
bool pg_milter_hdr_next(pg_milter_hdr *h, const char *block, size_t len,
                        size_t *pos);

/* pg_milter_hdr_value - a field's value as libmilter wants it (LF folds,
 * NUL-terminated, malloc'd), or NULL when out of memory */
char *pg_milter_hdr_value(const pg_milter_hdr *h);

/* pg_milter_reply_split - a notice as SMTP reply lines: '%' escaped,
 * control bytes and non-ASCII replaced, long lines wrapped, at most
 * PG_MILTER_REPLY_LINES lines; returns how many (at least one) */
size_t pg_milter_reply_split(char lines[][PG_MILTER_REPLY_LINE_MAX + 1],
                             const char *notice);

/* pg_milter_entity_summary - "US_SSN:2,CREDIT_CARD:1" (counts only) or
 * "none"; returns the length written */
size_t pg_milter_entity_summary(char *out, size_t cap, const pg_msg *msg);

#endif /* PIIGUARD_MILTER_H */
