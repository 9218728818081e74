/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *   supervise.c - the milter's process: detach, supervise the worker,
 *   turn the operator's signals into what the worker understands.
 *
 * SUMMARY
 *   void pg_milter_opts_init(pg_milter_opts *opts);
 *   int  pg_milter_run(const pg_milter_opts *opts);
 *
 * DESCRIPTION
 *   Why two processes: libmilter's signal thread treats SIGHUP as "stop",
 *   and there is no way to tell it otherwise, yet operators (and systemd's
 *   ExecReload) send SIGHUP to reload. So a small supervisor owns the
 *   operator-facing signals and the worker (daemon.c) owns libmilter:
 *
 *     SIGHUP          -> SIGUSR1 to the worker: reload the policy
 *     SIGTERM, SIGINT -> SIGTERM to the worker: stop listening, let open
 *                        sessions finish, exit; then the supervisor exits
 *                        with the worker's status
 *     worker died     -> restart it after a second (at most RESTART_BURST
 *                        times a minute); meanwhile Postfix tempfails
 *
 *   The supervisor is single-threaded and holds no message, no key and no
 *   store handle: everything that touches PII lives in the worker.
 *
 *   Without --foreground the process detaches (fork, setsid) and the
 *   command returns only once the worker listens, with status 0, or with
 *   2 and the worker's error on the terminal. It keeps its working
 *   directory, since --policy and --state-dir may be relative.
 *
 * DIAGNOSTICS
 *   Log lines go to stderr with a timestamp (foreground) or to syslog,
 *   facility mail, as piiguard-milter (detached).
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "milter/milter.h"

/* Restarts allowed per minute before the supervisor gives up. */
#define RESTART_BURST 5

/* pg_milter_opts_init - the documented defaults */
void pg_milter_opts_init(pg_milter_opts *opts)
{
    *opts = (pg_milter_opts){
        .listen = "inet:8891@127.0.0.1",
        .sendmail = "/usr/sbin/sendmail",
        .spool_threshold = PG_MILTER_DEFAULT_SPOOL_THRESHOLD,
        .max_message = PG_MILTER_DEFAULT_MAX_MESSAGE,
        .log_level = PG_LOG_INFO,
    };
}

/* sink_stderr - "TIME piiguard-milter[PID]: LINE" */
static void sink_stderr(pg_log_level level, const char *line, void *payload)
{
    char ts[32];
    struct tm tm;
    time_t now = time(NULL);

    gmtime_r(&now, &tm);
    strftime(ts, sizeof(ts), "%Y-%m-%dT%H:%M:%SZ", &tm);
    fprintf(stderr, "%s piiguard-milter[%d]: %s\n", ts, (int)getpid(), line);
}

/* sink_syslog - facility mail, priority from the level */
static void sink_syslog(pg_log_level level, const char *line, void *payload)
{
    static const int prio[] = {LOG_DEBUG, LOG_INFO, LOG_WARNING, LOG_ERR};

    syslog(prio[level < PG_LOG_NONE ? level : PG_LOG_ERROR], "%s", line);
}

/* wait_ready - read the worker's one readiness byte; false on EOF */
static bool wait_ready(int fd)
{
    char c;
    ssize_t n;

    do
        n = read(fd, &c, 1);
    while (n < 0 && errno == EINTR);
    close(fd);
    return n == 1;
}

/* pg_milter_quiet_stdio - a detached process lets go of the terminal */
void pg_milter_quiet_stdio(void)
{
    int fd = open("/dev/null", O_RDWR);

    if (fd < 0)
        return;
    dup2(fd, 0);
    dup2(fd, 1);
    dup2(fd, 2);
    if (fd > 2)
        close(fd);
}

/* spawn_worker - fork the worker; *ready_rd gets its readiness pipe */
static pid_t spawn_worker(const pg_milter_opts *opts, int *ready_rd)
{
    sigset_t none;
    int p[2];
    pid_t pid;

    if (pipe2(p, O_CLOEXEC) < 0)
        return -1;
    if ((pid = fork()) == 0) {
        close(p[0]);
        sigemptyset(&none);
        sigprocmask(SIG_SETMASK, &none, NULL);
        _exit(pg_milter_worker(opts, p[1]));
    }
    close(p[1]);
    *ready_rd = p[0];
    if (pid < 0)
        close(p[0]);
    return pid;
}

/* start_worker - spawn and wait until it listens; -1 when it could not */
static pid_t start_worker(const pg_milter_opts *opts, int *status)
{
    int rd;
    pid_t pid = spawn_worker(opts, &rd);

    *status = 2;
    if (pid < 0) {
        fprintf(stderr, "piiguard milter: fork: %s\n", strerror(errno));
        return -1;
    }
    if (wait_ready(rd))
        return pid;
    while (waitpid(pid, status, 0) < 0 && errno == EINTR)
        ;
    *status = WIFEXITED(*status) ? WEXITSTATUS(*status) : 2;
    return -1;
}

/* may_restart - allow RESTART_BURST restarts in any minute */
static bool may_restart(time_t starts[RESTART_BURST])
{
    time_t now = time(NULL);

    if (now - starts[0] < 60)
        return false;
    memmove(starts, starts + 1, (RESTART_BURST - 1) * sizeof(*starts));
    starts[RESTART_BURST - 1] = now;
    return true;
}

/* pause_or_stop - wait a second before a restart; true if told to stop */
static bool pause_or_stop(void)
{
    sigset_t stop;
    struct timespec one = {1, 0};

    sigemptyset(&stop);
    sigaddset(&stop, SIGTERM);
    sigaddset(&stop, SIGINT);
    return sigtimedwait(&stop, NULL, &one) > 0;
}

/* reaped - the worker ended (restarted when it crashed); returns the
 * new pid, or -1 with *code set when the supervisor should exit */
static pid_t reaped(const pg_milter_opts *opts, int st, bool stopping,
                    time_t starts[RESTART_BURST], int *code)
{
    pid_t pid;

    *code = WIFEXITED(st) ? WEXITSTATUS(st) : 2;
    if (stopping)
        return -1;
    pg_log(PG_LOG_ERROR, "milter", "worker died (%s %d); Postfix tempfails "
           "until it is back", WIFSIGNALED(st) ? "signal" : "status",
           WIFSIGNALED(st) ? WTERMSIG(st) : WEXITSTATUS(st));
    if (!may_restart(starts) || pause_or_stop())
        return -1;
    if ((pid = start_worker(opts, code)) > 0)
        pg_log(PG_LOG_INFO, "milter", "worker restarted");
    return pid;
}

/* supervise - forward signals, reap and restart; returns the exit code */
static int supervise(const pg_milter_opts *opts, sigset_t *set, pid_t pid)
{
    time_t starts[RESTART_BURST] = {0};
    bool stopping = false;
    int sig, st, code;

    for (;;) {
        if (sigwait(set, &sig) != 0)
            continue;
        if (sig == SIGHUP) {
            kill(pid, SIGUSR1);
        } else if (sig == SIGTERM || sig == SIGINT) {
            stopping = true;
            kill(pid, SIGTERM);
        } else if (sig == SIGCHLD && waitpid(pid, &st, WNOHANG) == pid) {
            if ((pid = reaped(opts, st, stopping, starts, &code)) < 0)
                return code;
        }
    }
}

/* detach - fork into the background; returns -1 in the daemon, else
 * the exit code for the command (0 once the worker listens) */
static int detach(int *ready_wr)
{
    int p[2];
    pid_t pid;

    if (pipe2(p, O_CLOEXEC) < 0 || (pid = fork()) < 0) {
        fprintf(stderr, "piiguard milter: cannot detach: %s\n", strerror(errno));
        return 2;
    }
    if (pid > 0) {
        close(p[1]);
        return wait_ready(p[0]) ? 0 : 2;
    }
    close(p[0]);
    setsid();
    *ready_wr = p[1];
    return -1;
}

/* pg_milter_run - detach if asked, start the worker, supervise it */
int pg_milter_run(const pg_milter_opts *opts)
{
    int ready_wr = -1, code;
    sigset_t set;
    pid_t pid;

    if (opts->foreground) {
        pg_log_configure(opts->log_level, sink_stderr, NULL);
    } else {
        openlog("piiguard-milter", LOG_PID, LOG_MAIL);
        pg_log_configure(opts->log_level, sink_syslog, NULL);
        if ((code = detach(&ready_wr)) >= 0)
            return code;
    }
    sigemptyset(&set);
    sigaddset(&set, SIGHUP);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGCHLD);
    sigprocmask(SIG_BLOCK, &set, NULL);
    if ((pid = start_worker(opts, &code)) < 0)
        return code;
    if (ready_wr >= 0) {
        if (write(ready_wr, "R", 1) != 1)
            pg_log(PG_LOG_WARN, "milter", "the starting command went away");
        close(ready_wr);
        pg_milter_quiet_stdio();
    }
    return supervise(opts, &set, pid);
}
