/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * cmd_check.c - piiguard check: parse one message, find its PII, decide.
 *
 * The message goes through the same service path as the milter and the
 * HTTP API (pg_service_check_mime / _text), with no store: the CLI decides
 * and reports, it records nothing. The report is pg_report_json(), the one
 * the API answers with, so the two cannot disagree. Values are always
 * masked. Without --policy the default policy is used (PIIGUARD_POLICY,
 * etc/piiguard.yaml of the source tree, or the installed copy), so the exit
 * status always reflects a decision: 0 allow or tag, 1 any other action,
 * 2 error (unreadable input, bad policy, or an internal tempfail).
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "piiguard/pg_service.h"

#define MAX_RECIPIENTS 1000

struct check_opts {
    bool json;
    const char *from, *to, *path, *policy;
    pg_channel channel;
};

static const char usage_text[] =
    "usage: piiguard check [--format human|json] [--policy FILE]\n"
    "                      [--channel email|chat|sms] [--from ADDR] [--to ADDR,...]\n"
    "                      [FILE.eml|-]\n\n"
    "Parse one email (RFC 5322, MIME), find customer PII in every part -\n"
    "subject, display names, text and HTML bodies, attachments, quoted\n"
    "replies - and decide by policy. Values are always masked; parts that\n"
    "cannot be read are listed as uninspectable.\n\n"
    "  --format F     human (default) or json\n"
    "  --policy FILE  the policy (default: $PIIGUARD_POLICY, else etc/piiguard.yaml)\n"
    "  --channel C    email (default: the input is RFC 5322), or chat / sms\n"
    "                 (the input is the plain message text)\n"
    "  --from ADDR    envelope sender (MAIL FROM) or chat user\n"
    "  --to LIST      recipients, comma-separated (RCPT TO)\n\n"
    "exit status: 0 allow or tag, 1 any other action, 2 error\n\n"
    "examples:\n"
    "  piiguard check message.eml\n"
    "  piiguard check --format json --to customer@example.com - < message.eml\n"
    "  echo 'your SSN is 536-22-1234' | piiguard check --channel chat --to +15550100 -\n";

/* parse_opts - options into o; returns -1 to go on, else an exit code */
static int parse_opts(struct check_opts *o, int argc, char **argv)
{
    static const struct option longopts[] = {
        {"format", required_argument, NULL, 'f'}, {"from", required_argument, NULL, 'F'},
        {"to", required_argument, NULL, 'T'},     {"policy", required_argument, NULL, 'p'},
        {"channel", required_argument, NULL, 'c'}, {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0}};
    int c;

    optind = 1;
    while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
        if (c == 'h') {
            fputs(usage_text, stdout);
            return PG_EXIT_CLEAN;
        } else if (c == 'f' && (strcmp(optarg, "json") == 0 || strcmp(optarg, "human") == 0)) {
            o->json = strcmp(optarg, "json") == 0;
        } else if (c == 'F') {
            o->from = optarg;
        } else if (c == 'T') {
            o->to = optarg;
        } else if (c == 'p') {
            o->policy = optarg;
        } else if (c == 'c' && pg_channel_from_name(&o->channel, optarg) == 0) {
            continue;
        } else {
            return pg_cli_error("check", "bad option; try 'piiguard check --help'");
        }
    }
    if (argc - optind > 1)
        return pg_cli_error("check", "one message at a time; try 'piiguard check --help'");
    o->path = optind < argc ? argv[optind] : "-";
    return -1;
}

/* split_recipients - "a,b,c" into rcpt[] (pointers into the copy *buf) */
static size_t split_recipients(char **buf, const char **rcpt, const char *list)
{
    size_t n = 0;
    char *save = NULL;

    *buf = list ? strdup(list) : NULL;
    for (char *t = *buf ? strtok_r(*buf, ",", &save) : NULL; t && n < MAX_RECIPIENTS;
         t = strtok_r(NULL, ",", &save))
        rcpt[n++] = t;
    return n;
}

/* exit_code - the exit status a decision stands for */
static int exit_code(const pg_decision *d)
{
    pg_action a = pg_decision_action(d);

    if (a == PG_ACT_TEMPFAIL)
        return PG_EXIT_ERROR;
    return a <= PG_ACT_TAG ? PG_EXIT_CLEAN : PG_EXIT_FOUND;
}

/* report - print the verdict and choose the exit status */
static int report(const struct check_opts *o, const pg_verdict *v)
{
    json_t *r = pg_report_json(v->msg, v->decision);

    if (!r)
        return pg_cli_error("check", "out of memory building the report");
    if (o->json) {
        json_dumpf(r, stdout, JSON_INDENT(2) | JSON_ENSURE_ASCII | JSON_REAL_PRECISION(4));
        fputc('\n', stdout);
    } else {
        pg_report_print(stdout, r);
    }
    json_decref(r);
    if (pg_decision_action(v->decision) == PG_ACT_TEMPFAIL)
        fprintf(stderr, "piiguard check: internal error, the gateway would tempfail: %s\n",
                pg_error_last());
    return exit_code(v->decision);
}

/* run_check - the service path over the raw input */
static int run_check(const struct check_opts *o, pg_service *svc, const char *raw, size_t len)
{
    static const char *rcpt[MAX_RECIPIENTS];
    char *buf = NULL;
    pg_verdict v;
    pg_envelope env = {.channel = o->channel, .sender = o->from, .recipients = rcpt};
    int rc;

    env.n_recipients = split_recipients(&buf, rcpt, o->to);
    rc = o->channel == PG_CHAN_EMAIL ? pg_service_check_mime(&v, svc, raw, len, &env)
                                     : pg_service_check_text(&v, svc, raw, len, &env);
    rc = rc < 0 ? pg_cli_error("check", "%s: %s", pg_err_name(rc), pg_error_last())
                : report(o, &v);
    if (v.decision || v.msg)
        pg_verdict_clear(&v);
    free(buf);
    return rc;
}

/* pg_cli_check - the subcommand */
int pg_cli_check(int argc, char **argv)
{
    struct check_opts o = {0};
    pg_service *svc = NULL;
    pg_msg_limits lim;
    char *raw = NULL;
    size_t len;
    int rc = parse_opts(&o, argc, argv);

    if (rc >= 0)
        return rc;
    pg_service_opts so = {o.policy ? o.policy : pg_cli_default_policy_path(), NULL};
    if ((rc = pg_service_open(&svc, &so)) < 0)
        return pg_cli_error("check", "%s; fix the policy or pass --policy FILE "
                            "('piiguard policy check FILE' explains)", pg_error_last());
    pg_msg_limits_init(&lim);
    if ((rc = pg_cli_read_all(&raw, &len, o.path, lim.max_message_bytes)) < 0)
        rc = pg_cli_error("check", "%s: %s", pg_err_name(rc), pg_error_last());
    else
        rc = run_check(&o, svc, raw, len);
    free(raw);
    pg_service_close(svc);
    return rc;
}
