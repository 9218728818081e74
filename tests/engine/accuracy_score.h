/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	accuracy_score - score the engine against labelled text
 * SUMMARY
 *	int  acc_map_entity(pg_entity *out, const char *presidio_name);
 *	int  acc_scan(pg_finding **out, size_t *n, pg_scratch *s,
 *	              const pg_engine *e, const char *text, size_t len);
 *	size_t *acc_cp_offsets(const char *text, size_t len, size_t *ncp);
 *	int  acc_score_text(acc_table *t, pg_scratch *s, const pg_engine *e,
 *	                    const char *text, size_t len,
 *	                    const acc_gold *gold, size_t ngold);
 *	int  acc_score_doc(acc_table *t, pg_scratch *s, const pg_engine *e,
 *	                   json_t *doc);
 *	int  acc_score_json_file(acc_table *t, pg_scratch *s,
 *	                         const pg_engine *e, const char *path);
 *	int  acc_score_jsonl(acc_table *t, pg_scratch *s, const pg_engine *e,
 *	                     FILE *in);
 *	acc_prf acc_overlap(const acc_counts *c);
 *	acc_prf acc_exact(const acc_counts *c);
 *	acc_counts acc_total(const acc_table *t);
 *	void acc_print(const acc_table *t, const char *title, FILE *out);
 * DESCRIPTION
 *	The one scoring code behind bench/pg_accuracy.c (the report) and
 *	tests/engine/test_accuracy_floor.c (the floor it may not fall
 *	below). Header-only in the stb manner: every file may include it for
 *	the declarations, and exactly one file per program defines
 *	ACC_SCORE_IMPLEMENTATION first to get the definitions.
 *
 *	Documents are Presidio-research JSON: {"full_text", "spans": [{
 *	"entity_type", "start_position", "end_position"}]} with offsets in
 *	code points; they are converted to UTF-8 byte offsets here, because
 *	the engine reports byte offsets.
 *
 *	Only entity types piiguard claims are scored (acc_map_entity());
 *	gold spans of other types are counted by name as "not scored", and
 *	findings of a type the set never labels are ignored, since a set that
 *	does not label a type cannot say whether a finding of it is right.
 *
 *	Matching rule (overlap): a finding is a true positive when it
 *	overlaps a gold span of the same type by at least one byte; a gold
 *	span is found when some finding of its type overlaps it. Precision
 *	counts findings, recall counts gold spans. The exact figures ask for
 *	identical byte bounds instead.
 * DIAGNOSTICS
 *	Functions return 0, PG_ENOMEM, PG_EPARSE (a document that is not in
 *	the format above) or the engine's error.
 *	With t->misses set, every false positive and missed span is written
 *	there (synthetic data only: never point this at real mail).
 */
#ifndef PIIGUARD_TESTS_ACCURACY_SCORE_H
#define PIIGUARD_TESTS_ACCURACY_SCORE_H

#include <jansson.h>
#include <stdint.h>
#include <stdio.h>

#include "piiguard/pg_engine.h"

/* Most distinct unscored type names remembered per table. */
#define ACC_MAX_UNSCORED 32

/* Counts for one entity type. */
typedef struct acc_counts {
    unsigned gold, pred;       /* gold spans, findings */
    unsigned pred_hit, gold_hit;   /* overlap rule */
    unsigned pred_exact, gold_exact; /* identical bounds */
} acc_counts;

/* Precision, recall, F1 (0 when undefined). */
typedef struct acc_prf {
    double p, r, f1;
} acc_prf;

/* One gold span, in byte offsets. */
typedef struct acc_gold {
    pg_entity entity;
    size_t start, end;
} acc_gold;

/* A scored set. */
typedef struct acc_table {
    acc_counts c[PG_ENT_COUNT];
    uint64_t labelled;         /* bit per type that the set labels */
    unsigned docs;
    struct {
        char name[32];
        unsigned n;
    } unscored[ACC_MAX_UNSCORED];
    unsigned n_unscored;
    FILE *misses;              /* NULL, or where to list each mistake */
} acc_table;

/* Presidio's name for a claimed type -> piiguard's; 0 or PG_ENOTFOUND. */
int acc_map_entity(pg_entity *out, const char *presidio_name);

/* Every finding in one text, in a malloc'd array the caller frees. */
int acc_scan(pg_finding **out, size_t *n, pg_scratch *s, const pg_engine *e,
             const char *text, size_t len);

/* Byte offset of every code point of UTF-8 text, plus its end at
 * [*ncp]; malloc'd, NULL when out of memory. */
size_t *acc_cp_offsets(const char *text, size_t len, size_t *ncp);

/* Score one text against its gold spans (byte offsets). */
int acc_score_text(acc_table *t, pg_scratch *s, const pg_engine *e,
                   const char *text, size_t len, const acc_gold *gold, size_t ngold);

/* Score one Presidio-research document (code-point offsets). */
int acc_score_doc(acc_table *t, pg_scratch *s, const pg_engine *e, json_t *doc);

/* Score a JSON array of documents (presidio_synth_dataset_v2.json). */
int acc_score_json_file(acc_table *t, pg_scratch *s, const pg_engine *e, const char *path);

/* Score one document per line (the generated labelled corpus). */
int acc_score_jsonl(acc_table *t, pg_scratch *s, const pg_engine *e, FILE *in);

/* Figures under the overlap rule, and under exact bounds. */
acc_prf acc_overlap(const acc_counts *c);
acc_prf acc_exact(const acc_counts *c);

/* Counts summed over the labelled types (micro average). */
acc_counts acc_total(const acc_table *t);

/* Print the table, totals and the unscored types. */
void acc_print(const acc_table *t, const char *title, FILE *out);

#ifdef ACC_SCORE_IMPLEMENTATION

#include <stdlib.h>
#include <string.h>

/* Presidio's names that piiguard claims; the rest are not scored. */
static const struct {
    const char *presidio;
    pg_entity ours;
} acc_names[] = {
    {"PERSON", PG_ENT_PERSON},
    {"CREDIT_CARD", PG_ENT_CREDIT_CARD},
    {"PHONE_NUMBER", PG_ENT_PHONE_NUMBER},
    {"EMAIL_ADDRESS", PG_ENT_EMAIL_ADDRESS},
    {"IBAN_CODE", PG_ENT_IBAN_CODE},
    {"US_SSN", PG_ENT_US_SSN},
    {"IP_ADDRESS", PG_ENT_IP_ADDRESS},
    {"US_DRIVER_LICENSE", PG_ENT_US_DRIVER_LICENSE},
};

/* acc_map_entity - Presidio's entity name to ours (own names pass through) */
int acc_map_entity(pg_entity *out, const char *presidio_name)
{
    for (size_t i = 0; i < sizeof acc_names / sizeof acc_names[0]; i++)
        if (strcmp(acc_names[i].presidio, presidio_name) == 0) {
            *out = acc_names[i].ours;
            return 0;
        }
    /* The generated corpus labels with piiguard's own names. */
    return pg_entity_from_name(out, presidio_name);
}

/* Findings of one document, collected by the scan callback. */
typedef struct acc_found {
    pg_finding *f;
    size_t n, cap;
    int err;
} acc_found;

/* acc_collect - scan callback: append a finding */
static int acc_collect(const pg_finding *f, void *payload)
{
    acc_found *a = payload;

    if (a->n == a->cap) {
        size_t cap = a->cap ? 2 * a->cap : 32;
        pg_finding *p = realloc(a->f, cap * sizeof(*p));
        if (!p) {
            a->err = PG_ENOMEM;
            return 1;
        }
        a->f = p;
        a->cap = cap;
    }
    a->f[a->n++] = *f;
    return 0;
}

/* acc_miss - list one mistake when asked to */
static void acc_miss(const acc_table *t, const char *what, pg_entity e, const char *text,
                     size_t len, size_t start, size_t end)
{
    if (!t->misses)
        return;
    size_t from = start > 40 ? start - 40 : 0, to = end + 40 < len ? end + 40 : len;
    fprintf(t->misses, "%s %s [%.*s] in: ", what, pg_entity_name(e), (int)(end - start),
            text + start);
    for (size_t i = from; i < to; i++)
        fputc(text[i] == '\n' ? ' ' : text[i], t->misses);
    fputc('\n', t->misses);
}

/* acc_match - does any span of the other side hit [start, end) of type e?
 * *exact is set when one has identical bounds. */
static bool acc_match_gold(const acc_gold *g, size_t ng, pg_entity e, size_t start,
                           size_t end, bool *exact)
{
    bool hit = false;

    *exact = false;
    for (size_t k = 0; k < ng; k++) {
        if (g[k].entity != e || g[k].start >= end || start >= g[k].end)
            continue;
        hit = true;
        *exact = *exact || (g[k].start == start && g[k].end == end);
    }
    return hit;
}

/* acc_match_found - the same question asked of the findings */
static bool acc_match_found(const acc_found *a, pg_entity e, size_t start, size_t end,
                            bool *exact)
{
    bool hit = false;

    *exact = false;
    for (size_t k = 0; k < a->n; k++) {
        const pg_finding *f = &a->f[k];
        if (f->entity != e || f->start >= end || start >= f->end)
            continue;
        hit = true;
        *exact = *exact || (f->start == start && f->end == end);
    }
    return hit;
}

/* acc_tally - count one document's findings and gold spans */
static void acc_tally(acc_table *t, const acc_found *a, const char *text, size_t len,
                      const acc_gold *gold, size_t ngold)
{
    bool exact;

    for (size_t k = 0; k < a->n; k++) {
        const pg_finding *f = &a->f[k];
        if (!(t->labelled & (1ull << f->entity)))
            continue;
        acc_counts *c = &t->c[f->entity];
        c->pred++;
        if (acc_match_gold(gold, ngold, f->entity, f->start, f->end, &exact)) {
            c->pred_hit++;
            c->pred_exact += exact;
        } else {
            acc_miss(t, "FP", f->entity, text, len, f->start, f->end);
        }
    }
    for (size_t k = 0; k < ngold; k++) {
        acc_counts *c = &t->c[gold[k].entity];
        c->gold++;
        if (acc_match_found(a, gold[k].entity, gold[k].start, gold[k].end, &exact)) {
            c->gold_hit++;
            c->gold_exact += exact;
        } else {
            acc_miss(t, "FN", gold[k].entity, text, len, gold[k].start, gold[k].end);
        }
    }
}

/* acc_scan - every finding in one text */
int acc_scan(pg_finding **out, size_t *n, pg_scratch *s, const pg_engine *e,
             const char *text, size_t len)
{
    acc_found a = {0};
    int rc = pg_engine_scan(e, s, text, len, acc_collect, &a);

    if (rc == 0 && a.err)
        rc = a.err;
    if (rc != 0) {
        free(a.f);
        a.f = NULL;
        a.n = 0;
    }
    *out = a.f;
    *n = a.n;
    return rc;
}

/* acc_score_text - scan one text and count it */
int acc_score_text(acc_table *t, pg_scratch *s, const pg_engine *e,
                   const char *text, size_t len, const acc_gold *gold, size_t ngold)
{
    acc_found a = {0};
    int rc = acc_scan(&a.f, &a.n, s, e, text, len);

    if (rc == 0) {
        for (size_t k = 0; k < ngold; k++)
            t->labelled |= 1ull << gold[k].entity;
        acc_tally(t, &a, text, len, gold, ngold);
        t->docs++;
    }
    free(a.f);
    return rc;
}

/* acc_note_unscored - count a gold span of a type piiguard does not claim */
static void acc_note_unscored(acc_table *t, const char *name)
{
    for (unsigned i = 0; i < t->n_unscored; i++)
        if (strcmp(t->unscored[i].name, name) == 0) {
            t->unscored[i].n++;
            return;
        }
    if (t->n_unscored < ACC_MAX_UNSCORED) {
        snprintf(t->unscored[t->n_unscored].name, sizeof t->unscored[0].name, "%s", name);
        t->unscored[t->n_unscored++].n = 1;
    }
}

/* acc_cp_offsets - byte offset of every code point, plus the end */
size_t *acc_cp_offsets(const char *text, size_t len, size_t *ncp)
{
    size_t *off = malloc((len + 1) * sizeof(*off)), n = 0;

    if (!off)
        return NULL;
    for (size_t i = 0; i < len; i++)
        if (((unsigned char)text[i] & 0xC0) != 0x80)
            off[n++] = i;
    off[n] = len;
    *ncp = n;
    return off;
}

/* acc_read_gold - one document's spans, converted to byte offsets */
static int acc_read_gold(acc_table *t, json_t *spans, const size_t *off, size_t ncp,
                         acc_gold *gold, size_t *ngold)
{
    size_t i;
    json_t *sp;

    *ngold = 0;
    json_array_foreach(spans, i, sp) {
        const char *type = json_string_value(json_object_get(sp, "entity_type"));
        json_int_t a = json_integer_value(json_object_get(sp, "start_position"));
        json_int_t b = json_integer_value(json_object_get(sp, "end_position"));
        pg_entity e;
        if (!type || a < 0 || b < a || (size_t)b > ncp)
            return PG_EPARSE;
        if (acc_map_entity(&e, type) < 0) {
            acc_note_unscored(t, type);
            continue;
        }
        gold[(*ngold)++] = (acc_gold){e, off[a], off[b]};
    }
    return 0;
}

/* acc_score_doc - score one {"full_text", "spans"} object */
int acc_score_doc(acc_table *t, pg_scratch *s, const pg_engine *e, json_t *doc)
{
    json_t *jt = json_object_get(doc, "full_text"), *spans = json_object_get(doc, "spans");
    const char *text = json_string_value(jt);
    size_t len = json_string_length(jt), ncp, ngold;
    size_t *off;
    acc_gold *gold;
    int rc;

    if (!text || !json_is_array(spans))
        return PG_EPARSE;
    off = acc_cp_offsets(text, len, &ncp);
    gold = malloc((json_array_size(spans) + 1) * sizeof(*gold));
    if (!off || !gold)
        rc = PG_ENOMEM;
    else if ((rc = acc_read_gold(t, spans, off, ncp, gold, &ngold)) == 0)
        rc = acc_score_text(t, s, e, text, len, gold, ngold);
    free(off);
    free(gold);
    return rc;
}

/* acc_score_json_file - every document of a JSON array */
int acc_score_json_file(acc_table *t, pg_scratch *s, const pg_engine *e, const char *path)
{
    json_error_t jerr;
    json_t *root = json_load_file(path, 0, &jerr), *doc;
    size_t i;
    int rc = 0;

    if (!root || !json_is_array(root)) {
        json_decref(root);
        return pg_error_set(PG_EPARSE, "%s:%d: %s", path, jerr.line, jerr.text);
    }
    json_array_foreach(root, i, doc) {
        if ((rc = acc_score_doc(t, s, e, doc)) != 0)
            break;
    }
    json_decref(root);
    return rc;
}

/* acc_score_jsonl - one document per line */
int acc_score_jsonl(acc_table *t, pg_scratch *s, const pg_engine *e, FILE *in)
{
    char *line = NULL;
    size_t cap = 0;
    int rc = 0;

    while (rc == 0 && getline(&line, &cap, in) > 0) {
        json_error_t jerr;
        json_t *doc = json_loads(line, 0, &jerr);
        rc = doc ? acc_score_doc(t, s, e, doc)
                 : pg_error_set(PG_EPARSE, "line %d: %s", jerr.line, jerr.text);
        json_decref(doc);
    }
    free(line);
    return rc;
}

/* acc_prf_of - precision, recall, F1 from hit counts */
static acc_prf acc_prf_of(unsigned pred_hit, unsigned pred, unsigned gold_hit, unsigned gold)
{
    acc_prf r = {0, 0, 0};

    r.p = pred ? (double)pred_hit / pred : 0.0;
    r.r = gold ? (double)gold_hit / gold : 0.0;
    r.f1 = r.p + r.r > 0 ? 2 * r.p * r.r / (r.p + r.r) : 0.0;
    return r;
}

/* acc_overlap - figures under the overlap rule */
acc_prf acc_overlap(const acc_counts *c)
{
    return acc_prf_of(c->pred_hit, c->pred, c->gold_hit, c->gold);
}

/* acc_exact - figures under identical bounds */
acc_prf acc_exact(const acc_counts *c)
{
    return acc_prf_of(c->pred_exact, c->pred, c->gold_exact, c->gold);
}

/* acc_total - counts summed over the labelled types */
acc_counts acc_total(const acc_table *t)
{
    acc_counts s = {0};

    for (unsigned e = 0; e < PG_ENT_COUNT; e++) {
        if (!(t->labelled & (1ull << e)))
            continue;
        s.gold += t->c[e].gold;
        s.pred += t->c[e].pred;
        s.pred_hit += t->c[e].pred_hit;
        s.gold_hit += t->c[e].gold_hit;
        s.pred_exact += t->c[e].pred_exact;
        s.gold_exact += t->c[e].gold_exact;
    }
    return s;
}

/* acc_print_row - one line of the table */
static void acc_print_row(const char *name, const acc_counts *c, FILE *out)
{
    acc_prf o = acc_overlap(c), x = acc_exact(c);

    fprintf(out, "| %-26s | %5u | %5u | %5.3f | %5.3f | %5.3f | %5.3f | %5.3f | %5.3f |\n",
            name, c->gold, c->pred, o.p, o.r, o.f1, x.p, x.r, x.f1);
}

/* acc_print - the table (markdown), the totals and what was not scored */
void acc_print(const acc_table *t, const char *title, FILE *out)
{
    fprintf(out, "\n### %s (%u documents)\n\n", title, t->docs);
    fprintf(out, "| entity | gold | found | P | R | F1 | exact P | exact R | exact F1 |\n");
    fprintf(out, "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n");
    for (unsigned e = 0; e < PG_ENT_COUNT; e++)
        if (t->labelled & (1ull << e))
            acc_print_row(pg_entity_name((pg_entity)e), &t->c[e], out);
    acc_counts tot = acc_total(t);
    acc_print_row("**total (micro)**", &tot, out);
    if (t->n_unscored) {
        fprintf(out, "\nNot scored (types piiguard does not claim): ");
        for (unsigned i = 0; i < t->n_unscored; i++)
            fprintf(out, "%s%s (%u)", i ? ", " : "", t->unscored[i].name, t->unscored[i].n);
        fprintf(out, "\n");
    }
}

#endif /* ACC_SCORE_IMPLEMENTATION */
#endif /* PIIGUARD_TESTS_ACCURACY_SCORE_H */
