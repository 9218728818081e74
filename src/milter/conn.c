/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *   conn.c - one SMTP session's private data: the envelope and the spool
 *   of the message in progress.
 *
 * SUMMARY
 *   pg_milter_conn_new, _reset, _free, _sender, _rcpt, _spool (milter.h).
 *
 * DESCRIPTION
 *   libmilter runs each session on its own thread and hands the session's
 *   pointer back through smfi_getpriv(), so nothing here is locked. A
 *   session carries several messages (MAIL FROM starts each one);
 *   pg_milter_conn_reset() forgets one message, wiping its spool.
 *
 *   Errors are sticky in c->error: the callbacks that reply nothing
 *   (SMFIP_NR_*) cannot refuse on the spot, so end of message looks once
 *   and fails closed.
 *
 *   Addresses come from the {mail_addr} / {rcpt_addr} macros when the MTA
 *   sends them (they are already without angle brackets) and else from
 *   the command's first argument, "<user@domain>".
 */
#include <stdlib.h>
#include <string.h>

#include "milter/milter.h"

/* The most recipients one message may carry; Postfix's own
 * smtpd_recipient_limit (1000) bites long before this. */
#define CONN_MAX_RCPTS 100000

/* pg_milter_conn_new - an empty session */
int pg_milter_conn_new(pg_milter_conn **out)
{
    pg_milter_conn *c = calloc(1, sizeof(*c));

    if (!c)
        return PG_ENOMEM;
    *out = c;
    return 0;
}

/* pg_milter_conn_reset - forget the message, keep the negotiated steps */
void pg_milter_conn_reset(pg_milter_conn *c)
{
    free(c->sender);
    free(c->auth_user);
    for (size_t i = 0; i < c->n_rcpts; i++)
        free(c->rcpts[i]);
    free(c->rcpts);
    pg_milter_spool_free(c->spool);
    c->sender = c->auth_user = NULL;
    c->rcpts = NULL;
    c->n_rcpts = c->cap_rcpts = 0;
    c->spool = NULL;
    c->error = 0;
}

/* pg_milter_conn_free - the session ends */
void pg_milter_conn_free(pg_milter_conn *c)
{
    if (!c)
        return;
    pg_milter_conn_reset(c);
    free(c);
}

/* address - the bare address from a macro or from "<addr>" */
static char *address(const char *macro, const char *arg)
{
    size_t len;

    if (macro && *macro)
        return strdup(macro);
    if (!arg)
        return strdup("");
    len = strlen(arg);
    if (len >= 2 && arg[0] == '<' && arg[len - 1] == '>')
        return strndup(arg + 1, len - 2);
    return strdup(arg);
}

/* pg_milter_conn_sender - a new message starts with its sender */
int pg_milter_conn_sender(pg_milter_conn *c, const char *macro, const char *arg,
                          const char *auth_user)
{
    pg_milter_conn_reset(c);
    c->sender = address(macro, arg);
    if (auth_user && *auth_user)
        c->auth_user = strdup(auth_user);
    if (!c->sender || (auth_user && *auth_user && !c->auth_user))
        c->error = PG_ENOMEM;
    return c->error;
}

/* pg_milter_conn_rcpt - one more RCPT TO */
int pg_milter_conn_rcpt(pg_milter_conn *c, const char *macro, const char *arg)
{
    char *addr;

    if (c->error)
        return c->error;
    if (c->n_rcpts >= CONN_MAX_RCPTS)
        return c->error = pg_error_set(PG_ETOOBIG, "more than %d recipients",
                                       CONN_MAX_RCPTS);
    if (c->n_rcpts == c->cap_rcpts) {
        size_t cap = c->cap_rcpts ? c->cap_rcpts * 2 : 8;
        char **nr = realloc(c->rcpts, cap * sizeof(*nr));
        if (!nr)
            return c->error = PG_ENOMEM;
        c->rcpts = nr;
        c->cap_rcpts = cap;
    }
    if (!(addr = address(macro, arg)))
        return c->error = PG_ENOMEM;
    c->rcpts[c->n_rcpts++] = addr;
    return 0;
}

/* pg_milter_conn_spool - the spool for this message, made on first use */
pg_milter_spool *pg_milter_conn_spool(pg_milter_conn *c, const pg_milter *m)
{
    if (!c->spool && !c->error &&
        pg_milter_spool_new(&c->spool, m->spool_dir, m->opts->spool_threshold,
                            m->opts->max_message) < 0)
        c->error = PG_ENOMEM;
    return c->spool;
}
