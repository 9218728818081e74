/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * pg_bench_msg.c - the message pipeline's throughput, and what the policy
 * costs on top of it.
 *
 * For each .eml given: read it once, then for ROUNDS seconds parse it
 * (extractors isolated, as in production), scan it and decide with the
 * given policy, timing the decision separately. Prints messages/s and the
 * decision's share of parse + scan time.
 * Usage: pg_bench_msg POLICY SECONDS FILE.eml...
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "piiguard/pg_policy.h"

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    char *buf = NULL;

    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    *len = (size_t)ftell(f);
    rewind(f);
    if ((buf = malloc(*len)) && fread(buf, 1, *len, f) != *len) {
        free(buf);
        buf = NULL;
    }
    fclose(f);
    return buf;
}

/* bench_one - parse+scan+decide one message until secs have passed */
static int bench_one(const pg_policy *pol, const pg_engine *e, pg_scratch *s,
                     const char *path, double secs)
{
    static const char *rcpt[] = {"customer@customer.test"};
    pg_envelope env = {PG_CHAN_EMAIL, "agent@corp.example.com", NULL, rcpt, 1, 0};
    pg_msg_limits lim;
    size_t len, n = 0;
    char *raw = slurp(path, &len);
    double t_pipe = 0, t_decide = 0, start = now();

    if (!raw)
        return fprintf(stderr, "cannot read %s\n", path), 2;
    pg_policy_msg_limits(pol, &lim);
    while (now() - start < secs) {
        pg_msg *m;
        pg_decision *d;
        double t0 = now();
        if (pg_msg_parse(&m, raw, len, &lim) < 0 || pg_msg_scan(m, e, s) < 0)
            return fprintf(stderr, "%s: %s\n", path, pg_error_last()), 2;
        double t1 = now();
        if (pg_policy_decide(&d, pol, m, &env) < 0)
            return 2;
        double t2 = now();
        t_pipe += t1 - t0;
        t_decide += t2 - t1;
        n++;
        pg_decision_free(d);
        pg_msg_free(m);
    }
    printf("message: %-14s %8.1f KB  %8.1f msgs/s  decide %.1f%% of parse+scan\n",
           path, (double)len / 1024, (double)n / (t_pipe + t_decide),
           100.0 * t_decide / t_pipe);
    free(raw);
    return 0;
}

int main(int argc, char **argv)
{
    pg_policy *pol;
    pg_engine_opts eo;
    pg_engine *e;
    pg_scratch *s;
    int rc = 0;

    if (argc < 4)
        return fprintf(stderr, "usage: pg_bench_msg POLICY SECONDS FILE.eml...\n"), 2;
    if (pg_policy_load(&pol, argv[1]) < 0)
        return fprintf(stderr, "%s\n", pg_error_last()), 2;
    pg_policy_engine_opts(pol, &eo);
    if (pg_engine_new(&e, &eo) < 0 || pg_scratch_new(&s, e) < 0)
        return 2;
    for (int i = 3; i < argc && rc == 0; i++)
        rc = bench_one(pol, e, s, argv[i], atof(argv[2]));
    pg_scratch_free(s);
    pg_engine_free(e);
    pg_policy_free(pol);
    return rc;
}
