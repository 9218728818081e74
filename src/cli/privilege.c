/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *   privilege.c - a daemon started as root binds, hands its state
 *   directory to the daemon user, and becomes that user for good.
 *
 * SUMMARY
 *   int pg_cli_privilege_drop(const pg_cli_privilege *p);
 *   int pg_cli_privilege_hook(pg_metrics **metrics, pg_service *svc,
 *                             void *payload);
 *
 * DESCRIPTION
 *   Root is needed for one thing at start: binding where the operator
 *   said (a privileged port, a socket in a root-owned directory). Once
 *   the sockets are bound and the service is open, the process hands its
 *   state directory to the daemon user (--user, default "piiguard"), then
 *   calls setgroups (the user's group only), setgid and setuid, in that
 *   order (setgid needs root). glibc applies each to every thread, so the
 *   HTTP threads `run` started before the drop change with the rest.
 *
 *   Then it checks, and refuses to go on (the daemon exits with the
 *   reason) unless all of this holds: real, effective and saved IDs are
 *   the user's; setuid(0), seteuid(0), setgid(0) and setgroups() fail;
 *   every thread in /proc/self/task shows the user's IDs and no effective
 *   capability; the user can use the state directory and read the policy
 *   (else a SIGHUP reload could never succeed). Core dumps are turned off
 *   (PR_SET_DUMPABLE 0): a core of this process is full of customer data.
 *   no_new_privs is not set, because --notify runs the MTA's sendmail,
 *   which needs its setgid postdrop.
 *
 *   Handing over: every file and directory under the state directory not
 *   yet owned by the user is chown()ed to user:group, without following
 *   symbolic links (openat/fstatat/fchownat with AT_SYMLINK_NOFOLLOW) and
 *   without crossing into another file system. A regular file with more
 *   than one hard link is refused, not chowned: a link planted in the
 *   directory could name any file on the system, and root would hand that
 *   file over. The modes stay as the store made them (0600 files, 0700
 *   directories).
 *
 *   Not root: nothing to do, a --user is ignored (logged).
 *
 * DIAGNOSTICS
 *   One info line "privilege user=NAME uid=N gid=N state=DIR" after a
 *   drop. Errors say what is wrong and what to do.
 *
 * BUGS
 *   The milter's supervisor stays root (it holds no message, no key and
 *   no store handle) so that it can restart a worker that binds again.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/privilege.h"

/* How deep the state directory may nest; the store makes two levels. */
#define HAND_MAX_DEPTH 16

/* Who gets the state directory, and on which file system it lives. */
typedef struct target {
    uid_t uid;
    gid_t gid;
    dev_t dev;
    const char *user;
} target;

static int hand_dir(const target *t, int dfd, const char *path, unsigned depth);

/* hand_entry - chown one entry (not following links), descend into a
 * directory on the same file system */
static int hand_entry(const target *t, int dfd, const char *name, const char *path,
                      unsigned depth)
{
    struct stat st;

    if (fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
        return errno == ENOENT ? 0 : pg_error_set(PG_EIO, "cannot stat %s/%s: %s",
                                                  path, name, strerror(errno));
    if (S_ISREG(st.st_mode) && st.st_nlink > 1 && st.st_uid != t->uid)
        return pg_error_set(PG_EPERM, "%s/%s has %lu hard links; refusing to hand it "
                            "to %s (a link can name any file); remove the extra links",
                            path, name, (unsigned long)st.st_nlink, t->user);
    if ((st.st_uid != t->uid || st.st_gid != t->gid) &&
        fchownat(dfd, name, t->uid, t->gid, AT_SYMLINK_NOFOLLOW) < 0)
        return pg_error_set(PG_EIO, "cannot chown %s/%s to %s: %s", path, name,
                            t->user, strerror(errno));
    if (!S_ISDIR(st.st_mode) || st.st_dev != t->dev)
        return 0;
    int fd = openat(dfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0)
        return pg_error_set(PG_EIO, "cannot open %s/%s: %s", path, name, strerror(errno));
    char sub[4096];
    snprintf(sub, sizeof(sub), "%s/%s", path, name);
    return hand_dir(t, fd, sub, depth + 1);
}

/* hand_dir - every entry of an open directory (the fd is consumed) */
static int hand_dir(const target *t, int fd, const char *path, unsigned depth)
{
    DIR *d;
    struct dirent *e;
    int err = 0;

    if (depth > HAND_MAX_DEPTH) {
        close(fd);
        return pg_error_set(PG_EPERM, "%s nests deeper than %d levels; the state "
                            "directory holds no such tree", path, HAND_MAX_DEPTH);
    }
    if (!(d = fdopendir(fd))) {
        close(fd);
        return pg_error_set(PG_EIO, "cannot read %s: %s", path, strerror(errno));
    }
    while (err == 0 && (e = readdir(d)) != NULL)
        if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
            err = hand_entry(t, dirfd(d), e->d_name, path, depth);
    closedir(d);
    return err;
}

/* hand_over - the state directory and everything in it to the user */
static int hand_over(target *t, const char *dir)
{
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    struct stat st;

    if (fd < 0 || fstat(fd, &st) < 0) {
        int e = errno;
        if (fd >= 0)
            close(fd);
        return pg_error_set(PG_EIO, "cannot open state directory %s: %s", dir, strerror(e));
    }
    t->dev = st.st_dev;
    if ((st.st_uid != t->uid || st.st_gid != t->gid) && fchown(fd, t->uid, t->gid) < 0) {
        close(fd);
        return pg_error_set(PG_EIO, "cannot chown %s to %s: %s", dir, t->user, strerror(errno));
    }
    return hand_dir(t, fd, dir, 0);
}

/* lookup - the user's IDs; root and unknown users are refused */
static int lookup(target *t, const char *user)
{
    struct passwd pw, *res = NULL;
    char buf[4096];

    t->user = user;
    if (getpwnam_r(user, &pw, buf, sizeof(buf), &res) != 0 || !res)
        return pg_error_set(PG_ENOTFOUND, "no user '%s' to run as; create it (scripts/"
                            "install-deps.sh does: useradd --system --no-create-home "
                            "--shell /usr/sbin/nologin %s) or pass --user NAME", user, user);
    if (pw.pw_uid == 0 || pw.pw_gid == 0)
        return pg_error_set(PG_EPERM, "--user %s is root (uid %u gid %u); a daemon that "
                            "keeps root turns every parser bug into root; name an "
                            "unprivileged user", user, (unsigned)pw.pw_uid, (unsigned)pw.pw_gid);
    t->uid = pw.pw_uid;
    t->gid = pw.pw_gid;
    return 0;
}

/* become - groups first, then group, then user (setgid needs root) */
static int become(const target *t)
{
    if (setgroups(1, &t->gid) < 0 || setresgid(t->gid, t->gid, t->gid) < 0 ||
        setresuid(t->uid, t->uid, t->uid) < 0)
        return pg_error_set(PG_EPERM, "cannot become %s (uid %u): %s", t->user,
                            (unsigned)t->uid, strerror(errno));
    return 0;
}

/* task_ok - one thread's status shows only the user's IDs and no capability */
static bool task_ok(const target *t, const char *tid)
{
    char path[64], line[256];
    unsigned u[4] = {0}, g[4] = {0};
    unsigned long long cap = 1;
    int seen = 0;
    FILE *f;

    snprintf(path, sizeof(path), "/proc/self/task/%s/status", tid);
    if (!(f = fopen(path, "r")))
        return errno == ENOENT; /* the thread ended meanwhile */
    while (fgets(line, sizeof(line), f)) {
        seen += sscanf(line, "Uid: %u %u %u %u", &u[0], &u[1], &u[2], &u[3]) == 4;
        seen += sscanf(line, "Gid: %u %u %u %u", &g[0], &g[1], &g[2], &g[3]) == 4;
        seen += sscanf(line, "CapEff: %llx", &cap) == 1;
    }
    fclose(f);
    for (int i = 0; i < 4; i++)
        if (u[i] != t->uid || g[i] != t->gid)
            return false;
    return seen == 3 && cap == 0;
}

/* every_thread - task_ok for every thread of the process */
static int every_thread(const target *t)
{
    DIR *d = opendir("/proc/self/task");
    struct dirent *e;
    int err = 0;

    if (!d)
        return pg_error_set(PG_EIO, "cannot read /proc/self/task: %s", strerror(errno));
    while (err == 0 && (e = readdir(d)) != NULL)
        if (e->d_name[0] != '.' && !task_ok(t, e->d_name))
            err = pg_error_set(PG_EPERM, "thread %s still holds other IDs or capabilities "
                               "after the drop to %s", e->d_name, t->user);
    closedir(d);
    return err;
}

/* verify - root is gone and cannot come back */
static int verify(const target *t)
{
    uid_t ru, eu, su;
    gid_t rg, eg, sg;

    if (getresuid(&ru, &eu, &su) < 0 || getresgid(&rg, &eg, &sg) < 0 ||
        ru != t->uid || eu != t->uid || su != t->uid ||
        rg != t->gid || eg != t->gid || sg != t->gid)
        return pg_error_set(PG_EPERM, "the drop to %s left other IDs behind", t->user);
    if (setuid(0) == 0 || seteuid(0) == 0 || setgid(0) == 0 || setegid(0) == 0 ||
        setgroups(0, NULL) == 0)
        return pg_error_set(PG_EPERM, "root could be regained after the drop to %s",
                            t->user);
    return every_thread(t);
}

/* reachable - the user can use what the daemon will open by name later */
static int reachable(const target *t, const pg_cli_privilege *p)
{
    if (access(p->state_dir, R_OK | W_OK | X_OK) < 0)
        return pg_error_set(PG_EPERM, "user %s cannot use the state directory %s (%s); "
                            "a parent directory is probably closed to it: make the "
                            "parents searchable (chmod o+x) or choose another --state-dir",
                            t->user, p->state_dir, strerror(errno));
    if (p->policy_path && access(p->policy_path, R_OK) < 0)
        return pg_error_set(PG_EPERM, "user %s cannot read the policy %s (%s), so SIGHUP "
                            "could never reload it; make it (and its directory) readable "
                            "to %s", t->user, p->policy_path, strerror(errno), t->user);
    return 0;
}

/* pg_cli_privilege_drop - hand over, become the user, prove it */
int pg_cli_privilege_drop(const pg_cli_privilege *p)
{
    target t = {0};
    const char *user = p->user ? p->user : PG_CLI_DAEMON_USER;
    int err;

    if (geteuid() != 0) {
        if (p->user)
            pg_log(PG_LOG_INFO, "privilege", "user=%s ignored: not started as root", user);
        return 0;
    }
    if ((err = lookup(&t, user)) < 0 || (err = hand_over(&t, p->state_dir)) < 0 ||
        (err = become(&t)) < 0 || (err = verify(&t)) < 0 || (err = reachable(&t, p)) < 0)
        return err;
    if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) < 0)
        return pg_error_set(PG_EPERM, "cannot turn core dumps off: %s", strerror(errno));
    pg_log(PG_LOG_INFO, "privilege", "user=%s uid=%u gid=%u state=%s", user,
           (unsigned)t.uid, (unsigned)t.gid, p->state_dir);
    return 0;
}

/* pg_cli_privilege_hook - the drop as the milter worker's start hook */
int pg_cli_privilege_hook(pg_metrics **metrics, pg_service *svc, void *payload)
{
    return pg_cli_privilege_drop(payload);
}
