/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * isolate.c - extractors for hostile formats run in a forked child.
 *
 * Parent                                   Child (after fork)
 *   pipe2(O_CLOEXEC), fork                   unblock signals, SIGXFSZ ignored,
 *   poll+read the pipe until EOF or          die with the parent, no core dump,
 *     the wall-clock deadline                pipe moved to fd 3, all fds >3 shut,
 *   deadline: SIGKILL, waitpid               rlimits: CPU, AS, FSIZE 0,
 *   waitpid; judge the exit status             NOFILE 16, CORE 0
 *   validate every record, then add them     run the extractor in-process
 *                                            write records, 'E', _exit(0)
 *
 * Records (native byte order: both ends are this process image):
 *   u8 type, u8 kind, u32 a, u32 b, then a bytes, then b bytes
 *   'S' segment: kind PG_SEG_ATTACHMENT or PG_SEG_FILENAME, a = path,
 *       b = text;  'U' uninspectable: a = path, b = reason;  'E' end, a = b = 0.
 * The parent keeps nothing unless the child exited 0, the stream ends with
 * exactly one 'E', and every record is well formed: a path of 1..4096
 * bytes inside the attachment's own path, a reason of 1..255 bytes, a
 * known kind, lengths inside what was read. The whole stream is capped at
 * the message's remaining decoded budget plus 8 MiB of framing.
 *
 * Fork in a threaded milter: the child only makes system calls (sigaction,
 * prctl, dup2, close_range, setrlimit) before the extractor runs, and ends
 * with _exit(). The extractor itself must allocate; glibc's fork makes
 * malloc safe in the child, and libxml2 and poppler's GType are
 * initialised in the parent first so the child takes no init locks. A
 * lock some other library held at fork time would hang the child: the
 * deadline turns that into "extractor timeout", not a stuck thread.
 *
 * RLIMIT_AS is the address space at fork plus extractor_memory_bytes: the
 * child inherits the parent's mappings (thread stacks, malloc arenas, the
 * pattern database), so a flat limit would starve it in a large milter.
 * Under AddressSanitizer the shadow map makes any RLIMIT_AS fatal, so it
 * is not set there.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <libxml/parser.h>

#include "message/isolate.h"

#define ISO_HDR 10
#define ISO_FD 3
#define ISO_NOFILE 16
#define ISO_REASON_MAX 255
#define ISO_FRAMING_SLACK (8u << 20)
#define ISO_EXIT_NOMEM 3
#define ISO_EXIT_FAIL 4

#if defined(__SANITIZE_ADDRESS__)
#define ISO_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define ISO_ASAN 1
#endif
#endif

enum iso_fault { FAULT_NONE, FAULT_CRASH, FAULT_HANG };

/* What the child needs, fixed before fork so it computes nothing. */
struct iso_job {
    pg_msg *msg;
    const msg_part *part;
    const char *seg_path;
    const pg_msg_limits *lim;
    msg_extract_fn fn;
    enum iso_fault fault;
    rlim_t as_limit; /* RLIM_INFINITY when not set */
};

/* ---------------------------------------------------------------- child */

/* write_all - the whole buffer, through EINTR and short writes */
static int write_all(int fd, const void *buf, size_t n)
{
    const char *p = buf;

    while (n > 0) {
        ssize_t k = write(fd, p, n);
        if (k < 0 && errno == EINTR)
            continue;
        if (k <= 0)
            return -1;
        p += k;
        n -= (size_t)k;
    }
    return 0;
}

/* send_record - one framed record */
static int send_record(int fd, char type, int kind, const char *a, size_t an,
                       const char *b, size_t bn)
{
    unsigned char hdr[ISO_HDR];
    uint32_t a32 = (uint32_t)an, b32 = (uint32_t)bn;

    if (an > UINT32_MAX || bn > UINT32_MAX)
        return -1;
    hdr[0] = (unsigned char)type;
    hdr[1] = (unsigned char)kind;
    memcpy(hdr + 2, &a32, 4);
    memcpy(hdr + 6, &b32, 4);
    if (write_all(fd, hdr, ISO_HDR) < 0 || write_all(fd, a, an) < 0)
        return -1;
    return write_all(fd, b, bn);
}

/* send_results - every segment and entry added since the fork, then 'E' */
static int send_results(int fd, const pg_msg *m, size_t seg0, size_t unins0)
{
    for (size_t i = seg0; i < m->n_segs; i++) {
        const msg_segment *s = &m->segs[i];
        if (send_record(fd, 'S', (int)s->pub.kind, s->path, strlen(s->path),
                        s->text, s->pub.len) < 0)
            return -1;
    }
    for (size_t i = unins0; i < m->n_unins; i++) {
        const pg_uninspectable *u = &m->unins[i];
        if (send_record(fd, 'U', 0, u->segment, strlen(u->segment), u->reason,
                        strlen(u->reason)) < 0)
            return -1;
    }
    return send_record(fd, 'E', 0, "", 0, "", 0);
}

/* child_limit - one rlimit, soft and hard */
static void child_limit(int res, rlim_t soft, rlim_t hard)
{
    struct rlimit rl = {soft, hard};

    (void)setrlimit(res, &rl);
}

/* child_confine - signals, fds and rlimits; system calls only */
static void child_confine(const struct iso_job *j, int wfd)
{
    sigset_t none;
    struct sigaction dfl = {.sa_handler = SIG_DFL}, ign = {.sa_handler = SIG_IGN};
    rlim_t cpu = j->lim->extractor_timeout_ms / 1000 + 1;

    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
    sigaction(SIGPIPE, &dfl, NULL);
    sigaction(SIGXCPU, &dfl, NULL);
    sigaction(SIGXFSZ, &ign, NULL); /* a write to a log file fails, not kills */
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    prctl(PR_SET_DUMPABLE, 0); /* a crash must not leave PII in a core file */
    if (wfd != ISO_FD)
        dup2(wfd, ISO_FD);
    close_range(ISO_FD + 1, ~0u, 0);
    child_limit(RLIMIT_CORE, 0, 0);
    child_limit(RLIMIT_FSIZE, 0, 0);
    child_limit(RLIMIT_NOFILE, ISO_NOFILE, ISO_NOFILE);
    child_limit(RLIMIT_CPU, cpu, cpu + 1);
    if (j->as_limit != RLIM_INFINITY)
        child_limit(RLIMIT_AS, j->as_limit, j->as_limit);
}

/* child_fault - the test hook: crash or hang on request, in the child only */
static void child_fault(enum iso_fault f)
{
    struct sigaction dfl = {.sa_handler = SIG_DFL};

    if (f == FAULT_CRASH) {
        sigaction(SIGSEGV, &dfl, NULL); /* past any sanitizer's handler */
        raise(SIGSEGV);
    }
    while (f == FAULT_HANG)
        pause();
}

/* child_main - confine, extract, report, _exit; never returns */
static _Noreturn void child_main(const struct iso_job *j, int wfd)
{
    pg_msg_limits lim = *j->lim;
    size_t seg0 = j->msg->n_segs, unins0 = j->msg->n_unins;

    child_confine(j, wfd);
    child_fault(j->fault);
    lim.isolate_extractors = false; /* already isolated: nested runs in here */
    int rc = j->fn(j->msg, j->part, j->seg_path, &lim);
    if (rc < 0)
        _exit(rc == PG_ENOMEM ? ISO_EXIT_NOMEM : ISO_EXIT_FAIL);
    _exit(send_results(ISO_FD, j->msg, seg0, unins0) < 0 ? ISO_EXIT_FAIL : 0);
}

/* --------------------------------------------------------------- parent */

/* now_ms - monotonic milliseconds */
static int64_t now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* as_limit - RLIMIT_AS for the child: the address space now plus the
 * extractor's budget (none under ASan, or when the budget is 0) */
static rlim_t as_limit(size_t budget)
{
#ifdef ISO_ASAN
    (void)budget;
    return RLIM_INFINITY;
#else
    unsigned long pages = 0;
    FILE *f = budget ? fopen("/proc/self/statm", "re") : NULL;

    if (!f)
        return RLIM_INFINITY;
    if (fscanf(f, "%lu", &pages) != 1)
        pages = 0;
    fclose(f);
    size_t base = pages * (size_t)sysconf(_SC_PAGESIZE);
    return base <= SIZE_MAX - budget ? (rlim_t)(base + budget) : RLIM_INFINITY;
#endif
}

/* fault_mode - the test hook, read in the parent: PDF extractor only */
static enum iso_fault fault_mode(const msg_part *part, msg_extract_fn fn)
{
    const char *v = getenv(MSG_ISOLATE_FAULT_ENV);
    const char *mk = MSG_ISOLATE_FAULT_MARKER;

    if (!v || fn != msg_extract_pdf || !memmem(part->data, part->len, mk, strlen(mk)))
        return FAULT_NONE;
    if (!strcmp(v, "crash"))
        return FAULT_CRASH;
    return !strcmp(v, "hang") ? FAULT_HANG : FAULT_NONE;
}

/* job_init - everything the child will need, computed before fork */
static void job_init(struct iso_job *j, pg_msg *msg, const msg_part *part,
                     const char *seg_path, const pg_msg_limits *lim,
                     msg_extract_fn fn)
{
    *j = (struct iso_job){msg, part, seg_path, lim, fn, fault_mode(part, fn),
                          as_limit(lim->extractor_memory_bytes)};
    xmlInitParser();
    msg_extract_pdf_prefork();
}

/* reap - wait for the child until the deadline, then kill it; returns
 * the wait status, or -1 when it cannot be known (SIGCHLD ignored) */
static int reap(pid_t pid, int64_t deadline, bool *killed)
{
    int st;

    for (;;) {
        pid_t r = waitpid(pid, &st, deadline ? WNOHANG : 0);
        if (r == pid)
            return st;
        if (r < 0 && errno != EINTR)
            return -1;
        if (deadline && now_ms() >= deadline) {
            kill(pid, SIGKILL);
            *killed = true;
            deadline = 0;
        } else if (r == 0) {
            nanosleep(&(struct timespec){0, 1000000}, NULL);
        }
    }
}

/* buf_read - one read from the pipe into the growing buffer; 1 data,
 * 0 EOF, PG_ETOOBIG over cap, PG_ENOMEM, PG_EIO */
static int buf_read(int fd, msg_sb *b)
{
    char chunk[65536];
    ssize_t k = read(fd, chunk, sizeof(chunk));

    if (k < 0)
        return errno == EINTR || errno == EAGAIN ? 1 : PG_EIO;
    if (k == 0)
        return 0;
    msg_sb_put(b, chunk, (size_t)k);
    return b->err ? b->err : 1;
}

/* collect - read the child's stream until EOF or the deadline; returns
 * NULL when the child finished cleanly, else the uninspectable reason */
static const char *collect(int fd, pid_t pid, int64_t deadline, msg_sb *b)
{
    bool killed = false;
    int rc = 1;

    while (rc > 0) {
        int64_t left = deadline - now_ms();
        struct pollfd p = {fd, POLLIN, 0};
        if (left <= 0)
            break;
        int pr = poll(&p, 1, left > INT32_MAX ? INT32_MAX : (int)left);
        if (pr > 0)
            rc = buf_read(fd, b);
        else if (pr < 0 && errno != EINTR)
            rc = PG_EIO;
    }
    if (rc != 0)
        kill(pid, SIGKILL);
    int st = reap(pid, rc == 0 ? deadline : 0, &killed);
    if (rc == PG_ETOOBIG)
        return MSG_WHY_SIZE;
    if (st >= 0 && WIFEXITED(st) && WEXITSTATUS(st) == ISO_EXIT_NOMEM)
        return MSG_WHY_MEMORY;
    if (rc > 0 || killed || (st >= 0 && WIFSIGNALED(st) && WTERMSIG(st) == SIGXCPU))
        return MSG_WHY_TIMEOUT;
    if (rc < 0 || (st >= 0 && !(WIFEXITED(st) && WEXITSTATUS(st) == 0)))
        return MSG_WHY_CRASH;
    return NULL;
}

/* within - is path the attachment's own path or below it? */
static bool within(const char *path, size_t n, const char *root)
{
    size_t rn = strlen(root);

    return n >= rn && memcmp(path, root, rn) == 0 && (n == rn || path[rn] == '/');
}

/* replay - walk the records; check only (apply false) or add them */
static int replay(pg_msg *msg, const char *buf, size_t len, const char *root,
                  const pg_msg_limits *lim, bool apply)
{
    char path[MSG_PATH_MAX + 1], why[ISO_REASON_MAX + 1];
    size_t off = 0;

    while (off < len) {
        uint32_t a, b;
        if (len - off < ISO_HDR)
            return PG_EPARSE;
        char type = buf[off];
        int kind = (unsigned char)buf[off + 1];
        memcpy(&a, buf + off + 2, 4);
        memcpy(&b, buf + off + 6, 4);
        off += ISO_HDR;
        if (type == 'E')
            return a == 0 && b == 0 && off == len ? 0 : PG_EPARSE;
        if (a == 0 || a > MSG_PATH_MAX || a > len - off || b > len - off - a ||
            memchr(buf + off, '\0', a) || !within(buf + off, a, root))
            return PG_EPARSE;
        memcpy(path, buf + off, a);
        path[a] = '\0';
        const char *body = buf + off + a;
        off += (size_t)a + b;
        int rc = 0;
        if (type == 'S' && (kind == PG_SEG_ATTACHMENT || kind == PG_SEG_FILENAME)) {
            if (apply)
                rc = msg_extract_emit(msg, path, (pg_seg_kind)kind, body, b, lim);
        } else if (type == 'U' && b > 0 && b <= ISO_REASON_MAX && !memchr(body, '\0', b)) {
            memcpy(why, body, b);
            why[b] = '\0';
            if (apply)
                rc = msg_add_uninspectable(msg, path, why);
        } else {
            return PG_EPARSE;
        }
        if (rc < 0)
            return rc;
    }
    return PG_EPARSE; /* no 'E': the child stopped short */
}

/* settle - keep the child's records if they all check out, else say why */
static int settle(pg_msg *msg, const msg_sb *out, const char *why,
                  const char *seg_path, const pg_msg_limits *lim)
{
    if (out->err == PG_ENOMEM)
        return PG_ENOMEM; /* our buffer failed, not the child */
    if (!why && replay(msg, out->p, out->len, seg_path, lim, false) < 0)
        why = MSG_WHY_PROTOCOL;
    int rc = why ? msg_add_uninspectable(msg, seg_path, why)
                 : replay(msg, out->p, out->len, seg_path, lim, true);
    return rc < 0 ? rc : 0;
}

/* msg_isolate_run - fork, confine, extract, collect, validate, replay */
int msg_isolate_run(pg_msg *msg, const msg_part *part, const char *seg_path,
                    const pg_msg_limits *lim, msg_extract_fn fn)
{
    struct iso_job job;
    int fds[2];
    msg_sb out;

    job_init(&job, msg, part, seg_path, lim, fn);
    if (pipe2(fds, O_CLOEXEC) < 0)
        return msg_add_uninspectable(msg, seg_path, MSG_WHY_SYSTEM);
    int64_t deadline = now_ms() + (lim->extractor_timeout_ms ? lim->extractor_timeout_ms : 1);
    pid_t pid = fork();
    if (pid == 0)
        child_main(&job, fds[1]);
    close(fds[1]);
    if (pid < 0) {
        close(fds[0]);
        return msg_add_uninspectable(msg, seg_path, MSG_WHY_SYSTEM);
    }
    size_t budget = lim->max_decoded_bytes > msg->decoded_bytes
                        ? lim->max_decoded_bytes - msg->decoded_bytes : 0;
    msg_sb_init(&out, budget > SIZE_MAX - ISO_FRAMING_SLACK ? SIZE_MAX
                                                              : budget + ISO_FRAMING_SLACK);
    const char *why = collect(fds[0], pid, deadline, &out);
    close(fds[0]);
    int rc = settle(msg, &out, why, seg_path, lim);
    msg_sb_free(&out);
    return rc;
}
