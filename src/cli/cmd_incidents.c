/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * cmd_incidents.c - piiguard incidents: list, filter and export incident
 * records as a table, CSV or JSON.
 *
 * Every run is an export of personal data about staff (who sent what kind
 * of data where), so it is written to the audit log - with the format and
 * the filters, never a Message-ID - before the first row is printed. If
 * that audit row cannot be written, nothing is printed.
 */
#include <stdlib.h>
#include <string.h>

#include "cli/admin.h"
#include "cli/cli.h"

enum { OPT_ACTION = PG_OPT_FIRST_FREE, OPT_SENDER, OPT_MSGID, OPT_LIMIT, OPT_FORMAT };

typedef enum { FMT_TABLE, FMT_CSV, FMT_JSON } out_format;

/* What the command line asked for. */
typedef struct iopts {
    pg_cli_admin a;
    pg_store_filter f;
    out_format format;
    size_t rows;    /* printed so far */
} iopts;

/* usage - help with examples */
static int usage(FILE *f, int code)
{
    fprintf(f,
        "usage: piiguard incidents [--since DATE] [--until DATE] [--channel C]\n"
        "                          [--action A] [--sender S] [--message-id ID]\n"
        "                          [--limit N] [--format table|csv|json]\n\n"
        "List incidents oldest first. No incident holds a PII value: only entity\n"
        "counts, rule ids and reasons, recipient domains and a keyed hash of the\n"
        "Message-ID. Each run is recorded in the audit log as an export.\n\noptions:\n"
        PG_ADMIN_FILTER_HELP
        "  --action A            e.g. quarantine, reject, redact, secure, tag\n"
        "  --sender S            one sender (case-insensitive)\n"
        "  --message-id ID       the incident(s) of one Message-ID\n"
        "  --limit N             at most N incidents\n"
        "  --format F            table (default), csv or json\n"
        PG_ADMIN_HELP
        "\nexamples:\n"
        "  piiguard incidents --since 7d\n"
        "  piiguard incidents --since 2026-01-01 --action quarantine --format csv > q1.csv\n"
        "  piiguard incidents --sender alice@corp.example --format json\n");
    return code;
}

/* take_option - one option of this command */
static int take_option(void *ctx, int opt, const char *arg)
{
    iopts *o = ctx;
    char *end;

    int r = pg_cli_admin_filter_option(&o->a, &o->f, opt, arg);

    if (r != 0)
        return r;
    switch (opt) {
    case OPT_ACTION: o->f.action = arg; return 1;
    case OPT_SENDER: o->f.sender = arg; return 1;
    case OPT_MSGID: o->f.message_id = arg; return 1;
    case OPT_LIMIT:
        o->f.limit = strtoul(arg, &end, 10);
        return end == arg || *end ? pg_cli_admin_bad(&o->a, "--limit wants a number") : 1;
    case OPT_FORMAT:
        if (strcmp(arg, "table") == 0 || strcmp(arg, "csv") == 0 || strcmp(arg, "json") == 0) {
            o->format = *arg == 't' ? FMT_TABLE : *arg == 'c' ? FMT_CSV : FMT_JSON;
            return 1;
        }
        return pg_cli_admin_bad(&o->a, "--format is table, csv or json");
    default:
        return 0;
    }
}

static const struct option longopts[] = {
    PG_ADMIN_LONGOPTS,
    PG_ADMIN_FILTER_LONGOPTS,
    {"action", required_argument, NULL, OPT_ACTION},
    {"sender", required_argument, NULL, OPT_SENDER},
    {"message-id", required_argument, NULL, OPT_MSGID},
    {"limit", required_argument, NULL, OPT_LIMIT},
    {"format", required_argument, NULL, OPT_FORMAT},
    {NULL, 0, NULL, 0},
};

/* entity_summary - "US_SSN=2 IBAN=1" from the stored JSON object */
static void entity_summary(char *out, size_t cap, const char *counts)
{
    json_t *j = json_loads(counts, 0, NULL), *v;
    const char *k;
    size_t n = 0;

    out[0] = '\0';
    json_object_foreach(j, k, v) {
        int w = snprintf(out + n, cap - n, "%s%s=%lld", n ? " " : "", k,
                         (long long)json_integer_value(v));
        if (w < 0 || (size_t)w >= cap - n)
            break;
        n += (size_t)w;
    }
    json_decref(j);
}

/* print_csv - one incident as a CSV record */
static void print_csv(const pg_store_incident *inc)
{
    char t[32], num[32];

    pg_cli_admin_csv(stdout, inc->id, false);
    pg_cli_admin_csv(stdout, pg_store_format_time(t, inc->time), false);
    pg_cli_admin_csv(stdout, inc->channel, false);
    pg_cli_admin_csv(stdout, inc->sender, false);
    pg_cli_admin_csv(stdout, inc->recipient_domains, false);
    pg_cli_admin_csv(stdout, inc->action, false);
    pg_cli_admin_csv(stdout, inc->rules, false);
    pg_cli_admin_csv(stdout, inc->entity_counts, false);
    pg_cli_admin_csv(stdout, inc->consent_claimed ? "true" : "false", false);
    pg_cli_admin_csv(stdout, inc->severity, false);
    pg_cli_admin_csv(stdout, inc->breach_notifiable ? "true" : "false", false);
    snprintf(num, sizeof(num), "%.2f", inc->exposure);
    pg_cli_admin_csv(stdout, num, false);
    pg_cli_admin_csv(stdout, inc->quarantine_id, false);
    pg_cli_admin_csv(stdout, inc->message_id_hash, true);
}

/* print_row - one incident in the chosen format */
static int print_row(const pg_store_incident *inc, void *payload)
{
    iopts *o = payload;
    char t[32], ents[256];
    json_t *j;

    switch (o->format) {
    case FMT_CSV:
        print_csv(inc);
        break;
    case FMT_JSON:
        if (!(j = pg_store_incident_to_json(inc)))
            return PG_ENOMEM;
        fputs(o->rows ? ",\n  " : "  ", stdout);
        json_dumpf(j, stdout, JSON_COMPACT | JSON_SORT_KEYS);
        json_decref(j);
        break;
    case FMT_TABLE:
        entity_summary(ents, sizeof(ents), inc->entity_counts);
        printf("%-20s  %-32s  %-5s  %-10s  %-8s  %-24s  %-24s  %s\n",
               pg_store_format_time(t, inc->time), inc->id, inc->channel, inc->action,
               inc->severity, *inc->sender ? inc->sender : "-",
               *inc->recipient_domains ? inc->recipient_domains : "-", *ents ? ents : "-");
        break;
    }
    o->rows++;
    return 0;
}

/* print_head - what comes before the first row */
static void print_head(const iopts *o)
{
    if (o->format == FMT_CSV)
        printf("id,time,channel,sender,recipient_domains,action,rules,entity_counts,"
               "consent_claimed,severity,breach_notifiable,exposure,quarantine_id,"
               "message_id_hash\n");
    else if (o->format == FMT_JSON)
        printf("[\n");
    else
        printf("%-20s  %-32s  %-5s  %-10s  %-8s  %-24s  %-24s  %s\n", "TIME", "ID", "CHAN",
               "ACTION", "SEVERITY", "SENDER", "RECIPIENT-DOMAINS", "ENTITIES");
}

/* audit_export - the audit row: format and filters, never a Message-ID */
static int audit_export(pg_store *st, const iopts *o)
{
    static const char *const names[] = {"table", "csv", "json"};
    char detail[512];

    snprintf(detail, sizeof(detail), "format=%s since=%lld until=%lld channel=%s "
             "action=%s sender=%.200s message_id=%s limit=%zu", names[o->format],
             (long long)o->f.since, (long long)o->f.until,
             o->f.channel ? o->f.channel : "*", o->f.action ? o->f.action : "*",
             o->f.sender ? o->f.sender : "*", o->f.message_id ? "given" : "*", o->f.limit);
    return pg_store_audit_append(st, pg_cli_admin_actor(&o->a), "incidents.export",
                                 "incidents", detail);
}

/* pg_cli_incidents - audit, then print the matching incidents */
int pg_cli_incidents(int argc, char **argv)
{
    iopts o = {.a.cmd = "incidents"};
    pg_store *st = NULL;
    int first = 0, rc, err;

    if ((rc = pg_cli_admin_parse(&o.a, &first, argc, argv, longopts, usage, take_option,
                                 &o)) != PG_CLI_GO_ON)
        return rc;
    if (first < argc)
        return pg_cli_admin_unknown(&o.a);
    if ((rc = pg_cli_admin_open(&st, &o.a)) != 0)
        return rc;
    if ((err = audit_export(st, &o)) < 0) {
        rc = pg_cli_admin_store_error(&o.a, err, "not exported: cannot write the audit log");
        goto out;
    }
    print_head(&o);
    err = pg_store_incident_query(st, &o.f, print_row, &o);
    if (o.format == FMT_JSON)
        printf("%s]\n", o.rows ? "\n" : "");
    rc = err ? pg_cli_admin_store_error(&o.a, err, "cannot read incidents") : PG_EXIT_CLEAN;
out:
    pg_store_free(st);
    return rc;
}
