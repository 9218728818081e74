/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *   callbacks.c - the libmilter callbacks: negotiate, collect, hand over.
 *
 * SUMMARY
 *   int pg_milter_register(pg_milter *m);
 *
 * DESCRIPTION
 *   Postfix speaks the milter protocol; libmilter calls one function per
 *   SMTP step on the session's own thread. The callbacks only collect:
 *   the envelope into the session (conn.c), the header block and body
 *   into the spool (spool.c, headers.c). Everything is decided at end of
 *   message (act.c), when the whole message is known.
 *
 *   Negotiation asks for the actions the gateway may take (add and change
 *   headers, replace the body, choose macros) and refuses a connection
 *   from an MTA that cannot grant the first three: a gateway that cannot
 *   redact must not pretend to filter. (Quarantine needs no MTA action:
 *   the store keeps the copy and the message is discarded.) It skips the
 *   steps it does not need and takes "no reply" for headers and body, so
 *   a message costs Postfix no round trip until end of message.
 *
 *   The one file-scope pointer, `milter`, exists because libmilter's
 *   callbacks receive only the SMFICTX: per-session data can hang on
 *   smfi_setpriv(), but the service all sessions share has nowhere else
 *   to live. It is set once by pg_milter_register() before smfi_main()
 *   starts any thread, and read-only afterwards.
 *
 * DIAGNOSTICS
 *   A session whose data cannot be allocated gets a tempfail; collection
 *   errors (too big, spool I/O) wait for end of message.
 */
#include <stdatomic.h>
#include <string.h>

#include "milter/milter.h"

/* The service every session shares; see DESCRIPTION for why static. */
static pg_milter *milter;

/* What we ask of the MTA; SETSYMLIST is welcome but not required. */
#define ACTIONS_NEEDED (SMFIF_ADDHDRS | SMFIF_CHGHDRS | SMFIF_CHGBODY)

/* Steps we skip, and steps that need no reply from us. */
#define STEPS_WANTED (SMFIP_NOCONNECT | SMFIP_NOHELO | SMFIP_NOUNKNOWN | \
                      SMFIP_NODATA | SMFIP_NR_HDR | SMFIP_NR_EOH | SMFIP_NR_BODY)

/* session - this session's data, made on first use (NULL: no memory) */
static pg_milter_conn *session(SMFICTX *ctx)
{
    pg_milter_conn *c = smfi_getpriv(ctx);

    if (c)
        return c;
    if (pg_milter_conn_new(&c) < 0)
        return NULL;
    if (smfi_setpriv(ctx, c) != MI_SUCCESS) {
        pg_milter_conn_free(c);
        return NULL;
    }
    atomic_fetch_add(&milter->active, 1);
    if (milter->metrics)
        pg_metrics_milter_connection(milter->metrics);
    return c;
}

/* no_reply - what a collecting step returns: nothing, when negotiated */
static sfsistat no_reply(const pg_milter_conn *c, unsigned long step)
{
    return (c->steps & step) ? SMFIS_NOREPLY : SMFIS_CONTINUE;
}

/* cb_negotiate - take the actions and macros we need, skip what we don't */
static sfsistat cb_negotiate(SMFICTX *ctx, unsigned long f0, unsigned long f1,
                             unsigned long f2, unsigned long f3,
                             unsigned long *pf0, unsigned long *pf1,
                             unsigned long *pf2, unsigned long *pf3)
{
    pg_milter_conn *c = session(ctx);

    if (!c)
        return SMFIS_TEMPFAIL;
    if ((f0 & ACTIONS_NEEDED) != ACTIONS_NEEDED) {
        pg_log(PG_LOG_ERROR, "milter", "negotiate: the MTA does not allow "
               "header and body changes (actions=%#lx)", f0);
        return SMFIS_REJECT;
    }
    *pf0 = ACTIONS_NEEDED | (f0 & SMFIF_SETSYMLIST);
    *pf1 = c->steps = f1 & STEPS_WANTED;
    *pf2 = *pf3 = 0;
    if (f0 & SMFIF_SETSYMLIST) {
        smfi_setsymlist(ctx, SMFIM_ENVFROM, "{mail_addr} {auth_authen}");
        smfi_setsymlist(ctx, SMFIM_ENVRCPT, "{rcpt_addr}");
        smfi_setsymlist(ctx, SMFIM_EOM, "i");
    }
    return SMFIS_CONTINUE;
}

/* cb_envfrom - a new message: remember its sender and who is logged in */
static sfsistat cb_envfrom(SMFICTX *ctx, char **argv)
{
    pg_milter_conn *c = session(ctx);

    if (!c)
        return SMFIS_TEMPFAIL;
    pg_milter_conn_sender(c, smfi_getsymval(ctx, "{mail_addr}"), argv[0],
                          smfi_getsymval(ctx, "{auth_authen}"));
    return SMFIS_CONTINUE;
}

/* cb_envrcpt - one more recipient; the policy weighs them all */
static sfsistat cb_envrcpt(SMFICTX *ctx, char **argv)
{
    pg_milter_conn *c = session(ctx);

    if (!c)
        return SMFIS_TEMPFAIL;
    pg_milter_conn_rcpt(c, smfi_getsymval(ctx, "{rcpt_addr}"), argv[0]);
    return SMFIS_CONTINUE;
}

/* cb_header - one header field into the rebuilt block */
static sfsistat cb_header(SMFICTX *ctx, char *name, char *value)
{
    pg_milter_conn *c = session(ctx);
    pg_milter_spool *s;

    if (!c)
        return SMFIS_TEMPFAIL;
    if ((s = pg_milter_conn_spool(c, milter)) != NULL)
        pg_milter_hdr_append(s, name, value ? value : "");
    return no_reply(c, SMFIP_NR_HDR);
}

/* cb_eoh - the empty line between header and body */
static sfsistat cb_eoh(SMFICTX *ctx)
{
    pg_milter_conn *c = session(ctx);
    pg_milter_spool *s;

    if (!c)
        return SMFIS_TEMPFAIL;
    if ((s = pg_milter_conn_spool(c, milter)) != NULL)
        pg_milter_spool_append(s, "\r\n", 2);
    return no_reply(c, SMFIP_NR_EOH);
}

/* cb_body - a body chunk, exactly as Postfix sends it (CRLF lines) */
static sfsistat cb_body(SMFICTX *ctx, unsigned char *buf, size_t len)
{
    pg_milter_conn *c = session(ctx);
    pg_milter_spool *s;

    if (!c)
        return SMFIS_TEMPFAIL;
    if ((s = pg_milter_conn_spool(c, milter)) != NULL)
        pg_milter_spool_append(s, buf, len);
    return no_reply(c, SMFIP_NR_BODY);
}

/* cb_eom - the whole message is here: decide, act, forget */
static sfsistat cb_eom(SMFICTX *ctx)
{
    pg_milter_conn *c = session(ctx);
    sfsistat r;

    if (!c)
        return SMFIS_TEMPFAIL;
    if (!c->spool && pg_milter_conn_spool(c, milter))
        pg_milter_spool_append(c->spool, "\r\n", 2);  /* no header at all */
    r = pg_milter_eom(ctx, milter, c);
    pg_milter_conn_reset(c);
    return r;
}

/* cb_abort - the client gave up (RSET, QUIT, lost): forget the message */
static sfsistat cb_abort(SMFICTX *ctx)
{
    pg_milter_conn *c = smfi_getpriv(ctx);

    if (c)
        pg_milter_conn_reset(c);
    return SMFIS_CONTINUE;
}

/* cb_close - the session ends */
static sfsistat cb_close(SMFICTX *ctx)
{
    pg_milter_conn *c = smfi_getpriv(ctx);

    if (c) {
        smfi_setpriv(ctx, NULL);
        pg_milter_conn_free(c);
        atomic_fetch_sub(&milter->active, 1);
    }
    return SMFIS_CONTINUE;
}

/* pg_milter_register - set the shared pointer and register the filter */
int pg_milter_register(pg_milter *m)
{
    struct smfiDesc desc = {
        .xxfi_name = "piiguard",
        .xxfi_version = SMFI_VERSION,
        .xxfi_flags = ACTIONS_NEEDED | SMFIF_SETSYMLIST,
        .xxfi_envfrom = cb_envfrom,
        .xxfi_envrcpt = cb_envrcpt,
        .xxfi_header = cb_header,
        .xxfi_eoh = cb_eoh,
        .xxfi_body = cb_body,
        .xxfi_eom = cb_eom,
        .xxfi_abort = cb_abort,
        .xxfi_close = cb_close,
        .xxfi_negotiate = cb_negotiate,
    };

    milter = m;
    if (smfi_register(desc) != MI_SUCCESS)
        return pg_error_set(PG_EINTERNAL, "smfi_register failed");
    return 0;
}
