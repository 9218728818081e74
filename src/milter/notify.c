/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *   notify.c - the full notice, mailed to the sender (--notify).
 *
 * SUMMARY
 *   int pg_milter_notify(const pg_milter *m, const char *sender,
 *                        const pg_decision *d, pg_action done,
 *                        const char *qid);
 *
 * DESCRIPTION
 *   The SMTP reply holds ten short lines; the full notice (which rule,
 *   what to do instead, whom to ask) goes by mail through the local MTA:
 *   `sendmail -t -oi -f <>`. The null sender means a bounce of the notice
 *   goes nowhere, so two gateways cannot loop; Auto-Submitted tells
 *   auto-responders to stay quiet (RFC 3834).
 *
 *   `done` is what the gateway did (a redact or secure it could not carry
 *   out became a reject), which picks the Subject.
 *
 *   The notice text comes from the policy, which never puts a raw value in
 *   it (values appear masked). It still passes the milter on its way out,
 *   as every message does.
 *
 *   The child is spawned with posix_spawn(), all descriptors above stderr
 *   closed, so it inherits no session socket and no spool file.
 *
 * DIAGNOSTICS
 *   A failure is logged and returned; it never changes the decision.
 */
#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "milter/milter.h"

extern char **environ;

/* address_ok - a sender we may put in a To: header as it is */
static bool address_ok(const char *a)
{
    if (!a || !*a || !strchr(a, '@'))
        return false;
    for (; *a; a++)
        if ((unsigned char)*a <= ' ' || *a == '<' || *a == '>' || *a == ',' ||
            (unsigned char)*a >= 0x7f)
            return false;
    return true;
}

/* spawn_sendmail - start sendmail with its stdin on a pipe */
static int spawn_sendmail(pid_t *pid, FILE **in, const char *sendmail)
{
    char *argv[] = {(char *)sendmail, "-t", "-oi", "-f", "<>", NULL};
    posix_spawn_file_actions_t fa;
    int p[2], rc;

    if (pipe2(p, O_CLOEXEC) < 0)
        return pg_error_set(PG_EIO, "notify pipe: %s", strerror(errno));
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, p[0], 0);
    posix_spawn_file_actions_addclosefrom_np(&fa, 3);
    rc = posix_spawn(pid, sendmail, &fa, NULL, argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    close(p[0]);
    if (rc != 0 || !(*in = fdopen(p[1], "w"))) {
        close(p[1]);
        return pg_error_set(PG_EIO, "notify: cannot run %s: %s", sendmail,
                            strerror(rc ? rc : errno));
    }
    return 0;
}

/* write_notice - the notice as a plain-text message */
static void write_notice(FILE *f, const char *to, const pg_decision *d,
                         pg_action done, const char *qid)
{
    fprintf(f, "From: Data protection gateway <postmaster>\n"
               "To: <%s>\n"
               "Subject: %s: customer data\n"
               "Auto-Submitted: auto-replied\n"
               "X-Data-Protection-Notice: %s\n"
               "MIME-Version: 1.0\n"
               "Content-Type: text/plain; charset=utf-8\n"
               "Content-Transfer-Encoding: 8bit\n\n",
            to, done == PG_ACT_QUARANTINE ? "Your message is held for review"
                                          : "Your message was not sent",
            qid ? qid : "NOQUEUE");
    fputs(pg_decision_notice_full(d, false), f);
    fputc('\n', f);
}

/* pg_milter_notify - mail the full notice; errors only logged */
int pg_milter_notify(const pg_milter *m, const char *sender,
                     const pg_decision *d, pg_action done, const char *qid)
{
    pid_t pid;
    FILE *in = NULL;
    int status = 0, err;

    if (!address_ok(sender))
        return 0;   /* null sender or odd address: nobody to tell */
    if ((err = spawn_sendmail(&pid, &in, m->opts->sendmail)) < 0) {
        pg_log(PG_LOG_WARN, "milter", "%s", pg_error_last());
        return err;
    }
    write_notice(in, sender, d, done, qid);
    err = fclose(in) != 0 ? PG_EIO : 0;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
        ;
    if (err < 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        pg_log(PG_LOG_WARN, qid ? qid : "NOQUEUE",
               "milter notify failed status=%d", status);
        return PG_EIO;
    }
    return 0;
}
