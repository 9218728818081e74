/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * util.c - what every subcommand needs: help detection, error lines that
 * say what to do next, bounded whole-file reads, the default policy path.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "piiguard/pg_base.h"

/* pg_cli_is_help - does this argument ask for help? */
bool pg_cli_is_help(const char *arg)
{
    return strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0 ||
           strcmp(arg, "help") == 0;
}

/* pg_cli_error - one error line on stderr, then exit code 2 */
int pg_cli_error(const char *cmd, const char *fmt, ...)
{
    va_list ap;

    fprintf(stderr, "piiguard %s: ", cmd);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    return PG_EXIT_ERROR;
}

/* pg_cli_read_all - read a file or stdin, refusing more than max bytes */
int pg_cli_read_all(char **out, size_t *out_len, const char *path, size_t max)
{
    FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
    size_t cap = 65536, len = 0;
    char *buf = NULL;
    int err = 0;

    if (!f)
        return pg_error_set(PG_EIO, "cannot open %s: %s", path, strerror(errno));
    if (!(buf = malloc(cap + 1))) {
        err = PG_ENOMEM;
        goto out;
    }
    for (;;) {
        size_t n = fread(buf + len, 1, cap - len, f);
        len += n;
        if (len > max) {
            err = pg_error_set(PG_ETOOBIG, "%s is larger than %zu bytes", path, max);
            goto out;
        }
        if (n == 0)
            break;
        if (len == cap) {
            char *nb = realloc(buf, cap * 2 + 1);
            if (!nb) {
                err = PG_ENOMEM;
                goto out;
            }
            buf = nb;
            cap *= 2;
        }
    }
    if (ferror(f))
        err = pg_error_set(PG_EIO, "cannot read %s: %s", path, strerror(errno));
out:
    if (f != stdin)
        fclose(f);
    if (err < 0) {
        free(buf);
        return err;
    }
    buf[len] = '\0';
    *out = buf;
    *out_len = len;
    return 0;
}

/* pg_cli_default_policy_path - where the policy comes from when not given */
const char *pg_cli_default_policy_path(void)
{
    const char *env = getenv("PIIGUARD_POLICY");

    if (env && *env)
        return env;
    if (access(PG_SOURCE_POLICY, R_OK) == 0)
        return PG_SOURCE_POLICY;
    return "/etc/piiguard/piiguard.yaml";
}
