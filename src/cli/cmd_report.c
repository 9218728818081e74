/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * cmd_report.c - piiguard report: the compliance summary of a period.
 *
 * The numbers come from pg_store_report() so the CLI and the HTTP API
 * agree; this file only renders them, for people or as JSON. Counts only:
 * a report never holds an incident id, a recipient or a PII value.
 */
#include <stdlib.h>
#include <string.h>

#include "cli/admin.h"
#include "cli/cli.h"

enum { OPT_FORMAT = PG_OPT_FIRST_FREE };

/* What the command line asked for. */
typedef struct ropts {
    pg_cli_admin a;
    pg_store_filter f;
    bool json;
} ropts;

/* usage - help with examples */
static int usage(FILE *f, int code)
{
    fprintf(f,
        "usage: piiguard report [--since DATE] [--until DATE] [--channel C]\n"
        "                       [--format human|json]\n\n"
        "Summarise incidents: counts by entity type, action, channel, severity and\n"
        "sender; consent claims; breach-notifiable incidents; senders with two or\n"
        "more incidents (who needs training first); the estimated exposure.\n\n"
        "options:\n"
        PG_ADMIN_FILTER_HELP
        "  --format F            human (default) or json\n"
        PG_ADMIN_HELP
        "\nexamples:\n"
        "  piiguard report --since 30d\n"
        "  piiguard report --since 2026-01-01 --until 2026-04-01 --format json\n");
    return code;
}

/* take_option - one option of this command */
static int take_option(void *ctx, int opt, const char *arg)
{
    ropts *o = ctx;
    int r = pg_cli_admin_filter_option(&o->a, &o->f, opt, arg);

    if (r != 0 || opt != OPT_FORMAT)
        return r;
    o->json = strcmp(arg, "json") == 0;
    if (!o->json && strcmp(arg, "human") != 0)
        return pg_cli_admin_bad(&o->a, "--format is human or json");
    return 1;
}

static const struct option longopts[] = {
    PG_ADMIN_LONGOPTS,
    PG_ADMIN_FILTER_LONGOPTS,
    {"format", required_argument, NULL, OPT_FORMAT},
    {NULL, 0, NULL, 0},
};

/* print_counts - one titled section of name/count lines */
static void print_counts(const char *title, json_t *obj)
{
    const char *k;
    json_t *v;

    printf("\n%s\n", title);
    if (json_object_size(obj) == 0)
        printf("  (none)\n");
    json_object_foreach(obj, k, v) {
        printf("  %-40s %8lld\n", k, (long long)json_integer_value(v));
    }
}

/* print_human - the report for a person */
static void print_human(json_t *r)
{
    json_t *since = json_object_get(r, "since"), *until = json_object_get(r, "until"), *s;
    size_t i;

    printf("piiguard report: %s .. %s, incidents: %lld\n",
           json_is_string(since) ? json_string_value(since) : "the start",
           json_is_string(until) ? json_string_value(until) : "now",
           (long long)json_integer_value(json_object_get(r, "incidents")));
    print_counts("By entity type (values found)", json_object_get(r, "by_entity"));
    print_counts("By action", json_object_get(r, "by_action"));
    print_counts("By channel", json_object_get(r, "by_channel"));
    print_counts("By severity", json_object_get(r, "by_severity"));
    print_counts("By sender", json_object_get(r, "by_sender"));
    printf("\nConsent claimed:        %lld (claims are recorded, never obeyed)\n",
           (long long)json_integer_value(json_object_get(r, "consent_claimed")));
    printf("Breach-notifiable:      %lld\n",
           (long long)json_integer_value(json_object_get(r, "breach_notifiable")));
    printf("Exposure (estimate):    %.2f\n",
           json_real_value(json_object_get(r, "exposure_total")));
    printf("\nRepeat senders (2+ incidents: training first)\n");
    if (json_array_size(json_object_get(r, "repeat_senders")) == 0)
        printf("  (none)\n");
    json_array_foreach(json_object_get(r, "repeat_senders"), i, s) {
        printf("  %-40s %8lld\n", json_string_value(json_object_get(s, "sender")),
               (long long)json_integer_value(json_object_get(s, "incidents")));
    }
}

/* pg_cli_report - compute and print */
int pg_cli_report(int argc, char **argv)
{
    ropts o = {.a.cmd = "report"};
    pg_store *st = NULL;
    json_t *r = NULL;
    int first = 0, rc, err;

    if ((rc = pg_cli_admin_parse(&o.a, &first, argc, argv, longopts, usage, take_option,
                                 &o)) != PG_CLI_GO_ON)
        return rc;
    if (first < argc)
        return pg_cli_admin_unknown(&o.a);
    if ((rc = pg_cli_admin_open(&st, &o.a)) != 0)
        return rc;
    if ((err = pg_store_report(&r, st, &o.f)) < 0) {
        rc = pg_cli_admin_store_error(&o.a, err, "cannot compute the report");
    } else if (o.json) {
        json_dumpf(r, stdout, JSON_INDENT(2) | JSON_SORT_KEYS);
        fputc('\n', stdout);
    } else {
        print_human(r);
    }
    json_decref(r);
    pg_store_free(st);
    return rc;
}
