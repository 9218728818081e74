/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *   daemon.c - the worker process: open the service, listen, serve Postfix
 *   until told to stop, reload the policy on request.
 *
 * SUMMARY
 *   int pg_milter_worker(const pg_milter_opts *opts, int ready_fd);
 *
 * DESCRIPTION
 *   Start-up order matters: every signal the process handles is blocked
 *   before the first thread exists (libmilter's, the service's, the
 *   HTTP server's), so each signal reaches exactly the thread that waits
 *   for it. libmilter's own signal thread takes SIGHUP, SIGTERM and
 *   SIGINT, and stops the milter on any of them; that is why a policy
 *   reload reaches this process as SIGUSR1 (the supervisor turns the
 *   operator's SIGHUP into it, supervise.c) and is served by a thread of
 *   our own. SIGUSR2 ends that thread at shutdown.
 *
 *   A reload builds the new snapshot beside the live one; a bad policy is
 *   logged (by the service) with its file:line and the old one stays in
 *   force.
 *
 *   The spool directory, STATE_DIR/spool, is made mode 0700 and swept of
 *   anything a crash left there.
 *
 *   Shutdown: smfi_main() returns once libmilter stops listening; the
 *   HTTP API (when `run` started one) stops next, and the sessions still
 *   open are given DRAIN_SECONDS to finish before the service is closed. A session still running then is cut off when the
 *   process exits, and Postfix tempfails its message
 *   (milter_default_action = tempfail): nothing is lost.
 *
 * DIAGNOSTICS
 *   Start-up errors go to stderr (the caller's terminal, even when
 *   detaching) and make the worker exit with status 2.
 */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "milter/milter.h"

/* How long in-flight sessions may take to finish at shutdown. */
#define DRAIN_SECONDS 10

/* block_signals - no thread may take a signal it does not wait for */
static void block_signals(void)
{
    sigset_t set;

    sigemptyset(&set);
    sigaddset(&set, SIGHUP);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGUSR1);
    sigaddset(&set, SIGUSR2);
    pthread_sigmask(SIG_BLOCK, &set, NULL);
    signal(SIGPIPE, SIG_IGN);   /* a closed session or sendmail pipe */
    signal(SIGXFSZ, SIG_IGN);   /* a full or capped disk fails a write (EFBIG ->
                                   tempfail), it does not kill the daemon */
}

/* reloader - SIGUSR1 reloads the policy, SIGUSR2 ends the thread */
static void *reloader(void *arg)
{
    pg_milter *m = arg;
    sigset_t set;
    int sig;
    bool ok;

    sigemptyset(&set);
    sigaddset(&set, SIGUSR1);
    sigaddset(&set, SIGUSR2);
    for (;;) {
        if (sigwait(&set, &sig) != 0)
            continue;
        if (sig == SIGUSR2)
            return NULL;
        /* the service logs the policy's error with its file:line */
        ok = pg_service_reload(m->svc) == 0;
        if (m->metrics)
            pg_metrics_reload(m->metrics, ok);
        if (!ok)
            pg_log(PG_LOG_ERROR, "milter", "reload refused; the previous "
                   "policy stays in force");
        else
            pg_log(PG_LOG_INFO, "milter", "reload ok policy=%s",
                   m->opts->policy_path);
    }
}

/* open_spool - STATE_DIR/spool, private, swept */
static int open_spool(pg_milter *m)
{
    int n = snprintf(m->spool_dir, sizeof(m->spool_dir), "%s/spool",
                     m->opts->state_dir);

    if (n < 0 || (size_t)n >= sizeof(m->spool_dir))
        return pg_error_set(PG_EINVAL, "state directory path too long");
    if (mkdir(m->spool_dir, 0700) < 0 && errno != EEXIST)
        return pg_error_set(PG_EIO, "cannot create %s: %s", m->spool_dir,
                            strerror(errno));
    if (chmod(m->spool_dir, 0700) < 0)
        return pg_error_set(PG_EPERM, "cannot make %s private: %s",
                            m->spool_dir, strerror(errno));
    return pg_milter_spool_sweep(m->spool_dir);
}

/* start_listening - bind the socket Postfix connects to */
static int start_listening(pg_milter *m)
{
    if (smfi_setconn((char *)m->opts->listen) != MI_SUCCESS)
        return pg_error_set(PG_EINVAL, "bad --listen %s (want inet:PORT@HOST "
                            "or unix:PATH)", m->opts->listen);
    if (m->opts->timeout > 0)
        smfi_settimeout(m->opts->timeout);
    if (pg_milter_register(m) < 0)
        return PG_EINTERNAL;
    if (smfi_opensocket(1) != MI_SUCCESS)
        return pg_error_set(PG_EIO, "cannot listen on %s (in use? "
                            "permissions?)", m->opts->listen);
    return 0;
}

/* start - everything before the first connection; 0 or a pg_err */
static int start(pg_milter *m)
{
    pg_service_opts so = {
        .policy_path = m->opts->policy_path,
        .state_dir = m->opts->state_dir,
    };
    int err;

    if ((err = pg_service_open(&m->svc, &so)) < 0)
        return err;
    if ((err = open_spool(m)) < 0 || (err = start_listening(m)) < 0)
        return err;
    if (m->opts->start_extra &&
        (err = m->opts->start_extra(&m->metrics, m->svc, m->opts->extra_payload)) < 0)
        return err;
    if (m->metrics)
        pg_metrics_milter_enable(m->metrics);
    return 0;
}

/* drain - wait for open sessions; true when none is left */
static bool drain(pg_milter *m)
{
    struct timespec tick = {0, 50 * 1000 * 1000};

    for (int i = 0; i < DRAIN_SECONDS * 20; i++) {
        if (atomic_load(&m->active) == 0)
            return true;
        nanosleep(&tick, NULL);
    }
    pg_log(PG_LOG_WARN, "milter", "shutdown with %d sessions open; Postfix "
           "tempfails their messages", atomic_load(&m->active));
    return false;
}

/* pg_milter_worker - serve until stopped; the process's exit code */
int pg_milter_worker(const pg_milter_opts *opts, int ready_fd)
{
    pg_milter m = {.opts = opts};
    pthread_t tid;
    int rc;

    block_signals();
    if (start(&m) < 0) {
        fprintf(stderr, "piiguard milter: %s\n", pg_error_last());
        if (m.svc)
            pg_service_close(m.svc);
        return 2;
    }
    if (pthread_create(&tid, NULL, reloader, &m) != 0) {
        fprintf(stderr, "piiguard milter: cannot start the reload thread\n");
        return 2;
    }
    if (ready_fd >= 0 && write(ready_fd, "R", 1) != 1)
        pg_log(PG_LOG_WARN, "milter", "readiness pipe closed");
    if (!opts->foreground)
        pg_milter_quiet_stdio();
    pg_log(PG_LOG_INFO, "milter", "listening on %s policy=%s state=%s",
           opts->listen, opts->policy_path, opts->state_dir);
    rc = smfi_main();
    pthread_kill(tid, SIGUSR2);
    pthread_join(tid, NULL);
    if (opts->stop_extra)
        opts->stop_extra(opts->extra_payload);
    if (drain(&m))
        pg_service_close(m.svc);
    pg_log(PG_LOG_INFO, "milter", "stopped");
    return rc == MI_SUCCESS ? 0 : 2;
}
