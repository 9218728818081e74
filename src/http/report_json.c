/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	report_json.c - a verdict as the JSON report that `piiguard check
 *	--format json` prints and POST /v1/check returns
 *
 * SUMMARY
 *	{"encrypted": bool,
 *	 "segments": [{"path", "kind", "bytes"}],
 *	 "findings": [{"entity_type", "segment", "start", "end", "score",
 *	               "quoted", "masked"}],
 *	 "uninspectable": [{"segment", "reason"}],
 *	 "decision": pg_decision_to_json()}
 *
 * DESCRIPTION
 *	One function builds the report for both front ends so that the API
 *	and the CLI cannot drift apart. A finding's "segment" is its
 *	segment's path (the same string uninspectable entries use), and its
 *	offsets are byte offsets into that segment's text. "masked" goes
 *	through pg_mask() in the shape style; the raw value is never put in
 *	the tree. Scores are rounded to three decimals: a float's binary
 *	tail is noise, not precision.
 *
 *	When the message could not be parsed (v->msg is NULL) the lists are
 *	empty and the decision (a tempfail) still stands.
 *
 *	Builders keep a sticky failure: every set is attempted, one check at
 *	the end turns any allocation failure into NULL.
 */
#include <math.h>
#include <stdlib.h>

#include "http/http.h"

static const char *const kind_names[] = {
    [PG_SEG_HEADER] = "header",         [PG_SEG_TEXT] = "text",
    [PG_SEG_HTML] = "html",             [PG_SEG_ATTACHMENT] = "attachment",
    [PG_SEG_FILENAME] = "filename",     [PG_SEG_CHAT] = "chat",
};

/* kind_name - a segment kind's JSON name */
static const char *kind_name(pg_seg_kind k)
{
    if ((unsigned)k < sizeof(kind_names) / sizeof(kind_names[0]) && kind_names[k])
        return kind_names[k];
    return "unknown";
}

/* finish - the builder's one check: the tree, or NULL after any failure */
static json_t *finish(json_t *j, int bad)
{
    if (bad) {
        json_decref(j);
        return NULL;
    }
    return j;
}

/* masked_json - the masked form of text[start, end) as a JSON string */
static json_t *masked_json(const pg_finding *f, const char *text)
{
    char small[256];
    const char *label = pg_entity_name(f->entity);
    size_t len = f->end - f->start;
    size_t n = pg_mask(small, sizeof(small), text + f->start, len, PG_MASK_SHAPE, label);
    json_t *j;
    char *big;

    if (n < sizeof(small))
        return json_stringn(small, n);
    /* a long match (a PEM key): measure once, then mask into the heap */
    if (!(big = malloc(n + 1)))
        return NULL;
    pg_mask(big, n + 1, text + f->start, len, PG_MASK_SHAPE, label);
    j = json_stringn(big, n);
    free(big);
    return j;
}

/* pg_http_finding_json - one finding, masked, without its segment */
json_t *pg_http_finding_json(const pg_finding *f, const char *text)
{
    json_t *o = json_object();
    int bad = !o;

    if (bad)
        return NULL;
    bad |= json_object_set_new(o, "entity_type", json_string(pg_entity_name(f->entity)));
    bad |= json_object_set_new(o, "start", json_integer((json_int_t)f->start));
    bad |= json_object_set_new(o, "end", json_integer((json_int_t)f->end));
    bad |= json_object_set_new(o, "score", json_real(round((double)f->score * 1000) / 1000));
    bad |= json_object_set_new(o, "masked", masked_json(f, text));
    return finish(o, bad);
}

/* segments_json - every segment's path, kind and size */
static json_t *segments_json(const pg_msg *msg)
{
    json_t *a = json_array();
    int bad = !a;

    for (size_t i = 0; !bad && msg && i < pg_msg_segment_count(msg); i++) {
        const pg_segment *s = pg_msg_segment(msg, i);
        bad |= json_array_append_new(a, json_pack("{s:s, s:s, s:I}", "path", s->path,
                                                  "kind", kind_name(s->kind),
                                                  "bytes", (json_int_t)s->len));
    }
    return finish(a, bad);
}

/* finding_in_msg_json - one message finding: the finding plus where it is */
static json_t *finding_in_msg_json(const pg_msg *msg, const pg_msg_finding *mf)
{
    const pg_segment *s = pg_msg_segment(msg, mf->segment);
    json_t *o = pg_http_finding_json(&mf->f, s->text);
    int bad = !o;

    if (bad)
        return NULL;
    bad |= json_object_set_new(o, "segment", json_string(s->path));
    bad |= json_object_set_new(o, "quoted", json_boolean(mf->quoted));
    return finish(o, bad);
}

/* findings_json - every finding of the message */
static json_t *findings_json(const pg_msg *msg)
{
    json_t *a = json_array();
    int bad = !a;

    for (size_t i = 0; !bad && msg && i < pg_msg_finding_count(msg); i++)
        bad |= json_array_append_new(a, finding_in_msg_json(msg, pg_msg_finding_at(msg, i)));
    return finish(a, bad);
}

/* uninspectable_json - every part that could not be read, and why */
static json_t *uninspectable_json(const pg_msg *msg)
{
    json_t *a = json_array();
    int bad = !a;

    for (size_t i = 0; !bad && msg && i < pg_msg_uninspectable_count(msg); i++) {
        const pg_uninspectable *u = pg_msg_uninspectable_at(msg, i);
        bad |= json_array_append_new(a, json_pack("{s:s, s:s}", "segment", u->segment,
                                                  "reason", u->reason));
    }
    return finish(a, bad);
}

/* pg_http_report_json - the whole report for one verdict */
json_t *pg_http_report_json(const pg_verdict *v)
{
    json_t *r = json_object();
    int bad = !r;

    if (bad)
        return NULL;
    bad |= json_object_set_new(r, "encrypted", json_boolean(v->msg && pg_msg_encrypted(v->msg)));
    bad |= json_object_set_new(r, "segments", segments_json(v->msg));
    bad |= json_object_set_new(r, "findings", findings_json(v->msg));
    bad |= json_object_set_new(r, "uninspectable", uninspectable_json(v->msg));
    bad |= json_object_set_new(r, "decision",
                               v->decision ? pg_decision_to_json(v->decision) : json_null());
    return finish(r, bad);
}
