/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * cmd_audit.c - piiguard audit: verify the audit log's hash chain, or list
 * its rows.
 *
 * verify exits 0 when every row holds, 1 with the first broken row, 2 when
 * it could not check at all. It prints the head hash: kept somewhere else
 * (a ticket, syslog), it is what shows that rows were cut off the end,
 * which no chain can show by itself.
 */
#include <stdlib.h>
#include <string.h>

#include "cli/admin.h"
#include "cli/cli.h"

enum { OPT_FROM = PG_OPT_FIRST_FREE };

/* What the command line asked for. */
typedef struct aopts {
    pg_cli_admin a;
    uint64_t from;
} aopts;

/* usage - help with examples */
static int usage(FILE *f, int code)
{
    fprintf(f,
        "usage: piiguard audit verify\n"
        "       piiguard audit list [--from SEQ]\n\n"
        "Every admin action (reveal, release, delete, expire, export) is a row in\n"
        "the audit log; each row holds a keyed BLAKE2b hash of the previous row's\n"
        "hash and its own content. 'verify' recomputes the chain: exit 0 when it\n"
        "holds, 1 with the first broken row, 2 on error. Keep the printed head\n"
        "hash elsewhere to detect rows cut off the end.\n\noptions:\n"
        "  --from SEQ            list: start at row SEQ (default 1)\n"
        PG_ADMIN_HELP
        "\nexamples:\n"
        "  piiguard audit verify --state-dir /var/lib/piiguard\n"
        "  piiguard audit list --from 100\n");
    return code;
}

/* take_option - one option of this command */
static int take_option(void *ctx, int opt, const char *arg)
{
    aopts *o = ctx;
    char *end;

    if (opt != OPT_FROM)
        return 0;
    o->from = strtoull(arg, &end, 10);
    return end == arg || *end || o->from == 0
               ? pg_cli_admin_bad(&o->a, "--from wants a row number from 1") : 1;
}

static const struct option longopts[] = {
    PG_ADMIN_LONGOPTS,
    {"from", required_argument, NULL, OPT_FROM},
    {NULL, 0, NULL, 0},
};

/* list_row - one row, tab-separated */
static int list_row(const pg_store_audit_row *row, void *payload)
{
    char t[32];

    (void)payload;
    printf("%llu\t%s\t%s\t%s\t%s\t%s\t%s\n", (unsigned long long)row->seq,
           pg_store_format_time(t, row->time), row->actor, row->action, row->target,
           row->detail, row->hash);
    return 0;
}

/* do_verify - walk the chain; 0, 1 or 2 */
static int do_verify(pg_store *st, aopts *o)
{
    pg_store_audit_status s;
    int err = pg_store_audit_verify(&s, st);

    if (err == PG_ESTATE) {
        printf("audit log BROKEN at row %llu: %s\n", (unsigned long long)s.first_bad,
               pg_error_last());
        printf("rows 1..%llu hold (head %s); restore the database from a backup and "
               "compare\n", (unsigned long long)s.rows, *s.head ? s.head : "-");
        return PG_EXIT_FOUND;
    }
    if (err < 0)
        return pg_cli_admin_store_error(&o->a, err, "cannot verify");
    printf("audit log intact: %llu rows, head %s\n", (unsigned long long)s.rows,
           *s.head ? s.head : "-");
    return PG_EXIT_CLEAN;
}

/* pg_cli_audit - verify or list */
int pg_cli_audit(int argc, char **argv)
{
    aopts o = {.a.cmd = "audit", .from = 1};
    pg_store *st = NULL;
    const char *action;
    int first = 0, rc, err;

    if ((rc = pg_cli_admin_parse(&o.a, &first, argc, argv, longopts, usage, take_option,
                                 &o)) != PG_CLI_GO_ON)
        return rc;
    action = first < argc ? argv[first] : NULL;
    if (!action)
        return usage(stderr, PG_EXIT_ERROR);
    if (first + 1 != argc || (strcmp(action, "verify") != 0 && strcmp(action, "list") != 0))
        return pg_cli_admin_unknown(&o.a);
    if ((rc = pg_cli_admin_open(&st, &o.a)) != 0)
        return rc;
    if (strcmp(action, "verify") == 0) {
        rc = do_verify(st, &o);
    } else if ((err = pg_store_audit_list(st, o.from, list_row, NULL)) < 0) {
        rc = pg_cli_admin_store_error(&o.a, err, "cannot list the audit log");
    }
    pg_store_free(st);
    return rc;
}
