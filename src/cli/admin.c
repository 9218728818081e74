/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * admin.c - the pieces the admin commands share (see admin.h).
 *
 * Admin commands never create a store: a typo in --state-dir must not
 * produce a fresh empty database and a new key beside the real ones.
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli/admin.h"
#include "cli/cli.h"

/* pg_cli_admin_bad - a bad option value: say so, return -1 */
int pg_cli_admin_bad(const pg_cli_admin *a, const char *fmt, ...)
{
    char msg[512];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    pg_cli_error(a->cmd, "%s", msg);
    return -1;
}

/* common_option - the options every admin command takes */
static int common_option(pg_cli_admin *a, int opt, const char *arg)
{
    char *end;
    unsigned long v;

    switch (opt) {
    case PG_OPT_STATE_DIR:
        a->state_dir = arg;
        return 1;
    case PG_OPT_OPERATOR:
        a->actor = arg;
        return 1;
    case PG_OPT_RETENTION:
        v = strtoul(arg, &end, 10);
        if (end == arg || *end || v == 0 || v > 3650)
            return pg_cli_admin_bad(a, "--retention-days wants a number of days from "
                                    "1 to 3650, not '%s'", arg);
        a->retention_days = (unsigned)v;
        return 1;
    default:
        return 0;
    }
}

/* pg_cli_admin_parse - one getopt_long loop for every admin command */
int pg_cli_admin_parse(pg_cli_admin *a, int *first, int argc, char **argv,
                       const struct option *longopts, pg_cli_admin_usage_fn usage,
                       pg_cli_admin_take_fn take, void *ctx)
{
    int c, r;

    optind = 0; /* GNU: start afresh, even if another command parsed before */
    while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
        if (c == 'h')
            return usage(stdout, PG_EXIT_CLEAN);
        if (c == '?')
            return pg_cli_admin_unknown(a);
        if ((r = common_option(a, c, optarg)) == 0)
            r = take ? take(ctx, c, optarg) : 0;
        if (r <= 0)
            return r < 0 ? PG_EXIT_ERROR : pg_cli_admin_unknown(a);
    }
    *first = optind;
    return PG_CLI_GO_ON;
}

/* pg_cli_admin_store_error - the store's message plus the next step */
int pg_cli_admin_store_error(const pg_cli_admin *a, int err, const char *doing)
{
    const char *hint = "";

    switch (err) {
    case PG_ETIMEOUT:
        hint = "; the gateway may be busy: try again in a moment";
        break;
    case PG_ENOMEM:
        hint = "; out of memory";
        break;
    default:
        break;
    }
    return pg_cli_error(a->cmd, "%s: %s%s", doing,
                        *pg_error_last() ? pg_error_last() : pg_err_name(err), hint);
}

/* pg_cli_admin_open - the existing store only */
int pg_cli_admin_open(pg_store **out, pg_cli_admin *a)
{
    pg_store_opts opts = {0};
    int err;

    if (!a->state_dir)
        a->state_dir = pg_store_default_state_dir();
    opts.state_dir = a->state_dir;
    opts.retention_days = a->retention_days;
    opts.must_exist = true;
    /* the store logs each audit row's head for the daemon's syslog; at a
     * terminal the command's own output says what happened */
    pg_log_configure(PG_LOG_WARN, NULL, NULL);
    pg_error_clear();
    if ((err = pg_store_open(out, &opts)) == 0)
        return 0;
    if (err == PG_ENOTFOUND)
        return pg_cli_error(a->cmd, "%s\n  (state directory %s; pass --state-dir DIR "
                            "where the gateway keeps its state)", pg_error_last(),
                            a->state_dir);
    return pg_cli_admin_store_error(a, err, "cannot open the store");
}

/* pg_cli_admin_actor - who is acting: explicit, then sudo's caller, then us */
const char *pg_cli_admin_actor(const pg_cli_admin *a)
{
    const char *v;

    if (a->actor && *a->actor)
        return a->actor;
    if ((v = getenv("SUDO_USER")) && *v)
        return v;
    if ((v = getenv("USER")) && *v)
        return v;
    return "unknown";
}

/* admin_time - a --since/--until value, or -1 after saying what is wrong */
static int admin_time(int64_t *out, const pg_cli_admin *a, const char *opt, const char *text)
{
    if (pg_store_parse_time(out, text, (int64_t)time(NULL)) == 0)
        return 1;
    return pg_cli_admin_bad(a, "%s: %s", opt, pg_error_last());
}

/* pg_cli_admin_filter_option - the period and channel of a query */
int pg_cli_admin_filter_option(const pg_cli_admin *a, pg_store_filter *f, int opt,
                               const char *arg)
{
    switch (opt) {
    case PG_OPT_SINCE: return admin_time(&f->since, a, "--since", arg);
    case PG_OPT_UNTIL: return admin_time(&f->until, a, "--until", arg);
    case PG_OPT_CHANNEL: f->channel = arg; return 1;
    default: return 0;
    }
}

/* pg_cli_admin_unknown - a usage error */
int pg_cli_admin_unknown(const pg_cli_admin *a)
{
    return pg_cli_error(a->cmd, "wrong arguments; see 'piiguard %s --help'", a->cmd);
}

/* pg_cli_admin_csv - one quoted CSV cell */
void pg_cli_admin_csv(FILE *f, const char *s, bool last)
{
    fputc('"', f);
    if (s && *s && strchr("=+-@\t\r", *s))
        fputc('\'', f);
    for (; s && *s; s++) {
        if (*s == '"')
            fputc('"', f);
        fputc(*s, f);
    }
    fputc('"', f);
    fputc(last ? '\n' : ',', f);
}
