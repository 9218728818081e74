/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * cmd_scan.c - piiguard scan: find PII in files, stdin or JSON lines.
 *
 * Text input streams through pg_stream, so a file of any size is scanned
 * in bounded memory. JSON-lines input is one document per line and one
 * output line per input line, in order. Raw values are printed only with
 * --show-values; otherwise every value is masked (pg_mask). Exit status
 * follows grep: 0 nothing found, 1 found, 2 error.
 */
#include <getopt.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/cli.h"
#include "piiguard/pg_engine.h"

#define JSONL_LINE_MAX (64u * 1024 * 1024)

enum fmt { FMT_HUMAN, FMT_JSON, FMT_JSONL };

struct scan_opts {
    bool jsonl_in;
    enum fmt fmt;
    bool show_values;
    pg_engine_opts eopts;
};

struct doc {
    const struct scan_opts *o;
    const char *id;       /* file name, for text input */
    json_t *findings;     /* JSON formats */
    const pg_stream *st;  /* text input: where the bytes are */
    const char *text;     /* JSON-lines input: the whole text */
    size_t count;
};

static const char usage_text[] =
    "usage: piiguard scan [--input text|jsonl] [--format human|json|jsonl]\n"
    "                     [--min-score X] [--entities A,B] [--show-values]\n"
    "                     [FILE...|-]\n\n"
    "Find customer PII in text. Values are masked (***-**-6789) unless\n"
    "--show-values is given. Exit status: 0 nothing found, 1 found, 2 error.\n\n"
    "  --input text    each file is one document, its id the file name (default)\n"
    "  --input jsonl   each line is {\"id\": ..., \"text\": ...}; one output line each\n"
    "  --format F      human (default for text), json, or jsonl (default for jsonl)\n"
    "  --min-score X   report findings scoring at least X (default 0.5)\n"
    "  --entities A,B  only these entity types (e.g. US_SSN,CREDIT_CARD)\n"
    "  --show-values   print raw matched values (handle the output as PII!)\n\n"
    "examples:\n"
    "  piiguard scan notes.txt\n"
    "  printf '{\"id\":1,\"text\":\"SSN 536-22-1234\"}\\n' | piiguard scan --input jsonl -\n";

/* value_text - the masked (or, when asked, raw) form of a match */
static void value_text(char *out, size_t cap, const struct doc *d, const pg_finding *f,
                       const char *bytes)
{
    size_t len = f->end - f->start;

    if (!bytes) {
        snprintf(out, cap, "[%s]", pg_entity_name(f->entity));
        return;
    }
    if (d->o->show_values) {
        snprintf(out, cap, "%.*s", (int)(len < cap - 1 ? len : cap - 1), bytes);
        return;
    }
    pg_mask(out, cap, bytes, len, PG_MASK_SHAPE, pg_entity_name(f->entity));
}

/* emit_finding - print or collect one finding */
static int emit_finding(struct doc *d, const pg_finding *f, const char *bytes)
{
    char val[512];

    d->count++;
    value_text(val, sizeof(val), d, f, bytes);
    if (d->o->fmt == FMT_HUMAN) {
        printf("%s:%zu-%zu: %s score=%.2f%s %s\n", d->id, f->start, f->end,
               pg_entity_name(f->entity), f->score, f->validated ? " validated" : "", val);
        return 0;
    }
    json_t *j = json_pack("{s:s, s:I, s:I, s:f, s:b, s:s}", "entity_type",
                          pg_entity_name(f->entity), "start", (json_int_t)f->start,
                          "end", (json_int_t)f->end, "score", (double)((int)(f->score * 100 + 0.5f)) / 100,
                          "validated", f->validated, d->o->show_values ? "value" : "masked", val);
    if (!j || json_array_append_new(d->findings, j) < 0)
        return PG_ENOMEM;
    return 0;
}

/* on_stream_finding - text input callback */
static int on_stream_finding(const pg_finding *f, void *payload)
{
    struct doc *d = payload;
    return emit_finding(d, f, pg_stream_match(d->st, f));
}

/* on_text_finding - JSON-lines input callback */
static int on_text_finding(const pg_finding *f, void *payload)
{
    struct doc *d = payload;
    return emit_finding(d, f, d->text + f->start);
}

/* print_doc - the JSON forms of one finished document */
static void print_doc(const struct doc *d, json_t *id, json_t *all)
{
    json_t *o = json_pack("{s:O, s:O}", "id", id, "findings", d->findings);

    if (d->o->fmt == FMT_JSONL) {
        char *s = json_dumps(o, JSON_COMPACT);
        if (s)
            puts(s);
        free(s);
    } else if (all) {
        json_array_append(all, o);
    }
    json_decref(o);
}

/* progress - "scanned N MiB" on a terminal, for long scans */
static void progress(const char *name, size_t done, size_t total)
{
    if (total)
        fprintf(stderr, "\rpiiguard scan: %s %zu/%zu MiB", name, done >> 20, total >> 20);
    else
        fprintf(stderr, "\rpiiguard scan: %s %zu MiB", name, done >> 20);
}

/* scan_file - stream one file through the engine */
static int scan_file(const pg_engine *e, const struct scan_opts *o, const char *path,
                     json_t *all, size_t *found)
{
    FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
    struct doc d = {o, path, json_array(), NULL, NULL, 0};
    pg_stream *st = NULL;
    static const size_t bufsz = 1u << 20;
    char *buf = malloc(bufsz);
    size_t n, done = 0, total = 0;
    struct stat sb;
    bool tty = isatty(2);
    int rc = 0;

    if (!f) {
        rc = pg_cli_error("scan", "cannot open %s: %m; check the path and permissions", path);
        goto out;
    }
    if (fstat(fileno(f), &sb) == 0 && S_ISREG(sb.st_mode))
        total = (size_t)sb.st_size;
    if (!buf || !d.findings || pg_stream_new(&st, e, on_stream_finding, &d) < 0) {
        rc = pg_cli_error("scan", "out of memory");
        goto out;
    }
    d.st = st;
    while ((n = fread(buf, 1, bufsz, f)) > 0) {
        if (pg_stream_feed(st, buf, n) != 0) {
            rc = pg_cli_error("scan", "scan of %s failed: %s", path, pg_error_last());
            goto out;
        }
        done += n;
        if (tty && total > (64u << 20) && (done & ((64u << 20) - 1)) < n)
            progress(path, done, total);
    }
    if (ferror(f))
        rc = pg_cli_error("scan", "cannot read %s: %m", path);
    else if (pg_stream_finish(st) != 0)
        rc = pg_cli_error("scan", "scan of %s failed: %s", path, pg_error_last());
    if (tty && total > (64u << 20))
        fputc('\n', stderr);
    if (rc == 0 && o->fmt != FMT_HUMAN) {
        json_t *id = json_string(path);
        print_doc(&d, id, all);
        json_decref(id);
    }
    *found += d.count;
out:
    if (f && f != stdin)
        fclose(f);
    pg_stream_free(st);
    json_decref(d.findings);
    free(buf);
    return rc;
}

/* scan_jsonl_line - one {"id", "text"} document */
static int scan_jsonl_line(const pg_engine *e, pg_scratch *s, const struct scan_opts *o,
                           const char *line, size_t len, size_t lineno, size_t *found)
{
    json_error_t jerr;
    json_t *doc = json_loadb(line, len, 0, &jerr), *id, *text;
    struct doc d = {o, NULL, json_array(), NULL, NULL, 0};
    int rc = 0;

    if (!doc || !json_is_object(doc) || !(id = json_object_get(doc, "id")) ||
        !(json_is_string(id) || json_is_integer(id)) ||
        !json_is_string(text = json_object_get(doc, "text"))) {
        rc = pg_cli_error("scan", "line %zu: expected {\"id\": <string or number>, \"text\": <string>}%s%s",
                          lineno, doc ? "" : ": ", doc ? "" : jerr.text);
        goto out;
    }
    d.text = json_string_value(text);
    char idbuf[64];
    d.id = json_is_string(id) ? json_string_value(id) : (snprintf(idbuf, sizeof idbuf, "%lld", (long long)json_integer_value(id)), idbuf);
    if (pg_engine_scan(e, s, d.text, json_string_length(text), on_text_finding, &d) != 0) {
        rc = pg_cli_error("scan", "line %zu: scan failed: %s", lineno, pg_error_last());
        goto out;
    }
    if (o->fmt == FMT_HUMAN)
        ;
    else
        print_doc(&d, id, NULL);
    *found += d.count;
out:
    json_decref(doc);
    json_decref(d.findings);
    return rc;
}

/* scan_jsonl - every line of a JSON-lines file */
static int scan_jsonl(const pg_engine *e, const struct scan_opts *o, const char *path, size_t *found)
{
    FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
    pg_scratch *s = NULL;
    char *line = NULL;
    size_t cap = 0, lineno = 0;
    ssize_t n;
    int rc = 0;

    if (!f)
        return pg_cli_error("scan", "cannot open %s: %m; check the path", path);
    if (pg_scratch_new(&s, e) < 0) {
        rc = pg_cli_error("scan", "out of memory");
        goto out;
    }
    while ((n = getline(&line, &cap, f)) > 0) {
        lineno++;
        if ((size_t)n > JSONL_LINE_MAX) {
            rc = pg_cli_error("scan", "line %zu: longer than %u bytes", lineno, JSONL_LINE_MAX);
            break;
        }
        if (n == 1 && line[0] == '\n')
            continue;
        if ((rc = scan_jsonl_line(e, s, o, line, (size_t)n, lineno, found)) != 0)
            break;
        fflush(stdout);
    }
out:
    free(line);
    pg_scratch_free(s);
    if (f != stdin)
        fclose(f);
    return rc;
}

/* parse_entities - "--entities A,B" into a mask */
static int parse_entities(uint64_t *mask, const char *list)
{
    char *copy = strdup(list), *save = NULL;
    int rc = 0;

    *mask = 0;
    for (char *t = strtok_r(copy, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
        pg_entity ent;
        if (pg_entity_from_name(&ent, t) < 0) {
            rc = pg_cli_error("scan", "unknown entity '%s'; see 'man piiguard' or docs/entities.md", t);
            break;
        }
        *mask |= 1ull << ent;
    }
    free(copy);
    return rc;
}

/* parse_args - options into o; returns index of the first file or -1 */
static int parse_args(struct scan_opts *o, int argc, char **argv, bool *fmt_set)
{
    static const struct option lo[] = {
        {"input", required_argument, 0, 'i'}, {"format", required_argument, 0, 'f'},
        {"min-score", required_argument, 0, 'm'}, {"entities", required_argument, 0, 'e'},
        {"show-values", no_argument, 0, 'v'}, {"help", no_argument, 0, 'h'}, {0, 0, 0, 0}};
    int c;
    char *end;

    while ((c = getopt_long(argc, argv, "i:f:m:e:vh", lo, NULL)) != -1) {
        switch (c) {
        case 'i':
            if (strcmp(optarg, "jsonl") && strcmp(optarg, "text"))
                return pg_cli_error("scan", "--input takes text or jsonl"), -1;
            o->jsonl_in = strcmp(optarg, "jsonl") == 0;
            break;
        case 'f':
            *fmt_set = true;
            if (!strcmp(optarg, "human")) o->fmt = FMT_HUMAN;
            else if (!strcmp(optarg, "json")) o->fmt = FMT_JSON;
            else if (!strcmp(optarg, "jsonl")) o->fmt = FMT_JSONL;
            else return pg_cli_error("scan", "--format takes human, json or jsonl"), -1;
            break;
        case 'm':
            o->eopts.min_score = strtof(optarg, &end);
            if (*end || o->eopts.min_score < 0 || o->eopts.min_score > 1)
                return pg_cli_error("scan", "--min-score takes a number from 0 to 1"), -1;
            break;
        case 'e':
            if (parse_entities(&o->eopts.entities, optarg))
                return -1;
            break;
        case 'v': o->show_values = true; break;
        case 'h': fputs(usage_text, stdout); exit(PG_EXIT_CLEAN);
        default: fputs(usage_text, stderr); return -1;
        }
    }
    return optind;
}

/* pg_cli_scan - piiguard scan */
int pg_cli_scan(int argc, char **argv)
{
    struct scan_opts o = {0};
    bool fmt_set = false;
    pg_engine *e = NULL;
    size_t found = 0;
    int rc = 0, first;
    json_t *all = NULL;

    pg_engine_opts_init(&o.eopts);
    if ((first = parse_args(&o, argc, argv, &fmt_set)) < 0)
        return PG_EXIT_ERROR;
    if (o.jsonl_in && !fmt_set)
        o.fmt = FMT_JSONL;
    if (pg_engine_new(&e, &o.eopts) < 0)
        return pg_cli_error("scan", "cannot build the engine: %s", pg_error_last());
    if (o.fmt == FMT_JSON && !o.jsonl_in)
        all = json_array();
    char *stdin_only[] = {"-"};
    char **files = first < argc ? argv + first : stdin_only;
    int nfiles = first < argc ? argc - first : 1;
    for (int k = 0; k < nfiles && rc == 0; k++)
        rc = o.jsonl_in ? scan_jsonl(e, &o, files[k], &found)
                        : scan_file(e, &o, files[k], all, &found);
    if (all && rc == 0) {
        char *s = json_dumps(all, JSON_INDENT(2));
        if (s)
            puts(s);
        free(s);
    }
    json_decref(all);
    pg_engine_free(e);
    if (rc)
        return PG_EXIT_ERROR;
    return found ? PG_EXIT_FOUND : PG_EXIT_CLEAN;
}
