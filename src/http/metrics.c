/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	metrics.c - the counters behind GET /metrics, shared with the milter
 *
 * SUMMARY
 *	A fixed-shape registry of relaxed atomic counters: every label value
 *	is known at compile time (endpoints, status codes, channels, actions,
 *	entity types), so a bump is one array index and one atomic add, and
 *	no request ever allocates or locks for its metrics.
 *
 * DESCRIPTION
 *	The registry is owned by whoever calls pg_metrics_new() (the HTTP
 *	server); front ends get a pointer. There is no global registry, so
 *	two servers in one process (the tests) keep separate figures.
 *
 *	Families (all prefixed piiguard_):
 *	  http_requests_total{endpoint,code}        counter
 *	  http_request_duration_seconds{endpoint}   histogram
 *	  http_open_connections                     gauge
 *	  decisions_total{channel,action}           counter
 *	  decision_entities_total{action,entity_type} counter: decisions in
 *	      which the type was found at least once (non-zero series only)
 *	  scanned_bytes_total{front_end}            counter
 *	  errors_total{kind}                        counter
 *	  policy_reloads_total{result}              counter
 *	  milter_* (only once pg_metrics_milter_enable() was called)
 *	  build_info{version}                       gauge, always 1
 *
 *	Histogram buckets are stored per bucket and made cumulative when
 *	rendered; a scrape in the middle of a bump may be off by one, never
 *	torn.
 *
 * DIAGNOSTICS
 *	pg_metrics_render() returns PG_ENOMEM; bumps cannot fail.
 */
#include <inttypes.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>

#include "http/http.h"

/* Status codes the server sends; anything else is counted as "other". */
static const unsigned status_codes[] = {200, 400, 401, 403, 404, 405, 413,
                                        415, 429, 500, 503};
#define N_STATUS (sizeof(status_codes) / sizeof(status_codes[0]) + 1)

/* Upper bounds in seconds: the API's target is a few milliseconds, so the
 * resolution sits there; the milter's slow attachments land in the tail. */
static const double bucket_le[] = {0.0001, 0.00025, 0.0005, 0.001, 0.0025,
                                   0.005, 0.01, 0.025, 0.05, 0.1, 0.25,
                                   0.5, 1, 2.5, 10};
#define N_BUCKETS (sizeof(bucket_le) / sizeof(bucket_le[0]))

#define N_ACTIONS (PG_ACT_TEMPFAIL + 1)
#define N_CHANNELS (PG_CHAN_SMS + 1)

typedef _Atomic uint64_t counter;

typedef struct histogram {
    counter bucket[N_BUCKETS + 1]; /* the last one is +Inf */
    counter sum_ns;
    counter count;
} histogram;

struct pg_metrics {
    counter requests[PG_EP_COUNT][N_STATUS];
    histogram latency[PG_EP_COUNT];
    _Atomic int64_t open_connections;
    counter decisions[N_CHANNELS][N_ACTIONS];
    counter entities[N_ACTIONS][PG_ENT_COUNT];
    counter scanned[PG_METRICS_FRONT_COUNT];
    counter errors[PG_MERR_COUNT];
    counter reloads[2]; /* [0] refused, [1] ok */
    atomic_bool milter_enabled;
    counter milter_connections;
    counter milter_messages[N_ACTIONS];
    counter milter_errors;
    histogram milter_latency;
};

static const char *const endpoint_names[PG_EP_COUNT] = {
    "check", "scan", "healthz", "metrics", "openapi", "other"};
static const char *const front_names[PG_METRICS_FRONT_COUNT] = {"http", "milter"};
static const char *const error_names[PG_MERR_COUNT] = {
    "internal", "tempfail", "timeout", "aborted"};

/* bump - one relaxed increment: counters order nothing else */
static inline void bump(counter *c, uint64_t n)
{
    atomic_fetch_add_explicit(c, n, memory_order_relaxed);
}

/* get - one relaxed read */
static inline uint64_t get(const counter *c)
{
    return atomic_load_explicit((counter *)c, memory_order_relaxed);
}

/* pg_metrics_new - a zeroed registry (calloc zero is a valid atomic zero) */
int pg_metrics_new(pg_metrics **out)
{
    pg_metrics *m = calloc(1, sizeof(*m));

    if (!m)
        return PG_ENOMEM;
    *out = m;
    return 0;
}

/* pg_metrics_free - free the registry */
void pg_metrics_free(pg_metrics *m)
{
    free(m);
}

/* histogram_observe - count one duration in its bucket, sum and count */
static void histogram_observe(histogram *h, uint64_t ns)
{
    double s = (double)ns / 1e9;
    size_t i = 0;

    while (i < N_BUCKETS && s > bucket_le[i])
        i++;
    bump(&h->bucket[i], 1);
    bump(&h->sum_ns, ns);
    bump(&h->count, 1);
}

/* status_index - the row of a status code, the last row for others */
static size_t status_index(unsigned status)
{
    for (size_t i = 0; i < N_STATUS - 1; i++)
        if (status_codes[i] == status)
            return i;
    return N_STATUS - 1;
}

/* pg_metrics_http_request - count one finished request and its latency */
void pg_metrics_http_request(pg_metrics *m, pg_metrics_endpoint ep,
                             unsigned status, uint64_t elapsed_ns)
{
    if ((unsigned)ep >= PG_EP_COUNT)
        ep = PG_EP_OTHER;
    bump(&m->requests[ep][status_index(status)], 1);
    histogram_observe(&m->latency[ep], elapsed_ns);
}

/* pg_metrics_decision - count a decision and the entity types behind it */
void pg_metrics_decision(pg_metrics *m, pg_channel channel, const pg_verdict *v)
{
    pg_action act = v->decision ? pg_decision_action(v->decision) : PG_ACT_TEMPFAIL;
    uint64_t seen = 0;

    if ((unsigned)act >= N_ACTIONS)
        act = PG_ACT_TEMPFAIL;
    if ((unsigned)channel < N_CHANNELS)
        bump(&m->decisions[channel][act], 1);
    if (act == PG_ACT_TEMPFAIL)
        bump(&m->errors[PG_MERR_TEMPFAIL], 1);
    if (!v->msg)
        return;
    _Static_assert(PG_ENT_COUNT <= 64, "the seen-set is one 64-bit word");
    for (size_t i = 0; i < pg_msg_finding_count(v->msg); i++) {
        pg_entity e = pg_msg_finding_at(v->msg, i)->f.entity;
        if ((unsigned)e < PG_ENT_COUNT && !(seen & (UINT64_C(1) << e))) {
            seen |= UINT64_C(1) << e;
            bump(&m->entities[act][e], 1);
        }
    }
}

/* pg_metrics_scanned - add scanned bytes */
void pg_metrics_scanned(pg_metrics *m, pg_metrics_front fe, size_t bytes)
{
    if ((unsigned)fe < PG_METRICS_FRONT_COUNT)
        bump(&m->scanned[fe], bytes);
}

/* pg_metrics_error_inc - count one failure */
void pg_metrics_error_inc(pg_metrics *m, pg_metrics_error kind)
{
    if ((unsigned)kind < PG_MERR_COUNT)
        bump(&m->errors[kind], 1);
}

/* pg_metrics_connections - move the open-connections gauge */
void pg_metrics_connections(pg_metrics *m, int delta)
{
    atomic_fetch_add_explicit(&m->open_connections, delta, memory_order_relaxed);
}

/* pg_metrics_milter_enable - render the milter families from now on */
void pg_metrics_milter_enable(pg_metrics *m)
{
    atomic_store(&m->milter_enabled, true);
}

/* pg_metrics_milter_connection - count one SMTP connection */
void pg_metrics_milter_connection(pg_metrics *m)
{
    bump(&m->milter_connections, 1);
}

/* pg_metrics_milter_message - count one milter decision, bytes and time */
void pg_metrics_milter_message(pg_metrics *m, const pg_verdict *v,
                               size_t bytes, uint64_t elapsed_ns)
{
    pg_action act = v->decision ? pg_decision_action(v->decision) : PG_ACT_TEMPFAIL;

    if ((unsigned)act >= N_ACTIONS)
        act = PG_ACT_TEMPFAIL;
    pg_metrics_decision(m, PG_CHAN_EMAIL, v);
    pg_metrics_scanned(m, PG_METRICS_MILTER, bytes);
    bump(&m->milter_messages[act], 1);
    histogram_observe(&m->milter_latency, elapsed_ns);
}

/* pg_metrics_milter_error - count one milter error */
void pg_metrics_milter_error(pg_metrics *m)
{
    bump(&m->milter_errors, 1);
}

/* pg_metrics_reload - count one policy reload */
void pg_metrics_reload(pg_metrics *m, bool ok)
{
    bump(&m->reloads[ok ? 1 : 0], 1);
}

/* family - the HELP and TYPE lines that open a metric family */
static void family(FILE *f, const char *name, const char *type, const char *help)
{
    fprintf(f, "# HELP piiguard_%s %s\n# TYPE piiguard_%s %s\n", name, help, name, type);
}

/* render_histogram - one histogram series: cumulative buckets, sum, count */
static void render_histogram(FILE *f, const char *name, const char *labels,
                             const histogram *h)
{
    const char *sep = *labels ? "," : "";
    uint64_t cum = 0;

    for (size_t i = 0; i <= N_BUCKETS; i++) {
        cum += get(&h->bucket[i]);
        if (i < N_BUCKETS)
            fprintf(f, "piiguard_%s_bucket{%s%sle=\"%g\"} %" PRIu64 "\n",
                    name, labels, sep, bucket_le[i], cum);
        else
            fprintf(f, "piiguard_%s_bucket{%s%sle=\"+Inf\"} %" PRIu64 "\n",
                    name, labels, sep, cum);
    }
    /* "{}" would be legal but noisy: an unlabelled series has no braces */
    fprintf(f, "piiguard_%s_sum%s%s%s %.9f\n", name, *labels ? "{" : "", labels,
            *labels ? "}" : "", (double)get(&h->sum_ns) / 1e9);
    fprintf(f, "piiguard_%s_count%s%s%s %" PRIu64 "\n", name, *labels ? "{" : "",
            labels, *labels ? "}" : "", get(&h->count));
}

/* render_http - the request counters, latency histograms and gauge */
static void render_http(FILE *f, const pg_metrics *m)
{
    char labels[64];

    family(f, "http_requests_total", "counter", "HTTP requests answered, by endpoint and status code.");
    for (size_t e = 0; e < PG_EP_COUNT; e++)
        for (size_t s = 0; s < N_STATUS; s++) {
            uint64_t n = get(&m->requests[e][s]);
            if (n == 0 && s != 0)
                continue; /* keep the 200 row so every endpoint shows */
            if (s == N_STATUS - 1)
                fprintf(f, "piiguard_http_requests_total{endpoint=\"%s\",code=\"other\"} %" PRIu64 "\n",
                        endpoint_names[e], n);
            else
                fprintf(f, "piiguard_http_requests_total{endpoint=\"%s\",code=\"%u\"} %" PRIu64 "\n",
                        endpoint_names[e], status_codes[s], n);
        }
    family(f, "http_request_duration_seconds", "histogram",
           "Time from the request's first byte to its response, by endpoint.");
    for (size_t e = 0; e < PG_EP_COUNT; e++) {
        snprintf(labels, sizeof(labels), "endpoint=\"%s\"", endpoint_names[e]);
        render_histogram(f, "http_request_duration_seconds", labels, &m->latency[e]);
    }
    family(f, "http_open_connections", "gauge", "HTTP connections open now.");
    fprintf(f, "piiguard_http_open_connections %" PRId64 "\n",
            atomic_load_explicit((_Atomic int64_t *)&m->open_connections,
                                 memory_order_relaxed));
}

/* render_decisions - decisions by channel and action, and by entity type */
static void render_decisions(FILE *f, const pg_metrics *m)
{
    family(f, "decisions_total", "counter", "Decisions made, by channel and action.");
    for (int c = 0; c < (int)N_CHANNELS; c++)
        for (int a = 0; a < (int)N_ACTIONS; a++)
            fprintf(f, "piiguard_decisions_total{channel=\"%s\",action=\"%s\"} %" PRIu64 "\n",
                    pg_channel_name((pg_channel)c), pg_action_name((pg_action)a),
                    get(&m->decisions[c][a]));
    family(f, "decision_entities_total", "counter",
           "Decisions in which an entity type was found, by action and entity type.");
    for (int a = 0; a < (int)N_ACTIONS; a++)
        for (int e = 0; e < PG_ENT_COUNT; e++) {
            uint64_t n = get(&m->entities[a][e]);
            if (n)
                fprintf(f, "piiguard_decision_entities_total{action=\"%s\",entity_type=\"%s\"} %" PRIu64 "\n",
                        pg_action_name((pg_action)a), pg_entity_name((pg_entity)e), n);
        }
}

/* render_totals - bytes, errors, reloads and build info */
static void render_totals(FILE *f, const pg_metrics *m)
{
    family(f, "scanned_bytes_total", "counter", "Bytes handed to the detection engine, by front end.");
    for (size_t i = 0; i < PG_METRICS_FRONT_COUNT; i++)
        fprintf(f, "piiguard_scanned_bytes_total{front_end=\"%s\"} %" PRIu64 "\n",
                front_names[i], get(&m->scanned[i]));
    family(f, "errors_total", "counter",
           "Failures: internal (HTTP 500), tempfail decisions, timed-out and aborted requests.");
    for (size_t i = 0; i < PG_MERR_COUNT; i++)
        fprintf(f, "piiguard_errors_total{kind=\"%s\"} %" PRIu64 "\n",
                error_names[i], get(&m->errors[i]));
    family(f, "policy_reloads_total", "counter", "Policy reloads, applied or refused.");
    fprintf(f, "piiguard_policy_reloads_total{result=\"applied\"} %" PRIu64 "\n", get(&m->reloads[1]));
    fprintf(f, "piiguard_policy_reloads_total{result=\"refused\"} %" PRIu64 "\n", get(&m->reloads[0]));
    family(f, "build_info", "gauge", "Always 1; the version is the label.");
    fprintf(f, "piiguard_build_info{version=\"%s\"} 1\n", PG_VERSION);
}

/* render_milter - the milter's figures, when it runs in this process */
static void render_milter(FILE *f, const pg_metrics *m)
{
    if (!atomic_load((atomic_bool *)&m->milter_enabled))
        return;
    family(f, "milter_connections_total", "counter", "SMTP connections seen by the milter.");
    fprintf(f, "piiguard_milter_connections_total %" PRIu64 "\n", get(&m->milter_connections));
    family(f, "milter_messages_total", "counter", "Messages decided by the milter, by action.");
    for (int a = 0; a < (int)N_ACTIONS; a++)
        fprintf(f, "piiguard_milter_messages_total{action=\"%s\"} %" PRIu64 "\n",
                pg_action_name((pg_action)a), get(&m->milter_messages[a]));
    family(f, "milter_errors_total", "counter", "Milter protocol and session errors.");
    fprintf(f, "piiguard_milter_errors_total %" PRIu64 "\n", get(&m->milter_errors));
    family(f, "milter_check_duration_seconds", "histogram", "Time to decide one message in the milter.");
    render_histogram(f, "milter_check_duration_seconds", "", &m->milter_latency);
}

/* pg_metrics_render - the whole exposition into one malloc'd buffer */
int pg_metrics_render(char **out, size_t *out_len, const pg_metrics *m)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);

    if (!f)
        return PG_ENOMEM;
    render_http(f, m);
    render_decisions(f, m);
    render_totals(f, m);
    render_milter(f, m);
    /* the stream's error flag is sticky: one check covers every fprintf */
    if (ferror(f) | fclose(f)) {
        free(buf);
        return PG_ENOMEM;
    }
    *out = buf;
    *out_len = len;
    return 0;
}
