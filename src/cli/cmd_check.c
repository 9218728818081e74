/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * cmd_check.c - piiguard check: parse one email, find its PII, report.
 *
 * The message is read whole (up to the parser's max_message_bytes), parsed
 * with the default limits, scanned with the default engine, and reported
 * through pg_cli_check_report() - JSON or human, the same facts either way.
 * Values are always masked. Exit status follows grep: 0 no PII, 1 PII
 * found, 2 error (unreadable file, message over the size limit, no memory).
 * --from and --to describe the SMTP envelope; they are echoed in the
 * report as "envelope" for the policy to use.
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli/check_report.h"
#include "cli/cli.h"
#include "piiguard/pg_engine.h"
#include "piiguard/pg_msg.h"

struct check_opts {
    bool json;
    const char *from, *to, *path;
};

static const char usage_text[] =
    "usage: piiguard check [--format human|json] [--from ADDR] [--to ADDR,...]\n"
    "                      [FILE.eml|-]\n\n"
    "Parse one email (RFC 5322, MIME), find customer PII in every part -\n"
    "subject, display names, text and HTML bodies, attachments, quoted\n"
    "replies - and report it, masked. Parts that cannot be read are listed\n"
    "as uninspectable. Exit status: 0 no PII, 1 PII found, 2 error.\n\n"
    "  --format F   human (default) or json\n"
    "  --from ADDR  envelope sender (MAIL FROM)\n"
    "  --to LIST    envelope recipients, comma-separated (RCPT TO)\n\n"
    "examples:\n"
    "  piiguard check message.eml\n"
    "  piiguard check --format json - < message.eml\n";

/* parse_opts - options into o; returns -1 to go on, else an exit code */
static int parse_opts(struct check_opts *o, int argc, char **argv)
{
    static const struct option longopts[] = {
        {"format", required_argument, NULL, 'f'}, {"from", required_argument, NULL, 'F'},
        {"to", required_argument, NULL, 'T'},     {"help", no_argument, NULL, 'h'},
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
        } else {
            return pg_cli_error("check", "bad option; try 'piiguard check --help'");
        }
    }
    if (optind < argc && pg_cli_is_help(argv[optind])) {
        fputs(usage_text, stdout);
        return PG_EXIT_CLEAN;
    }
    if (argc - optind > 1)
        return pg_cli_error("check", "one message at a time; try 'piiguard check --help'");
    o->path = optind < argc ? argv[optind] : "-";
    return -1;
}

/* envelope - {"from": ..., "to": [...]} from the options, or NULL */
static json_t *envelope(const struct check_opts *o)
{
    if (!o->from && !o->to)
        return NULL;
    json_t *env = json_object(), *to = json_array();
    char *list = o->to ? strdup(o->to) : NULL, *save = NULL;
    for (char *t = list ? strtok_r(list, ",", &save) : NULL; t; t = strtok_r(NULL, ",", &save))
        json_array_append_new(to, json_string(t));
    free(list);
    json_object_set_new(env, "from", o->from ? json_string(o->from) : json_null());
    json_object_set_new(env, "to", to);
    return env;
}

/* scan_message - parse and scan raw into *msg */
static int scan_message(pg_msg **msg, const char *raw, size_t len)
{
    pg_engine *engine = NULL;
    pg_scratch *scratch = NULL;
    int rc = pg_engine_new(&engine, NULL);

    if (rc >= 0)
        rc = pg_scratch_new(&scratch, engine);
    if (rc >= 0)
        rc = pg_msg_parse(msg, raw, len, NULL);
    if (rc >= 0 && (rc = pg_msg_scan(*msg, engine, scratch)) < 0) {
        pg_msg_free(*msg);
        *msg = NULL;
    }
    pg_scratch_free(scratch);
    pg_engine_free(engine);
    return rc;
}

/* report - build, print, and choose the exit status */
static int report(const struct check_opts *o, const pg_msg *msg)
{
    json_t *r;

    if (pg_cli_check_report(&r, msg) < 0)
        return pg_cli_error("check", "out of memory building the report");
    json_t *env = envelope(o);
    if (env)
        json_object_set_new(r, "envelope", env);
    if (o->json) {
        json_dumpf(r, stdout, JSON_INDENT(2) | JSON_ENSURE_ASCII | JSON_REAL_PRECISION(4));
        fputc('\n', stdout);
    } else {
        pg_cli_check_print(stdout, r);
    }
    int code = json_array_size(json_object_get(r, "findings")) ? PG_EXIT_FOUND
                                                               : PG_EXIT_CLEAN;
    json_decref(r);
    return code;
}

/* pg_cli_check - the subcommand */
int pg_cli_check(int argc, char **argv)
{
    struct check_opts o = {0};
    pg_msg_limits lim;
    pg_msg *msg = NULL;
    char *raw;
    size_t len;
    int rc = parse_opts(&o, argc, argv);

    if (rc >= 0)
        return rc;
    pg_msg_limits_init(&lim);
    if ((rc = pg_cli_read_all(&raw, &len, o.path, lim.max_message_bytes)) < 0)
        return pg_cli_error("check", "%s: %s", pg_err_name(rc), pg_error_last());
    rc = scan_message(&msg, raw, len);
    free(raw);
    if (rc < 0)
        return pg_cli_error("check", "%s: %s", pg_err_name(rc), pg_error_last());
    rc = report(&o, msg);
    pg_msg_free(msg);
    return rc;
}
