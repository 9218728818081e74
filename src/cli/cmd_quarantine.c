/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * cmd_quarantine.c - piiguard quarantine: list, show, release, delete and
 * expire held mail.
 *
 * Only `show --reveal` and `release` decrypt, and the store writes the
 * audit row before it decrypts anything; `release`, `delete` and `expire`
 * are audited by the store too. A revealed message goes to stdout as it is
 * when stdout is a file or a pipe; on a terminal its control characters
 * are shown as '?' so a hostile message cannot drive the terminal.
 *
 * release: the envelope comes out of the ciphertext, the message goes to
 * --relay through relay.c, and only after the relay accepted it with 250
 * is the item marked released. A failure before that leaves it held.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/admin.h"
#include "cli/cli.h"
#include "cli/relay.h"

#define DEFAULT_RELAY "127.0.0.1:25"

enum { OPT_REVEAL = PG_OPT_FIRST_FREE, OPT_RELAY, OPT_HELO, OPT_STATE, OPT_FORMAT,
       OPT_TIMEOUT };

/* What the command line asked for. */
typedef struct qopts {
    pg_cli_admin a;
    bool reveal;
    bool json;
    int state;          /* -1: every state */
    const char *relay;
    const char *helo;
    int timeout_s;
} qopts;

/* usage - help with examples */
static int usage(FILE *f, int code)
{
    fprintf(f,
        "usage: piiguard quarantine list [--state STATE] [--format table|json]\n"
        "       piiguard quarantine show ID [--reveal]\n"
        "       piiguard quarantine release ID [--relay HOST:PORT] [--helo NAME]\n"
        "       piiguard quarantine delete ID\n"
        "       piiguard quarantine expire\n\n"
        "Held messages are encrypted at rest. 'show' prints what is kept in clear;\n"
        "--reveal also decrypts the envelope and message, and is recorded in the\n"
        "audit log with the operator. 'release' delivers the message through an\n"
        "SMTP relay that must not run the piiguard milter again. 'expire' removes\n"
        "messages older than the retention.\n\noptions:\n"
        "  --state STATE         list only held, released, deleted or expired\n"
        "  --format table|json   list format (default table; json: one object a line)\n"
        "  --reveal              show: decrypt and print the message (audited)\n"
        "  --relay HOST:PORT     release: where to deliver (default " DEFAULT_RELAY ")\n"
        "  --helo NAME           release: the EHLO name (default: this host's name)\n"
        "  --timeout SECONDS     release: per-step relay timeout (default 60)\n"
        PG_ADMIN_HELP
        "\nexamples:\n"
        "  piiguard quarantine list --state held\n"
        "  piiguard quarantine show 3f9c...e1 --reveal --operator alice\n"
        "  piiguard quarantine release 3f9c...e1 --relay 127.0.0.1:10026\n"
        "  piiguard quarantine delete 3f9c...e1 --state-dir /var/lib/piiguard\n");
    return code;
}

/* take_option - one option of this command */
static int take_option(void *ctx, int opt, const char *arg)
{
    qopts *o = ctx;
    pg_store_qstate s;

    switch (opt) {
    case OPT_REVEAL: o->reveal = true; return 1;
    case OPT_RELAY: o->relay = arg; return 1;
    case OPT_HELO: o->helo = arg; return 1;
    case OPT_TIMEOUT:
        o->timeout_s = atoi(arg);
        if (o->timeout_s < 1 || o->timeout_s > 3600)
            return pg_cli_admin_bad(&o->a, "--timeout wants 1 to 3600 seconds");
        return 1;
    case OPT_FORMAT:
        o->json = strcmp(arg, "json") == 0;
        if (!o->json && strcmp(arg, "table") != 0)
            return pg_cli_admin_bad(&o->a, "--format is table or json");
        return 1;
    case OPT_STATE:
        if (pg_store_qstate_from_name(&s, arg) < 0)
            return pg_cli_admin_bad(&o->a, "--state is held, released, deleted or expired");
        o->state = (int)s;
        return 1;
    default:
        return 0;
    }
}

static const struct option longopts[] = {
    PG_ADMIN_LONGOPTS,
    {"reveal", no_argument, NULL, OPT_REVEAL},
    {"relay", required_argument, NULL, OPT_RELAY},
    {"helo", required_argument, NULL, OPT_HELO},
    {"timeout", required_argument, NULL, OPT_TIMEOUT},
    {"format", required_argument, NULL, OPT_FORMAT},
    {"state", required_argument, NULL, OPT_STATE},
    {NULL, 0, NULL, 0},
};

/* print_item - the clear metadata, one field a line */
static void print_item(const pg_store_qitem *q)
{
    char c[32], e[32], ch[32];

    printf("id:                %s\nstate:             %s\nincident:          %s\n"
           "created:           %s\nexpires:           %s\nchanged:           %s\n"
           "size:              %llu bytes\nsender:            %s\n"
           "recipient domains: %s\n", q->id, pg_store_qstate_name(q->state),
           *q->incident_id ? q->incident_id : "-", pg_store_format_time(c, q->created),
           pg_store_format_time(e, q->expires), pg_store_format_time(ch, q->changed),
           (unsigned long long)q->size, *q->sender ? q->sender : "<>",
           q->recipient_domains);
}

/* list_row - one item as a table row or a JSON line */
static int list_row(const pg_store_qitem *q, void *payload)
{
    const qopts *o = payload;
    char c[32], e[32];

    if (o->json) {
        json_t *j = json_pack("{s:s, s:s, s:s, s:s, s:s, s:I, s:s, s:s}", "id", q->id,
                              "state", pg_store_qstate_name(q->state), "incident_id",
                              q->incident_id, "created", pg_store_format_time(c, q->created),
                              "expires", pg_store_format_time(e, q->expires), "size",
                              (json_int_t)q->size, "sender", q->sender,
                              "recipient_domains", q->recipient_domains);
        if (!j)
            return PG_ENOMEM;
        json_dumpf(j, stdout, JSON_COMPACT | JSON_SORT_KEYS);
        fputc('\n', stdout);
        json_decref(j);
        return 0;
    }
    printf("%-32s  %-8s  %-20s  %-20s  %10llu  %s  %s\n", q->id,
           pg_store_qstate_name(q->state), pg_store_format_time(c, q->created),
           pg_store_format_time(e, q->expires), (unsigned long long)q->size,
           *q->sender ? q->sender : "<>", q->recipient_domains);
    return 0;
}

/* do_list - every item in the asked-for state */
static int do_list(pg_store *st, qopts *o)
{
    int err;

    if (!o->json)
        printf("%-32s  %-8s  %-20s  %-20s  %10s  %s\n", "ID", "STATE", "CREATED",
               "EXPIRES", "BYTES", "SENDER  RECIPIENT-DOMAINS");
    if ((err = pg_store_quarantine_list(st, o->state, list_row, o)) < 0)
        return pg_cli_admin_store_error(&o->a, err, "cannot list the quarantine");
    return PG_EXIT_CLEAN;
}

/* reveal_envelope - print the decrypted envelope before the message */
static int reveal_envelope(const pg_store_envelope *env, void *payload)
{
    (void)payload;
    printf("envelope-from:     %s\n", *env->sender ? env->sender : "<>");
    for (size_t i = 0; i < env->n_recipients; i++)
        printf("envelope-to:       %s\n", env->recipients[i]);
    printf("----- decrypted message (this view is in the audit log) -----\n");
    return 0;
}

/* reveal_chunk - message bytes to stdout, defused on a terminal */
static int reveal_chunk(const char *data, size_t len, void *payload)
{
    const bool *tty = payload;

    for (size_t i = 0; *tty && i < len; i++) {
        unsigned char c = (unsigned char)data[i];
        putchar((c < 0x20 && !strchr("\t\r\n", c)) || c == 0x7f ? '?' : c);
    }
    if (!*tty && fwrite(data, 1, len, stdout) != len)
        return PG_EIO;
    return 0;
}

/* do_show - metadata; with --reveal, the audited plaintext too */
static int do_show(pg_store *st, qopts *o, const char *id)
{
    static const pg_store_reader reader = {reveal_envelope, reveal_chunk};
    pg_store_qitem *q = NULL;
    bool tty = isatty(STDOUT_FILENO);
    int err;

    if ((err = pg_store_quarantine_get(&q, st, id)) < 0)
        return pg_cli_admin_store_error(&o->a, err, "cannot show it");
    print_item(q);
    pg_store_qitem_free(q);
    if (!o->reveal)
        return PG_EXIT_CLEAN;
    fflush(stdout);
    fprintf(stderr, "piiguard quarantine: revealing %s as operator '%s' (audited)\n", id,
            pg_cli_admin_actor(&o->a));
    err = pg_store_quarantine_read(st, id, pg_cli_admin_actor(&o->a), "reveal", &reader, &tty);
    fflush(stdout);
    if (err != 0)
        return pg_cli_admin_store_error(&o->a, err, "cannot reveal it");
    return PG_EXIT_CLEAN;
}

/* relay_envelope, relay_chunk - the reader that feeds the SMTP relay */
static int relay_envelope(const pg_store_envelope *env, void *payload)
{
    return pg_cli_relay_envelope(payload, env);
}

static int relay_chunk(const char *data, size_t len, void *payload)
{
    return pg_cli_relay_data(payload, data, len);
}

/* deliver - connect, stream the decrypted message, finish */
static int deliver(pg_store *st, qopts *o, const char *id)
{
    static const pg_store_reader reader = {relay_envelope, relay_chunk};
    pg_cli_relay *r = NULL;
    char host[256] = "localhost";
    int err;

    if (!o->helo && gethostname(host, sizeof(host) - 1) == 0 && *host)
        o->helo = host;
    err = pg_cli_relay_open(&r, o->relay ? o->relay : DEFAULT_RELAY,
                            o->helo ? o->helo : "localhost", o->timeout_s);
    if (err == 0)
        err = pg_store_quarantine_read(st, id, pg_cli_admin_actor(&o->a), "release", &reader, r);
    if (err == 0)
        err = pg_cli_relay_finish(r);
    pg_cli_relay_close(r);
    return err;
}

/* do_release - must be held; deliver; only then mark released */
static int do_release(pg_store *st, qopts *o, const char *id)
{
    pg_store_qitem *q = NULL;
    int err;

    if ((err = pg_store_quarantine_get(&q, st, id)) < 0)
        return pg_cli_admin_store_error(&o->a, err, "cannot release it");
    err = q->state == PG_STORE_Q_HELD ? 0 : PG_ESTATE;
    if (err)
        pg_cli_error("quarantine", "%s is %s; only held messages can be released", id,
                     pg_store_qstate_name(q->state));
    pg_store_qitem_free(q);
    if (err)
        return PG_EXIT_ERROR;
    if ((err = deliver(st, o, id)) != 0)
        return pg_cli_admin_store_error(&o->a, err, "not released, still held");
    if ((err = pg_store_quarantine_release(st, id, pg_cli_admin_actor(&o->a))) < 0)
        return pg_cli_admin_store_error(&o->a, err, "DELIVERED but not marked released; "
                                        "do not release it again");
    printf("released %s via %s\n", id, o->relay ? o->relay : DEFAULT_RELAY);
    return PG_EXIT_CLEAN;
}

/* do_delete - remove the ciphertext, audited */
static int do_delete(pg_store *st, qopts *o, const char *id)
{
    int err = pg_store_quarantine_delete(st, id, pg_cli_admin_actor(&o->a));

    if (err < 0)
        return pg_cli_admin_store_error(&o->a, err, "cannot delete it");
    printf("deleted %s\n", id);
    return PG_EXIT_CLEAN;
}

/* do_expire - apply the retention now */
static int do_expire(pg_store *st, qopts *o)
{
    size_t n = 0;
    int err = pg_store_expire(&n, st, 0, pg_cli_admin_actor(&o->a));

    printf("expired %zu message%s\n", n, n == 1 ? "" : "s");
    if (err < 0)
        return pg_cli_admin_store_error(&o->a, err, "expiry stopped");
    return PG_EXIT_CLEAN;
}

/* run - dispatch the action on an open store */
static int run(pg_store *st, qopts *o, const char *action, const char *id)
{
    if (strcmp(action, "list") == 0)
        return do_list(st, o);
    if (strcmp(action, "show") == 0)
        return do_show(st, o, id);
    if (strcmp(action, "release") == 0)
        return do_release(st, o, id);
    if (strcmp(action, "delete") == 0)
        return do_delete(st, o, id);
    return do_expire(st, o);
}

/* pg_cli_quarantine - parse, check the action's arguments, open, run */
int pg_cli_quarantine(int argc, char **argv)
{
    qopts o = {.a.cmd = "quarantine", .state = -1, .timeout_s = 60};
    const char *action, *id;
    pg_store *st = NULL;
    int first = 0, rc;

    if ((rc = pg_cli_admin_parse(&o.a, &first, argc, argv, longopts, usage, take_option,
                                 &o)) != PG_CLI_GO_ON)
        return rc;
    action = first < argc ? argv[first] : NULL;
    id = first + 1 < argc ? argv[first + 1] : NULL;
    if (!action)
        return usage(stderr, PG_EXIT_ERROR);
    bool wants_id = strcmp(action, "show") == 0 || strcmp(action, "release") == 0 ||
                    strcmp(action, "delete") == 0;
    bool no_id = strcmp(action, "list") == 0 || strcmp(action, "expire") == 0;
    if ((!wants_id && !no_id) || (wants_id && (!id || first + 2 < argc)) ||
        (no_id && id))
        return pg_cli_admin_unknown(&o.a);
    if ((rc = pg_cli_admin_open(&st, &o.a)) != 0)
        return rc;
    rc = run(st, &o, action, id);
    pg_store_free(st);
    return rc;
}
