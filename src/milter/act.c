/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *   act.c - end of message: check the collected message, then make the
 *   policy's decision happen in Postfix.
 *
 * SUMMARY
 *   sfsistat pg_milter_eom(SMFICTX *ctx, pg_milter *m, pg_milter_conn *c);
 *
 * DESCRIPTION
 *   One decision covers every recipient of the message (the policy weighs
 *   them all; the most restrictive rule wins), so the reply is one reply.
 *
 *     allow       accept, nothing changed (the body stays byte-identical)
 *     tag         accept with X-PIIGuard-Action and X-PIIGuard-Entities
 *                 (entity types and counts, never values)
 *     redact      replace the body with pg_msg_redact()'s copy and change
 *                 each header field the redaction touched; a finding the
 *                 redaction cannot reach (inside an attachment) escalates
 *                 to reject
 *     secure      add the policy's secure-route header, which Postfix maps
 *                 to the encrypting transport; no route configured
 *                 escalates to reject, since Postfix would deliver in clear
 *     quarantine  keep an encrypted copy in the store, then accept and
 *                 discard the message: Postfix keeps no copy, since its
 *                 queue files are clear text (release goes through the
 *                 store, `piiguard quarantine release`)
 *     reject      550 5.7.1 with the short notice, which the sender's
 *                 client shows at once
 *     tempfail    451 4.7.1: the check itself failed
 *
 *   Whatever goes on, goes without X-PIIGuard-* (or secure-route) headers
 *   the sender wrote himself: only the gateway writes those.
 *
 *   Any failure on the way (no memory, a libmilter call refused, the store
 *   down) is a tempfail: the client keeps the message and retries, and
 *   nothing leaves unchecked.
 *
 * DIAGNOSTICS
 *   One log line per message: "<queue-id> milter action=A entities=T:N
 *   ms=N bytes=N rcpts=N [incident=ID] [quarantine=ID] [error=E]".
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "milter/milter.h"

#define TEXT_INTERNAL "The message could not be checked for customer data; " \
                      "please try again later"
#define TEXT_TOO_BIG "The message is too large for the customer data check"
#define TEXT_NO_ROUTE "No secure route is configured for this message, " \
                      "so it was not sent."

/* What end of message did, for the reply and the log line. */
typedef struct outcome {
    pg_action action;        /* after escalation */
    sfsistat stat;
    bool notify;             /* the sender should get the full notice */
    const char *error;       /* why it failed, or NULL */
    char quarantine_id[40];
} outcome;

/* done - an outcome with no error */
static outcome done(pg_action action, sfsistat stat)
{
    return (outcome){.action = action, .stat = stat};
}

/* set_reply - the notice as one (multi-line) SMTP reply */
static void set_reply(SMFICTX *ctx, char *code, char *xcode, const char *notice)
{
    char lines[PG_MILTER_REPLY_LINES][PG_MILTER_REPLY_LINE_MAX + 1];
    char *l[PG_MILTER_REPLY_LINES] = {0};
    size_t n = pg_milter_reply_split(lines, notice);

    for (size_t i = 0; i < n; i++)
        l[i] = lines[i];
    _Static_assert(PG_MILTER_REPLY_LINES == 10, "one argument per line below");
    if (smfi_setmlreply(ctx, code, xcode, l[0], l[1], l[2], l[3], l[4], l[5],
                        l[6], l[7], l[8], l[9], (char *)NULL) != MI_SUCCESS)
        smfi_setreply(ctx, code, xcode, "Refused by the data protection policy");
}

/* tempfail - 451 4.7.1: the client keeps the message and retries */
static outcome tempfail(SMFICTX *ctx, const char *notice, const char *error)
{
    outcome o = done(PG_ACT_TEMPFAIL, SMFIS_TEMPFAIL);

    set_reply(ctx, "451", "4.7.1", notice && *notice ? notice : TEXT_INTERNAL);
    o.error = error;
    return o;
}

/* reject - 550 5.7.1 with the notice */
static outcome reject(SMFICTX *ctx, const char *notice)
{
    outcome o = done(PG_ACT_REJECT, SMFIS_REJECT);

    set_reply(ctx, "550", "5.7.1", notice);
    o.notify = true;
    return o;
}

/* add_tags - X-PIIGuard-Action and X-PIIGuard-Entities (counts only) */
static int add_tags(SMFICTX *ctx, pg_action action, const pg_msg *msg)
{
    char summary[1024];

    pg_milter_entity_summary(summary, sizeof(summary), msg);
    if (smfi_addheader(ctx, "X-PIIGuard-Action",
                       (char *)pg_action_name(action)) != MI_SUCCESS ||
        smfi_addheader(ctx, "X-PIIGuard-Entities", summary) != MI_SUCCESS)
        return PG_EIO;
    return 0;
}

/* act_tag - accept with the tags */
static outcome act_tag(SMFICTX *ctx, const pg_verdict *v)
{
    if (add_tags(ctx, PG_ACT_TAG, v->msg) < 0)
        return tempfail(ctx, NULL, "addheader");
    return done(PG_ACT_TAG, SMFIS_CONTINUE);
}

/* occurrence - 1-based index of field h among fields of its name */
static int occurrence(const char *block, size_t len, const pg_milter_hdr *h)
{
    pg_milter_hdr f;
    size_t pos = 0;
    int n = 0;

    while (pg_milter_hdr_next(&f, block, len, &pos) && f.name <= h->name)
        if (f.name_len == h->name_len &&
            strncasecmp(f.name, h->name, h->name_len) == 0)
            n++;
    return n;
}

/* change_one - smfi_chgheader one field to its redacted value */
static int change_one(SMFICTX *ctx, const pg_milter_hdr *red, int index)
{
    char *name = strndup(red->name, red->name_len);
    char *value = pg_milter_hdr_value(red);
    int err = 0;

    if (!name || !value)
        err = PG_ENOMEM;
    else if (smfi_chgheader(ctx, name, index, value) != MI_SUCCESS)
        err = PG_EIO;
    free(name);
    free(value);
    return err;
}

/* change_headers - change every field whose bytes the redaction changed;
 * the two blocks must hold the same fields in the same order */
static int change_headers(SMFICTX *ctx, const char *orig, size_t olen,
                          const char *red, size_t rlen)
{
    pg_milter_hdr a, b;
    size_t pa = 0, pb = 0;
    int err;

    while (pg_milter_hdr_next(&a, orig, olen, &pa)) {
        if (!pg_milter_hdr_next(&b, red, rlen, &pb) || a.name_len != b.name_len ||
            strncasecmp(a.name, b.name, a.name_len) != 0)
            return pg_error_set(PG_ESTATE, "redacted header block differs");
        if (a.value_len == b.value_len && memcmp(a.value, b.value, a.value_len) == 0)
            continue;
        if ((err = change_one(ctx, &b, occurrence(orig, olen, &a))) < 0)
            return err;
    }
    return 0;
}

/* apply_redaction - the redacted copy's headers and body into Postfix */
static int apply_redaction(SMFICTX *ctx, const char *raw, size_t len,
                           char *red, size_t rlen)
{
    size_t ho = pg_milter_hdr_block_len(raw, len);
    size_t hr = pg_milter_hdr_block_len(red, rlen);
    int err = change_headers(ctx, raw, ho, red, hr);

    if (err < 0)
        return err;
    if (rlen - hr > (size_t)INT32_MAX ||
        smfi_replacebody(ctx, (unsigned char *)red + hr, (int)(rlen - hr)) != MI_SUCCESS)
        return PG_EIO;
    return 0;
}

/* act_redact - mask what the policy selects, in place */
static outcome act_redact(SMFICTX *ctx, const pg_verdict *v,
                          const char *raw, size_t len)
{
    char *red = NULL;
    size_t rlen = 0;
    int err;

    if (!v->msg)
        return tempfail(ctx, NULL, "redact without a parsed message");
    err = pg_msg_redact(&red, &rlen, v->msg, pg_decision_redact_select,
                        v->decision, pg_decision_mask_style(v->decision));
    if (err == PG_ESTATE)
        return reject(ctx, pg_decision_notice_short(v->decision));
    if (err == 0)
        err = apply_redaction(ctx, raw, len, red, rlen);
    if (err == 0)
        err = add_tags(ctx, PG_ACT_REDACT, v->msg);
    if (red) {
        explicit_bzero(red, rlen);
        free(red);
    }
    if (err < 0)
        return tempfail(ctx, NULL, pg_err_name(err));
    return done(PG_ACT_REDACT, SMFIS_CONTINUE);
}

/* add_route - add the "Name: value" secure-route header */
static int add_route(SMFICTX *ctx, const char *header)
{
    const char *colon = strchr(header, ':');
    char *name = colon ? strndup(header, (size_t)(colon - header)) : NULL;
    char *value = colon ? strdup(colon + 1 + strspn(colon + 1, " \t")) : NULL;
    int err = 0;

    if (!name || !value)
        err = colon ? PG_ENOMEM : PG_EINVAL;
    else if (smfi_addheader(ctx, name, value) != MI_SUCCESS)
        err = PG_EIO;
    free(name);
    free(value);
    return err;
}

/* act_secure - route to the encrypting transport, or refuse */
static outcome act_secure(SMFICTX *ctx, pg_milter *m, const pg_verdict *v)
{
    char header[1024], notice[2048];

    if (pg_service_secure_header(m->svc, header, sizeof(header)) < 0) {
        snprintf(notice, sizeof(notice), "%s\n%s", TEXT_NO_ROUTE,
                 pg_decision_notice_short(v->decision));
        return reject(ctx, notice);
    }
    if (add_route(ctx, header) < 0 || add_tags(ctx, PG_ACT_SECURE, v->msg) < 0)
        return tempfail(ctx, NULL, "secure header");
    return done(PG_ACT_SECURE, SMFIS_CONTINUE);
}

/* act_quarantine - the encrypted copy in the store is the only one kept.
 * Putting the message on Postfix's hold queue as well (as the first
 * version did) left a clear-text copy of the customer's data in the
 * queue directory until someone deleted it by hand, and a second way to
 * release it. The store has the copy durably (file synced, row
 * committed) before SMFIS_DISCARD, so the 250 the sender sees never
 * loses the message; if the store fails, the sender gets a tempfail. */
static outcome act_quarantine(SMFICTX *ctx, pg_milter *m, const pg_verdict *v,
                              const char *raw, size_t len)
{
    outcome o = done(PG_ACT_QUARANTINE, SMFIS_DISCARD);

    if (pg_service_quarantine(m->svc, v, raw, len, o.quarantine_id) < 0) {
        pg_log(PG_LOG_ERROR, "milter", "quarantine store: %s", pg_error_last());
        return tempfail(ctx, NULL, "quarantine store");
    }
    o.notify = true;
    return o;
}

/* is_ours - a field only the gateway may write: X-PIIGuard-* and the
 * policy's secure-route header */
static bool is_ours(const pg_milter_hdr *h, const char *route)
{
    size_t rl = route ? strcspn(route, ":") : 0;

    return (h->name_len >= 11 && strncasecmp(h->name, "X-PIIGuard-", 11) == 0) ||
           (rl > 0 && h->name_len == rl && strncasecmp(h->name, route, rl) == 0);
}

/* delete_all - remove every field named like h, last first, so that the
 * indices of the ones still to go do not move */
static int delete_all(SMFICTX *ctx, const char *block, size_t len,
                      const pg_milter_hdr *h)
{
    pg_milter_hdr last = *h, f;
    size_t pos = 0;
    char *name;
    int n, err = 0;

    while (pg_milter_hdr_next(&f, block, len, &pos))
        if (f.name_len == h->name_len && strncasecmp(f.name, h->name, h->name_len) == 0)
            last = f;
    if (!(name = strndup(h->name, h->name_len)))
        return PG_ENOMEM;
    for (n = occurrence(block, len, &last); n > 0 && err == 0; n--)
        if (smfi_chgheader(ctx, name, n, NULL) != MI_SUCCESS)
            err = PG_EIO;
    free(name);
    return err;
}

/* strip_forged - a sender must not be able to write the gateway's
 * headers (to make a downstream system believe a message was checked, or
 * to pick a route): delete them before the gateway adds its own */
static int strip_forged(SMFICTX *ctx, pg_milter *m, const char *raw, size_t len)
{
    char buf[1024];
    const char *route = pg_service_secure_header(m->svc, buf, sizeof(buf)) == 0 ? buf : NULL;
    size_t hl = pg_milter_hdr_block_len(raw, len), pos = 0;
    pg_milter_hdr h;
    int err;

    while (pg_milter_hdr_next(&h, raw, hl, &pos)) {
        if (!is_ours(&h, route) || occurrence(raw, hl, &h) > 1)
            continue;   /* not ours, or its name was dealt with */
        if ((err = delete_all(ctx, raw, hl, &h)) < 0)
            return err;
    }
    return 0;
}

/* act - the decision, made to happen (a flat dispatcher) */
static outcome act(SMFICTX *ctx, pg_milter *m, const pg_verdict *v,
                   const char *raw, size_t len)
{
    const pg_decision *d = v->decision;
    pg_action a = pg_decision_action(d);

    if (a < PG_ACT_REJECT && strip_forged(ctx, m, raw, len) < 0)
        return tempfail(ctx, NULL, "strip forged headers");
    switch (a) {
    case PG_ACT_ALLOW:
        return done(PG_ACT_ALLOW, SMFIS_CONTINUE);
    case PG_ACT_TAG:
        return act_tag(ctx, v);
    case PG_ACT_REDACT:
        return act_redact(ctx, v, raw, len);
    case PG_ACT_SECURE:
        return act_secure(ctx, m, v);
    case PG_ACT_QUARANTINE:
        return act_quarantine(ctx, m, v, raw, len);
    case PG_ACT_REJECT:
        return reject(ctx, pg_decision_notice_short(d));
    case PG_ACT_TEMPFAIL:
    default:
        return tempfail(ctx, pg_decision_notice_short(d), "decision");
    }
}

/* envelope - the session's envelope as the policy sees it; it borrows
 * from c and must live as long as the verdict (quarantine reads it) */
static pg_envelope envelope(const pg_milter_conn *c)
{
    return (pg_envelope){
        .channel = PG_CHAN_EMAIL,
        .sender = c->sender,
        .auth_user = c->auth_user,
        .recipients = (const char *const *)c->rcpts,
        .n_recipients = c->n_rcpts,
    };
}

/* check - the service's verdict on the collected message */
static int check(pg_verdict *v, pg_milter *m, const pg_envelope *env,
                 const char *raw, size_t len)
{
    int err = pg_service_check_mime(v, m->svc, raw, len, env);

    if (err == 0 && !v->decision)
        err = pg_error_set(PG_EINTERNAL, "check returned no decision");
    return err;
}

/* elapsed_ms - milliseconds since t0, to the microsecond (the bench
 * takes percentiles of it, and most checks take about a millisecond) */
static double elapsed_ms(const struct timespec *t0)
{
    struct timespec t1;

    clock_gettime(CLOCK_MONOTONIC, &t1);
    return (double)(t1.tv_sec - t0->tv_sec) * 1e3 +
           (double)(t1.tv_nsec - t0->tv_nsec) / 1e6;
}

/* log_outcome - the one line per message; counts and ids only */
static void log_outcome(const char *qid, const outcome *o, const pg_verdict *v,
                        size_t bytes, size_t rcpts, const struct timespec *t0)
{
    char summary[1024];

    if (!pg_log_enabled(PG_LOG_INFO))
        return;
    pg_milter_entity_summary(summary, sizeof(summary), v->msg);
    pg_log(PG_LOG_INFO, qid ? qid : "NOQUEUE",
           "milter action=%s entities=%s ms=%.3f bytes=%zu rcpts=%zu%s%s%s%s%s%s",
           pg_action_name(o->action), summary, elapsed_ms(t0), bytes, rcpts,
           v->incident_id[0] ? " incident=" : "", v->incident_id,
           o->quarantine_id[0] ? " quarantine=" : "", o->quarantine_id,
           o->error ? " error=" : "", o->error ? o->error : "");
}

/* count - the message in the HTTP API's metrics, when it runs beside */
static void count(pg_metrics *metrics, const outcome *o, const pg_verdict *v,
                  size_t bytes, const struct timespec *t0)
{
    if (!metrics)
        return;
    if (v->decision)
        pg_metrics_milter_message(metrics, v, bytes,
                                  (uint64_t)(elapsed_ms(t0) * 1e6));
    if (o->error)
        pg_metrics_milter_error(metrics);
}

/* pg_milter_eom - collect errors first, then check, act, log, notify */
sfsistat pg_milter_eom(SMFICTX *ctx, pg_milter *m, pg_milter_conn *c)
{
    const char *qid = smfi_getsymval(ctx, "i"), *raw = NULL;
    pg_envelope env = envelope(c);
    pg_verdict v = {0};
    struct timespec t0;
    size_t len = 0;
    outcome o;
    int err;

    clock_gettime(CLOCK_MONOTONIC, &t0);
    err = c->error ? c->error : pg_milter_spool_map(&raw, &len, c->spool);
    if (err == PG_ETOOBIG) {
        o = done(PG_ACT_REJECT, SMFIS_REJECT);
        smfi_setreply(ctx, "552", "5.3.4", TEXT_TOO_BIG);
        o.error = "too big";
    } else if (err < 0) {
        o = tempfail(ctx, NULL, pg_err_name(err));
    } else if ((err = check(&v, m, &env, raw, len)) < 0) {
        o = tempfail(ctx, NULL, pg_err_name(err));
    } else {
        o = act(ctx, m, &v, raw, len);
    }
    log_outcome(qid, &o, &v, len, c->n_rcpts, &t0);
    count(m->metrics, &o, &v, len, &t0);
    if (o.notify && m->opts->notify && v.decision)
        pg_milter_notify(m, c->sender, v.decision, o.action, qid);
    pg_verdict_clear(&v);
    return o.stat;
}
