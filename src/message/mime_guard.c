/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * mime_guard.c - the pre-scan that decides what GMime may see.
 *
 * GMime is a good parser with the limits of a library: it recurses once
 * per nesting level, keeps every header in memory (a 100 MB Subject costs
 * 700 MB of RSS), and 3.2.13 can loop forever on absurd parameters
 * (#165). So before GMime parses anything, this file walks the raw message
 * line by line with GMime's own boundary rules (a line is a boundary when
 * it is "--" + an open boundary + optional "--" + only blanks, innermost
 * first, the final form checked before the plain one) and removes:
 *
 *   - a header field longer than MIME_MAX_HEADER_FIELD bytes;
 *   - fields beyond MIME_MAX_HEADER_FIELDS in one header block;
 *   - a Content-Type or Content-Disposition with more than MIME_MAX_PARAMS
 *     parameters, a parameter name longer than MIME_MAX_PARAM_NAME or a
 *     name with 8-bit bytes (#165's shape);
 *   - the body of a multipart or message/rfc822 that would nest deeper than
 *     max_depth: its headers stay, so GMime sees an empty container, and
 *     the removal runs to the next boundary of an enclosing multipart;
 *   - everything after the part that exceeds max_parts.
 *
 * Each removal is an uninspectable entry named by its IMAP-style path, so
 * the policy sees it; nothing is dropped silently. The result is a
 * mime_view: raw itself when nothing was removed, else a compacted copy
 * with a hole map that turns view offsets back into raw offsets.
 *
 * Cost: one pass, O(length x open boundaries), and open boundaries never
 * exceed max_depth (<= PG_HARD_MAX_DEPTH), so 10,000 nested multiparts
 * cost what 64 do.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "message/mime.h"
#include "piiguard/pg_limits.h"

/* An open container: a multipart (boundary set) or a message/rfc822. */
struct frame {
    char *boundary; /* NULL for a message frame */
    size_t blen;
    unsigned children;
    bool digest; /* multipart/digest: children default to message/rfc822 */
    char *path;
};

#define STR_(x) #x
#define STR(x) STR_(x) /* a limit's value inside a reason string */

struct removal {
    size_t start, end;
};

struct guard {
    pg_msg *msg;
    const pg_msg_limits *lim;
    const char *raw;
    size_t len;
    struct frame fr[PG_HARD_MAX_DEPTH + 1];
    unsigned depth;
    bool in_headers, skipping, stopped;
    size_t skip_from;
    unsigned parts;
    char *path;               /* the entity whose header block we are in */
    size_t n_fields, f_start, f_end; /* the open field, f_end 0 if none */
    size_t ct_start, ct_end;  /* the last Content-Type field seen */
    bool fields_reported;
    bool digest_child;        /* the block belongs to a digest's child */
    bool embedded_top;        /* the block heads a message/rfc822's body */
    struct removal *rm;
    size_t n_rm, cap_rm;
    int err;
};

/* line_end - the end of the line at pos without CR LF, and the next line */
static size_t line_end(const char *s, size_t len, size_t pos, size_t *next)
{
    const char *nl = memchr(s + pos, '\n', len - pos);
    size_t e = nl ? (size_t)(nl - s) : len;

    *next = nl ? e + 1 : len;
    return e > pos && s[e - 1] == '\r' ? e - 1 : e;
}

/* note - an uninspectable entry "<path><what>" with reason why */
static void note(struct guard *g, const char *path, const char *what,
                 const char *why)
{
    char seg[600];

    snprintf(seg, sizeof(seg), "%s%s%s", path, *path && *what ? "/" : "", what);
    if (!g->err && msg_add_uninspectable(g->msg, *seg ? seg : "message", why) < 0)
        g->err = PG_ENOMEM;
}

/* remove - drop raw [start, end) from the view, merging with the last */
static void remove_range(struct guard *g, size_t start, size_t end)
{
    if (g->err || end <= start)
        return;
    if (g->n_rm && g->rm[g->n_rm - 1].end == start) {
        g->rm[g->n_rm - 1].end = end;
        return;
    }
    if (g->n_rm == g->cap_rm) {
        size_t ncap = g->cap_rm ? g->cap_rm * 2 : 8;
        struct removal *p = realloc(g->rm, ncap * sizeof(*p));
        if (!p) {
            g->err = PG_ENOMEM;
            return;
        }
        g->rm = p;
        g->cap_rm = ncap;
    }
    g->rm[g->n_rm++] = (struct removal){start, end};
}

/* field_name - "header:<name>" of the field at start, lower-case, printable */
static void field_name(char *out, size_t cap, const char *s, size_t start, size_t end)
{
    size_t k = (size_t)snprintf(out, cap, "header:");

    for (size_t i = start; i < end && s[i] != ':' && k + 1 < cap && k < 47; i++) {
        unsigned char c = (unsigned char)s[i];
        out[k++] = c > 0x20 && c < 0x7F ? (char)(c | (c >= 'A' && c <= 'Z' ? 0x20 : 0)) : '?';
    }
    out[k] = '\0';
}

/* is_field - does the field at start carry this name? */
static bool is_field(const struct guard *g, size_t start, const char *name)
{
    size_t n = strlen(name);

    return g->f_end - start > n && strncasecmp(g->raw + start, name, n) == 0 &&
           (g->raw[start + n] == ':' || g->raw[start + n] == ' ' ||
            g->raw[start + n] == '\t');
}

/* params_hostile - #165's shape: too many, too long, or 8-bit names */
static bool params_hostile(const struct guard *g)
{
    size_t count, longest;
    bool eight_bit;

    mime_param_shape(&count, &longest, &eight_bit, g->raw + g->f_start,
                     g->f_end - g->f_start);
    return count > MIME_MAX_PARAMS || longest > MIME_MAX_PARAM_NAME || eight_bit;
}

/* close_field - judge the field that just ended */
static void close_field(struct guard *g)
{
    char name[64];

    if (!g->f_end)
        return;
    bool ct = is_field(g, g->f_start, "Content-Type");
    field_name(name, sizeof(name), g->raw, g->f_start, g->f_end);
    if (g->f_end - g->f_start > MIME_MAX_HEADER_FIELD) {
        note(g, g->path, name, "header field longer than " STR(MIME_MAX_HEADER_FIELD)
                               " bytes removed");
        remove_range(g, g->f_start, g->f_end);
    } else if (g->n_fields > MIME_MAX_HEADER_FIELDS) {
        if (!g->fields_reported)
            note(g, g->path, "header", "more than " STR(MIME_MAX_HEADER_FIELDS)
                                       " header fields; the rest removed");
        g->fields_reported = true;
        remove_range(g, g->f_start, g->f_end);
    } else if ((ct || is_field(g, g->f_start, "Content-Disposition")) &&
               params_hostile(g)) {
        note(g, g->path, name, "malformed parameters; field removed");
        remove_range(g, g->f_start, g->f_end);
    } else if (ct) {
        g->ct_start = g->f_start;
        g->ct_end = g->f_end;
    }
    g->f_end = 0;
}

/* start_block - a new header block for the entity at path (takes path) */
static void start_block(struct guard *g, char *path, bool digest_child,
                        bool embedded_top)
{
    if (!path && !g->err)
        g->err = PG_ENOMEM;
    free(g->path);
    g->path = path ? path : strdup("");
    g->digest_child = digest_child;
    g->embedded_top = embedded_top;
    g->in_headers = true;
    g->n_fields = g->f_end = g->ct_start = g->ct_end = 0;
    g->fields_reported = false;
}

enum ctype { CT_LEAF, CT_MULTIPART, CT_MESSAGE };

/* ct_value - the value of the block's Content-Type, blanks skipped */
static const char *ct_value(const struct guard *g, size_t *n)
{
    const char *v = memchr(g->raw + g->ct_start, ':', g->ct_end - g->ct_start);

    if (!v)
        return NULL;
    for (v++; v < g->raw + g->ct_end && strchr(" \t\r\n", *v); v++)
        ;
    *n = (size_t)(g->raw + g->ct_end - v);
    return v;
}

/* is_type - does the value start with "type/sub" (sub NULL: any)? */
static bool is_type(const char *v, size_t n, const char *type, const char *sub)
{
    size_t t = strlen(type), k = sub ? strlen(sub) : 0;

    if (n < t + 1 || strncasecmp(v, type, t) != 0 || v[t] != '/')
        return false;
    if (!sub)
        return true;
    return n >= t + 1 + k && strncasecmp(v + t + 1, sub, k) == 0 &&
           (n == t + 1 + k || strchr("; \t\r\n", v[t + 1 + k]));
}

/* classify - what the block's Content-Type makes of the entity, as GMime
 * sees it; *boundary (malloc'd) for a multipart */
static enum ctype classify(struct guard *g, char **boundary)
{
    size_t n = 0;
    const char *v = g->ct_end ? ct_value(g, &n) : NULL;

    *boundary = NULL;
    if (!v)
        return g->digest_child ? CT_MESSAGE : CT_LEAF;
    if (is_type(v, n, "message", "rfc822") || is_type(v, n, "message", "news") ||
        is_type(v, n, "message", "global"))
        return CT_MESSAGE;
    if (!is_type(v, n, "multipart", NULL))
        return CT_LEAF;
    if (mime_param_get(boundary, v, n, "boundary") < 0) {
        g->err = PG_ENOMEM;
        return CT_LEAF;
    }
    if (*boundary && strlen(*boundary) > MIME_MAX_BOUNDARY) {
        note(g, g->path, "header:content-type", "boundary too long; field removed");
        remove_range(g, g->ct_start, g->ct_end);
        free(*boundary);
        *boundary = NULL;
    }
    if (!*boundary || !**boundary) { /* GMime: no boundary, no children */
        free(*boundary);
        *boundary = NULL;
        return CT_LEAF;
    }
    return CT_MULTIPART;
}

/* entity_path - IMAP: a message's single-part body is "<path>/1" */
static void entity_path(struct guard *g, enum ctype t)
{
    char *p;

    if (!g->embedded_top || t == CT_MULTIPART)
        return;
    if (mime_path_child(&p, g->path, 1) < 0) {
        g->err = PG_ENOMEM;
        return;
    }
    free(g->path);
    g->path = p;
}

/* end_headers - the block ended: open a container, or skip one too deep */
static void end_headers(struct guard *g, size_t body_start)
{
    char *b;

    close_field(g);
    g->in_headers = false;
    enum ctype t = classify(g, &b);
    entity_path(g, t);
    if (t == CT_LEAF || g->err) {
        free(b);
        return;
    }
    if (g->depth + 1 > g->lim->max_depth) {
        free(b);
        note(g, g->path, "", "MIME nesting deeper than the depth limit; contents removed");
        g->skipping = true;
        g->skip_from = body_start;
        return;
    }
    struct frame *f = &g->fr[g->depth++];
    size_t n = 0;
    const char *v = ct_value(g, &n);
    *f = (struct frame){b, b ? strlen(b) : 0, 0,
                        v && is_type(v, n, "multipart", "digest"), strdup(g->path)};
    if (!f->path)
        g->err = PG_ENOMEM;
    if (t == CT_MESSAGE)
        start_block(g, strdup(g->path), false, true);
}

/* match - 0, or 1 for "--b", 2 for "--b--", each with trailing blanks */
static int match(const char *s, size_t n, const struct frame *f)
{
    if (!f->boundary || n < 2 + f->blen || memcmp(s + 2, f->boundary, f->blen) != 0)
        return 0;
    size_t i = 2 + f->blen;
    int kind = 1;
    if (n - i >= 2 && s[i] == '-' && s[i + 1] == '-') {
        kind = 2;
        i += 2;
    }
    for (; i < n; i++)
        if (s[i] != ' ' && s[i] != '\t')
            return 0;
    return kind;
}

/* pop - close frames until depth is d */
static void pop(struct guard *g, unsigned d)
{
    while (g->depth > d) {
        struct frame *f = &g->fr[--g->depth];
        free(f->boundary);
        free(f->path);
        memset(f, 0, sizeof(*f));
    }
}

/* next_part - a boundary of frame k opened its next child */
static void next_part(struct guard *g, struct frame *f, size_t pos)
{
    char *p = NULL;

    f->children++;
    if (++g->parts > g->lim->max_parts) {
        if (mime_path_child(&p, f->path, f->children) < 0)
            g->err = PG_ENOMEM;
        note(g, p ? p : "", "", "more than max_parts MIME parts; the rest removed");
        free(p);
        remove_range(g, pos, g->len);
        g->stopped = true;
        return;
    }
    if (mime_path_child(&p, f->path, f->children) < 0)
        p = NULL;
    start_block(g, p, f->digest, false);
}

/* boundary_line - handle [pos, eol) if it is a boundary of an open frame */
static bool boundary_line(struct guard *g, size_t pos, size_t eol)
{
    const char *s = g->raw + pos;
    size_t n = eol - pos;

    if (n < 2 || s[0] != '-' || s[1] != '-')
        return false;
    for (unsigned k = g->depth; k-- > 0;) {
        int m = match(s, n, &g->fr[k]);
        if (!m)
            continue;
        if (g->in_headers)
            close_field(g);
        g->in_headers = false;
        if (g->skipping)
            remove_range(g, g->skip_from, pos);
        g->skipping = false;
        pop(g, m == 2 ? k : k + 1);
        if (m == 1)
            next_part(g, &g->fr[k], pos);
        return true;
    }
    return false;
}

/* header_line - one line of a header block */
static void header_line(struct guard *g, size_t pos, size_t eol, size_t next)
{
    if (eol == pos) {
        end_headers(g, next);
    } else if (g->raw[pos] == ' ' || g->raw[pos] == '\t') {
        if (g->f_end)
            g->f_end = next;
    } else {
        close_field(g);
        g->n_fields++;
        g->f_start = pos;
        g->f_end = next;
    }
}

/* scan - the one pass over the raw message */
static void scan(struct guard *g)
{
    size_t next;

    start_block(g, strdup(""), false, false);
    for (size_t pos = 0; pos < g->len && !g->stopped && !g->err; pos = next) {
        size_t eol = line_end(g->raw, g->len, pos, &next);
        if (!boundary_line(g, pos, eol) && g->in_headers)
            header_line(g, pos, eol, next);
    }
    if (g->in_headers)
        close_field(g);
    if (g->skipping)
        remove_range(g, g->skip_from, g->len);
}

/* build_view - raw minus the removals, with the hole map */
static int build_view(mime_view *v, const struct guard *g)
{
    size_t removed = 0, k = 0, from = 0;

    memset(v, 0, sizeof(*v));
    if (!g->n_rm) {
        v->buf = g->raw;
        v->len = g->len;
        return 0;
    }
    for (size_t i = 0; i < g->n_rm; i++)
        removed += g->rm[i].end - g->rm[i].start;
    v->owned = malloc(g->len - removed + 1);
    v->holes = malloc(g->n_rm * sizeof(*v->holes));
    if (!v->owned || !v->holes) {
        mime_view_free(v);
        return PG_ENOMEM;
    }
    for (size_t i = 0; i < g->n_rm; i++) {
        memcpy(v->owned + k, g->raw + from, g->rm[i].start - from);
        k += g->rm[i].start - from;
        v->holes[i] = (mime_hole){k, g->rm[i].end - g->rm[i].start};
        from = g->rm[i].end;
    }
    memcpy(v->owned + k, g->raw + from, g->len - from);
    k += g->len - from;
    v->owned[k] = '\0';
    v->buf = v->owned;
    v->len = k;
    v->n_holes = v->cap_holes = g->n_rm;
    return 0;
}

/* mime_guard_run - pre-scan raw and build GMime's view of it */
int mime_guard_run(mime_view *out, pg_msg *msg, const char *raw, size_t len,
                   const pg_msg_limits *lim)
{
    struct guard g = {.msg = msg, .lim = lim, .raw = raw, .len = len};

    scan(&g);
    pop(&g, 0);
    free(g.path);
    int rc = g.err < 0 ? g.err : build_view(out, &g);
    free(g.rm);
    return rc;
}

/* mime_view_raw_range - map a view range to raw, unless a hole splits it */
bool mime_view_raw_range(const mime_view *v, size_t start, size_t end,
                         size_t *raw_start, size_t *raw_end)
{
    size_t delta = 0;

    if (v->foreign || start > end || end > v->len)
        return false;
    for (size_t i = 0; i < v->n_holes && v->holes[i].view_off < end; i++) {
        if (v->holes[i].view_off > start)
            return false;
        delta += v->holes[i].raw_len;
    }
    *raw_start = start + delta;
    *raw_end = end + delta;
    return true;
}

/* mime_view_free - free the copy and the hole map */
void mime_view_free(mime_view *v)
{
    free(v->owned);
    free(v->holes);
    memset(v, 0, sizeof(*v));
}
