/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * test_metrics.c - the metrics registry (src/http/metrics.c): counters land
 * in the right series, histograms are cumulative, milter families appear
 * only when the milter is enabled, and concurrent bumps are never lost.
 *
 * The exposition's syntax is checked by promtool in tests/http/test_api.sh;
 * here each case renders and looks for exact lines.
 */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "http/http.h"

/* render - the exposition of @m as a NUL-terminated string (caller frees) */
static char *render(const pg_metrics *m)
{
    char *out = NULL;
    size_t len = 0;

    assert_int_equal(pg_metrics_render(&out, &len, m), 0);
    assert_int_equal(strlen(out), len);
    return out;
}

/* has_line - is @line one whole line of @text? */
static bool has_line(const char *text, const char *line)
{
    size_t n = strlen(line);

    for (const char *p = strstr(text, line); p; p = strstr(p + 1, line))
        if ((p == text || p[-1] == '\n') && (p[n] == '\n' || p[n] == '\0'))
            return true;
    return false;
}

/* apply_nothing - leave the registry fresh */
static void apply_nothing(pg_metrics *m) { (void)m; }

/* apply_requests - requests of two endpoints, known and unknown statuses */
static void apply_requests(pg_metrics *m)
{
    pg_metrics_http_request(m, PG_EP_CHECK, 200, 300000);   /* 0.3 ms */
    pg_metrics_http_request(m, PG_EP_CHECK, 200, 3000000);  /* 3 ms */
    pg_metrics_http_request(m, PG_EP_CHECK, 429, 50000);    /* 0.05 ms */
    pg_metrics_http_request(m, PG_EP_SCAN, 418, 1000);      /* unknown status */
}

/* apply_errors - the simple counters and the gauge */
static void apply_errors(pg_metrics *m)
{
    pg_metrics_error_inc(m, PG_MERR_TIMEOUT);
    pg_metrics_error_inc(m, PG_MERR_TIMEOUT);
    pg_metrics_scanned(m, PG_METRICS_HTTP, 200);
    pg_metrics_scanned(m, PG_METRICS_HTTP, 50);
    pg_metrics_reload(m, true);
    pg_metrics_reload(m, false);
    pg_metrics_connections(m, 3);
    pg_metrics_connections(m, -1);
}

/* apply_decision_without_msg - a verdict whose service failed outright */
static void apply_decision_without_msg(pg_metrics *m)
{
    pg_verdict v = {0}; /* no message, no decision: counted as tempfail */

    pg_metrics_decision(m, PG_CHAN_SMS, &v);
}

/* apply_milter - what the milter bumps when it runs in-process */
static void apply_milter(pg_metrics *m)
{
    pg_verdict v = {0};

    pg_metrics_milter_enable(m);
    pg_metrics_milter_connection(m);
    pg_metrics_milter_message(m, &v, 4096, 20000000); /* 20 ms */
    pg_metrics_milter_error(m);
}

/* An action applied to a fresh registry, and lines that must then appear. */
static const struct line_case {
    const char *name;
    void (*apply)(pg_metrics *m);
    const char *lines[4];
} line_cases[] = {
    {"fresh registry", apply_nothing,
     {"piiguard_build_info{version=\"" PG_VERSION "\"} 1",
      "piiguard_http_requests_total{endpoint=\"check\",code=\"200\"} 0",
      "piiguard_decisions_total{channel=\"chat\",action=\"allow\"} 0",
      "piiguard_errors_total{kind=\"internal\"} 0"}},
    {"requests and latency", apply_requests,
     {"piiguard_http_requests_total{endpoint=\"check\",code=\"200\"} 2",
      "piiguard_http_requests_total{endpoint=\"check\",code=\"429\"} 1",
      "piiguard_http_requests_total{endpoint=\"scan\",code=\"other\"} 1",
      "piiguard_http_request_duration_seconds_bucket{endpoint=\"check\",le=\"0.0005\"} 2"}},
    {"histogram count and tail", apply_requests,
     {"piiguard_http_request_duration_seconds_bucket{endpoint=\"check\",le=\"0.0025\"} 2",
      "piiguard_http_request_duration_seconds_bucket{endpoint=\"check\",le=\"0.005\"} 3",
      "piiguard_http_request_duration_seconds_bucket{endpoint=\"check\",le=\"+Inf\"} 3",
      "piiguard_http_request_duration_seconds_count{endpoint=\"check\"} 3"}},
    {"errors, bytes, reloads, gauge", apply_errors,
     {"piiguard_errors_total{kind=\"timeout\"} 2",
      "piiguard_scanned_bytes_total{front_end=\"http\"} 250",
      "piiguard_policy_reloads_total{result=\"refused\"} 1",
      "piiguard_http_open_connections 2"}},
    {"a verdict without a decision is a tempfail", apply_decision_without_msg,
     {"piiguard_decisions_total{channel=\"sms\",action=\"tempfail\"} 1",
      "piiguard_errors_total{kind=\"tempfail\"} 1", NULL, NULL}},
    {"milter families", apply_milter,
     {"piiguard_milter_connections_total 1",
      "piiguard_milter_messages_total{action=\"tempfail\"} 1",
      "piiguard_scanned_bytes_total{front_end=\"milter\"} 4096",
      "piiguard_milter_check_duration_seconds_bucket{le=\"0.025\"} 1"}},
};

/* test_line_table - every row of line_cases */
static void test_line_table(void **state)
{
    for (size_t i = 0; i < sizeof(line_cases) / sizeof(line_cases[0]); i++) {
        pg_metrics *m;
        assert_int_equal(pg_metrics_new(&m), 0);
        line_cases[i].apply(m);
        char *text = render(m);
        for (size_t j = 0; j < 4 && line_cases[i].lines[j]; j++)
            if (!has_line(text, line_cases[i].lines[j]))
                fail_msg("case '%s': missing line %s", line_cases[i].name, line_cases[i].lines[j]);
        free(text);
        pg_metrics_free(m);
    }
}

/* test_milter_hidden - no milter families until the milter says it runs */
static void test_milter_hidden(void **state)
{
    pg_metrics *m;

    assert_int_equal(pg_metrics_new(&m), 0);
    char *text = render(m);
    assert_null(strstr(text, "piiguard_milter_"));
    free(text);
    pg_metrics_free(m);
}

/* test_help_and_type - every family opens with HELP then TYPE */
static void test_help_and_type(void **state)
{
    pg_metrics *m;

    assert_int_equal(pg_metrics_new(&m), 0);
    pg_metrics_milter_enable(m);
    char *text = render(m);
    for (char *p = strstr(text, "# TYPE "); p; p = strstr(p + 1, "# TYPE ")) {
        char name[128];
        assert_int_equal(sscanf(p, "# TYPE %127s", name), 1);
        char help[160];
        snprintf(help, sizeof(help), "# HELP %s ", name);
        assert_non_null(strstr(text, help));
    }
    free(text);
    pg_metrics_free(m);
}

#define BUMPERS 4
#define BUMPS 100000

/* bumper - one thread's share of concurrent bumps */
static void *bumper(void *arg)
{
    pg_metrics *m = arg;

    for (int i = 0; i < BUMPS; i++) {
        pg_metrics_http_request(m, PG_EP_CHECK, 200, 1000);
        pg_metrics_scanned(m, PG_METRICS_HTTP, 2);
    }
    return NULL;
}

/* test_concurrent - relaxed atomics lose nothing */
static void test_concurrent(void **state)
{
    pthread_t t[BUMPERS];
    pg_metrics *m;
    char want[160];

    assert_int_equal(pg_metrics_new(&m), 0);
    for (int i = 0; i < BUMPERS; i++)
        assert_int_equal(pthread_create(&t[i], NULL, bumper, m), 0);
    for (int i = 0; i < BUMPERS; i++)
        pthread_join(t[i], NULL);
    char *text = render(m);
    snprintf(want, sizeof(want), "piiguard_http_requests_total{endpoint=\"check\",code=\"200\"} %d",
             BUMPERS * BUMPS);
    assert_true(has_line(text, want));
    snprintf(want, sizeof(want), "piiguard_scanned_bytes_total{front_end=\"http\"} %d",
             BUMPERS * BUMPS * 2);
    assert_true(has_line(text, want));
    free(text);
    pg_metrics_free(m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_line_table),
        cmocka_unit_test(test_milter_hidden),
        cmocka_unit_test(test_help_and_type),
        cmocka_unit_test(test_concurrent),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
