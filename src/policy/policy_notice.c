/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	policy_notice.c - just-in-time training: tell the sender what was
 *	found, why it may not go out in clear text, and what to do instead
 *
 * SUMMARY
 *	int notice_load(pg_policy *p, const char *dir, unsigned line,
 *	                const char *suggested_reply, unsigned reply_line);
 *	int notice_render(pg_decision *d, const pg_policy *p, const pg_msg *msg,
 *	                  const decision_item *items, size_t n_items,
 *	                  size_t n_total);
 *
 * DESCRIPTION
 *	Templates are read and parsed once, at policy load, from
 *	notices.dir (relative to the policy file). For an action, a channel
 *	and a form the first file that exists wins:
 *
 *	    <action>.<channel>.<ext>   e.g. reject.email.txt
 *	    <action>.<ext>             e.g. reject.txt
 *	    default.<ext>              required
 *
 *	where <ext> is short.txt (the SMTP-reply form), txt or html. Without
 *	notices.dir the built-in templates below are used.
 *
 *	Substitution is {{name}} and nothing else: no loops, no conditions,
 *	no nesting, no re-scanning of substituted text, so a value can never
 *	inject a placeholder. Unknown placeholders are load errors with the
 *	template's file and line. Values are HTML-escaped in the html form and
 *	stripped of control characters in the others.
 *
 *	Binding. Most placeholders do not depend on the decision: the action
 *	and verdict, the channel, the secure channel, the URLs and the
 *	organisation are fixed by the policy and by the (action, channel)
 *	slot the template serves. Load therefore binds every slot and form
 *	once: those values are substituted, escaped for the form, into the
 *	literal text, and so is the suggested reply when it holds nothing
 *	else. What remains are runs of literal text and the few placeholders
 *	that do depend on the decision (findings, summary, reasons, severity,
 *	the consent and breach notes), so rendering is a concatenation plus
 *	those. The parsed files live in a scratch arena that is freed once
 *	everything is bound; the policy keeps only the bound templates.
 *
 *	Invariant: a bound template renders byte for byte what its source
 *	template rendered with the same decision. Substitution never
 *	re-scans, so substituting early or late is the same text; the one
 *	difference is the NOTICE_MAX_OUTPUT clip, and binding stops adding
 *	literal text at that size, which the rendered output (literal text
 *	plus values) has then reached as well.
 *
 *	Invariant: a notice holds only masked values (pg_mask over the
 *	finding's bytes, in the policy's mask style) and segment paths with
 *	digit-bearing tokens masked. The short form is cut to
 *	NOTICE_SHORT_LINES lines of at most NOTICE_SHORT_LINE_MAX bytes
 *	whatever the template says, so it always fits an SMTP reply.
 */
#include <assert.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "policy/policy_internal.h"

typedef enum notice_var {
    V_ACTION, V_VERDICT, V_CHANNEL, V_FINDINGS, V_FINDINGS_INLINE, V_SUMMARY,
    V_REASONS, V_SEVERITY, V_CONSENT_NOTE, V_BREACH_NOTE, V_SECURE_CHANNEL,
    V_SECURE_URL, V_POLICY_URL, V_SUGGESTED_REPLY, V_ORGANISATION, V_COUNT
} notice_var;

static const char *const var_names[V_COUNT] = {
    "action", "verdict", "channel", "findings", "findings_inline", "summary",
    "reasons", "severity", "consent_note", "breach_note", "secure_channel",
    "secure_url", "policy_url", "suggested_reply", "organisation"};

typedef struct notice_piece {
    const char *lit; /* literal text, or NULL for a placeholder */
    size_t len;
    notice_var var;
} notice_piece;

struct notice_tpl {
    const notice_piece *pieces;
    size_t n;
};

static const char *const form_ext[FORM_COUNT] = {"short.txt", "txt", "html"};

/* The built-in templates: used without notices.dir, and a model for it. */
static const char builtin_short[] =
    "{{verdict}}: customer PII in clear text ({{findings_inline}}).\n"
    "Customer PII may not leave by {{channel}} in clear text, even when the "
    "customer asks or agrees.\n"
    "Use the {{secure_channel}} instead: {{secure_url}}\n"
    "Policy: {{policy_url}}\n";
static const char builtin_text[] =
    "Your {{channel}} message {{verdict}}.\n\n"
    "piiguard found customer personal information in clear text:\n"
    "{{findings}}\n"
    "Why:\n{{reasons}}\n"
    "Customer PII may not leave {{organisation}} in clear text, not even when "
    "the customer asks for it or agrees to it: clear text can be read, "
    "forwarded and kept by anyone on the way.\n"
    "{{consent_note}}\n{{breach_note}}\n"
    "What to do instead: use the {{secure_channel}} ({{secure_url}}).\n"
    "A reply you can send the customer:\n  {{suggested_reply}}\n\n"
    "Policy: {{policy_url}}\n";
static const char builtin_html[] =
    "<p>Your {{channel}} message {{verdict}}.</p>\n"
    "<p>piiguard found customer personal information in clear text:</p>\n"
    "<ul>{{findings}}</ul>\n<p>Why:</p>\n<ul>{{reasons}}</ul>\n"
    "<p>Customer PII may not leave {{organisation}} in clear text, not even "
    "when the customer asks for it or agrees to it.</p>\n"
    "<p>{{consent_note}}</p>\n<p>{{breach_note}}</p>\n"
    "<p>What to do instead: use the <a href=\"{{secure_url}}\">{{secure_channel}}"
    "</a>.</p>\n<p>A reply you can send the customer:</p>\n"
    "<blockquote>{{suggested_reply}}</blockquote>\n"
    "<p>Policy: <a href=\"{{policy_url}}\">{{policy_url}}</a></p>\n";
static const char builtin_reply[] =
    "To protect your information we don't send account or ID numbers by "
    "{{channel}}. I've sent what you asked for through our {{secure_channel}} "
    "({{secure_url}}); you'll get a notification with a link to open it.";

/* find_var - a placeholder name, or V_COUNT */
static notice_var find_var(const char *name, size_t len)
{
    for (int v = 0; v < V_COUNT; v++)
        if (strlen(var_names[v]) == len && memcmp(var_names[v], name, len) == 0)
            return (notice_var)v;
    return V_COUNT;
}

/* line_at - line of offset off in text, counting from base */
static unsigned line_at(const char *text, size_t off, unsigned base)
{
    unsigned line = base;

    for (size_t i = 0; i < off; i++)
        line += text[i] == '\n';
    return line;
}

/* placeholder - parse "{{ name }}" at text[i]; sets *end past it */
static int placeholder(const char *text, size_t len, size_t i, const char *name,
                       unsigned base, notice_var *var, size_t *end)
{
    const char *close = NULL;

    for (size_t j = i + 2; j + 1 < len; j++)
        if (text[j] == '}' && text[j + 1] == '}') {
            close = text + j;
            break;
        }
    if (!close)
        return pg_error_set(PG_EPARSE, "%s:%u: '{{' is never closed; write "
                            "{{name}}", name, line_at(text, i, base));
    const char *s = text + i + 2, *e = close;
    while (s < e && *s == ' ')
        s++;
    while (e > s && e[-1] == ' ')
        e--;
    if ((*var = find_var(s, (size_t)(e - s))) == V_COUNT)
        return pg_error_set(PG_EPARSE, "%s:%u: unknown placeholder {{%.*s}}; "
                            "docs/policy.md lists the ones that exist", name,
                            line_at(text, i, base), (int)(e - s > 40 ? 40 : e - s), s);
    *end = (size_t)(close - text) + 2;
    return 0;
}

/* count_pieces - an upper bound on pieces: two per "{{" plus one */
static size_t count_pieces(const char *text, size_t len)
{
    size_t n = 1;

    for (size_t i = 0; i + 1 < len; i++)
        n += (text[i] == '{' && text[i + 1] == '{') * 2;
    return n;
}

/* notice_compile - split a template into literals and placeholders;
 * errors name the template and its line, counted from base */
static int notice_compile(const notice_tpl **out, policy_arena *a,
                          const char *text, size_t len, const char *name,
                          unsigned base)
{
    notice_tpl *t = arena_alloc(a, sizeof(*t));
    notice_piece *p = arena_calloc(a, count_pieces(text, len), sizeof(*p));
    size_t i = 0, lit = 0, n = 0;
    int err;

    if (!t || !p)
        return PG_ENOMEM;
    while (i < len) {
        if (!(text[i] == '{' && i + 1 < len && text[i + 1] == '{')) {
            i++;
            continue;
        }
        notice_var var = V_COUNT;
        size_t end = 0;
        if ((err = placeholder(text, len, i, name, base, &var, &end)) < 0)
            return err;
        if (i > lit)
            p[n++] = (notice_piece){text + lit, i - lit, V_COUNT};
        p[n++] = (notice_piece){NULL, 0, var};
        i = lit = end;
    }
    if (len > lit)
        p[n++] = (notice_piece){text + lit, len - lit, V_COUNT};
    *t = (notice_tpl){p, n};
    *out = t;
    return 0;
}

/* Templates as parsed from their files, before binding. */
typedef struct notice_src {
    pg_policy *p;
    policy_arena scratch; /* file text and parsed templates; freed at the end of load */
    const notice_tpl *tpl[NOTICE_ACTIONS][NOTICE_CHANNELS][FORM_COUNT];
    const notice_tpl *reply;
} notice_src;

/* read_template - a whole template file into the arena; PG_ENOTFOUND if absent */
static int read_template(policy_arena *a, const char *path, char **text, size_t *len)
{
    FILE *f = fopen(path, "rb");
    char *buf;

    if (!f)
        return errno == ENOENT ? PG_ENOTFOUND
               : pg_error_set(PG_EIO, "%s: cannot open: %s", path, strerror(errno));
    if (!(buf = arena_alloc(a, NOTICE_MAX_TEMPLATE + 1))) {
        fclose(f);
        return PG_ENOMEM;
    }
    *len = fread(buf, 1, NOTICE_MAX_TEMPLATE + 1, f);
    int bad = ferror(f);
    fclose(f);
    if (bad)
        return pg_error_set(PG_EIO, "%s: cannot read: %s", path, strerror(errno));
    if (*len > NOTICE_MAX_TEMPLATE || memchr(buf, '\0', *len))
        return pg_error_set(PG_EPARSE, "%s:1: a notice template must be text "
                            "of at most %u bytes; shorten it", path,
                            NOTICE_MAX_TEMPLATE);
    buf[*len] = '\0';
    *text = buf;
    return 0;
}

/* load_one - parse dir/file if it exists; *out stays NULL if it does not */
static int load_one(notice_src *src, const char *dir, const char *file,
                    const notice_tpl **out)
{
    char path[4096];
    char *text = NULL;
    size_t len = 0;

    if (snprintf(path, sizeof(path), "%s/%s", dir, file) >= (int)sizeof(path))
        return pg_error_set(PG_EPARSE, "%s: notices.dir path is too long; "
                            "shorten it", src->p->path);
    int err = read_template(&src->scratch, path, &text, &len);
    if (err == PG_ENOTFOUND)
        return 0;
    if (err < 0)
        return err;
    return notice_compile(out, &src->scratch, text, len, path, 1);
}

/* load_defaults - default.<ext> for every form; all three are required */
static int load_defaults(notice_src *src, const char *dir, unsigned line,
                         const notice_tpl *def[FORM_COUNT])
{
    char file[64];
    int err;

    for (int f = 0; f < FORM_COUNT; f++) {
        def[f] = NULL;
        snprintf(file, sizeof(file), "default.%s", form_ext[f]);
        if ((err = load_one(src, dir, file, &def[f])) < 0)
            return err;
        if (!def[f])
            return pg_error_set(PG_EPARSE, "%s:%u: notices.dir %s has no %s; "
                                "every form needs a default (copy it from "
                                "etc/notices)", src->p->path, line, dir, file);
    }
    return 0;
}

/* load_action - <action>.<ext> then <action>.<channel>.<ext> */
static int load_action(notice_src *src, const char *dir, int a,
                       const notice_tpl *def[FORM_COUNT])
{
    const char *an = pg_action_name((pg_action)(NOTICE_FIRST_ACTION + a));
    char file[64];
    int err;

    for (int f = 0; f < FORM_COUNT; f++) {
        const notice_tpl *base = NULL;
        snprintf(file, sizeof(file), "%s.%s", an, form_ext[f]);
        if ((err = load_one(src, dir, file, &base)) < 0)
            return err;
        for (int ch = 0; ch < NOTICE_CHANNELS; ch++) {
            const notice_tpl *t = NULL;
            snprintf(file, sizeof(file), "%s.%s.%s", an,
                     pg_channel_name((pg_channel)ch), form_ext[f]);
            if ((err = load_one(src, dir, file, &t)) < 0)
                return err;
            src->tpl[a][ch][f] = t ? t : base ? base : def[f];
        }
    }
    return 0;
}

/* resolve_dir - notices.dir relative to the policy file; must exist */
static int resolve_dir(notice_src *src, const char *dir, unsigned line, char **out)
{
    const pg_policy *p = src->p;
    struct stat st;
    size_t n = strlen(p->dir) + strlen(dir) + 2;
    char *path = arena_alloc(&src->scratch, n);

    if (!path)
        return PG_ENOMEM;
    if (dir[0] == '/')
        snprintf(path, n, "%s", dir);
    else
        snprintf(path, n, "%s/%s", p->dir, dir);
    if (stat(path, &st) < 0 || !S_ISDIR(st.st_mode))
        return pg_error_set(PG_EPARSE, "%s:%u: notices.dir %s is not a "
                            "directory; create it or fix the path (it is "
                            "relative to the policy file)", p->path, line, path);
    *out = path;
    return 0;
}

/* use_builtin - every slot gets the built-in template of its form */
static int use_builtin(notice_src *src)
{
    static const char *const text[FORM_COUNT] = {builtin_short, builtin_text, builtin_html};
    const notice_tpl *t[FORM_COUNT];
    int err;

    for (int f = 0; f < FORM_COUNT; f++)
        if ((err = notice_compile(&t[f], &src->scratch, text[f], strlen(text[f]),
                                  "built-in notice", 1)) < 0)
            return err;
    for (int a = 0; a < NOTICE_ACTIONS; a++)
        for (int ch = 0; ch < NOTICE_CHANNELS; ch++)
            for (int f = 0; f < FORM_COUNT; f++)
                src->tpl[a][ch][f] = t[f];
    return 0;
}

/* load_sources - parse the reply and every template the policy can need */
static int load_sources(notice_src *src, const char *dir, unsigned line,
                        const char *suggested_reply, unsigned reply_line)
{
    const notice_tpl *def[FORM_COUNT];
    const char *reply = suggested_reply ? suggested_reply : builtin_reply;
    char *path = NULL;
    int err;

    err = notice_compile(&src->reply, &src->scratch, reply, strlen(reply),
                         src->p->path, reply_line);
    if (err < 0 || !dir)
        return err < 0 ? err : use_builtin(src);
    if ((err = resolve_dir(src, dir, line, &path)) < 0 ||
        (err = load_defaults(src, path, line, def)) < 0)
        return err;
    for (int a = 0; a < NOTICE_ACTIONS; a++)
        if ((err = load_action(src, path, a, def)) < 0)
            return err;
    return 0;
}

/* put - a value: escaped for HTML, cleaned of control bytes otherwise */
static void put(policy_sb *sb, notice_form form, const char *s)
{
    size_t n = strnlen(s, POLICY_MAX_STRING);

    if (form == FORM_HTML)
        sb_put_html(sb, s, n);
    else
        sb_put_clean(sb, s, n);
}

/* verdict - what happened to the message, in words */
static const char *verdict(pg_action a)
{
    switch (a) {
    case PG_ACT_REDACT: return "was sent with the customer's data masked";
    case PG_ACT_SECURE: return "is being delivered through the encrypted channel";
    case PG_ACT_QUARANTINE: return "is held for review and has not been delivered";
    default: return "was not sent";
    }
}

static const char breach_text[] =
    "A name together with a government ID or account number is personal "
    "information under US state breach-notification laws: had it leaked, "
    "the customer would have to be notified.";

/* The slot a template is bound for. */
typedef struct notice_slot {
    const policy_notices *n;
    pg_action action;
    pg_channel channel;
    notice_form form;
    const notice_tpl *reply; /* bound; NULL while binding the reply itself */
} notice_slot;

/* fixed_value - a placeholder's value when the policy and the slot fix
 * it; NULL when it depends on the decision */
static const char *fixed_value(const notice_slot *s, notice_var v)
{
    const policy_notices *n = s->n;

    switch (v) {
    case V_ACTION: return pg_action_name(s->action);
    case V_VERDICT: return verdict(s->action);
    case V_CHANNEL: return s->channel == PG_CHAN_SMS ? "SMS" : pg_channel_name(s->channel);
    case V_SECURE_CHANNEL: return n->secure_name ? n->secure_name : "secure message portal";
    case V_SECURE_URL: return n->secure_url ? n->secure_url : "ask IT for the secure channel";
    case V_POLICY_URL: return n->policy_url ? n->policy_url : "ask your compliance team";
    case V_ORGANISATION: return n->organisation ? n->organisation : "the company";
    case V_SUGGESTED_REPLY: return s->reply ? NULL : ""; /* it cannot include itself */
    default: return NULL;
    }
}

/* only_text - the bound template's text if it has no placeholder left */
static const notice_piece *only_text(const notice_tpl *t)
{
    return t && t->n == 1 && t->pieces[0].lit ? &t->pieces[0] : NULL;
}

/* close_run - end the literal run that started at *run, if it holds text */
static size_t close_run(notice_piece *pc, size_t k, const policy_sb *lit, size_t *run)
{
    if (lit->len > *run)
        pc[k++] = (notice_piece){NULL, lit->len - *run, V_COUNT};
    *run = lit->len;
    return k;
}

/* bind_text - give the literal runs their text: one arena copy of lit,
 * which holds the runs back to back in piece order */
static int bind_text(notice_piece *pc, size_t k, policy_arena *arena, policy_sb *lit)
{
    int err = lit->err;
    char *copy = err ? NULL : arena_strndup(arena, lit->buf ? lit->buf : "", lit->len);
    size_t off = 0;

    sb_dispose(lit);
    if (!copy)
        return err < 0 ? err : PG_ENOMEM;
    for (size_t i = 0; i < k; i++)
        if (pc[i].var == V_COUNT) {
            pc[i].lit = copy + off;
            off += pc[i].len;
        }
    return 0;
}

/* bind_one - one source template for one slot: fixed values substituted into
 * the literal text, placeholders that need the decision kept. A bound
 * template has at most as many pieces as its source (each run of text
 * needs a source piece). Literal text stops at NOTICE_MAX_OUTPUT: the
 * output is clipped there anyway (see the invariant above). */
static int bind_one(const notice_tpl **out, policy_arena *arena, const notice_tpl *src,
                const notice_slot *s)
{
    notice_tpl *t = arena_alloc(arena, sizeof(*t));
    notice_piece *pc = arena_calloc(arena, src->n, sizeof(*pc));
    const notice_piece *reply = only_text(s->reply);
    policy_sb lit;
    size_t k = 0, run = 0;
    int err;

    if (!t || !pc)
        return PG_ENOMEM;
    sb_init(&lit, NOTICE_MAX_OUTPUT, true);
    for (size_t i = 0; i < src->n && lit.len < NOTICE_MAX_OUTPUT; i++) {
        const notice_piece *sp = &src->pieces[i];
        const char *v = sp->lit ? NULL : fixed_value(s, sp->var);
        if (sp->lit)
            sb_putn(&lit, sp->lit, sp->len);
        else if (v)
            put(&lit, s->form, v);
        else if (sp->var == V_SUGGESTED_REPLY && reply)
            sb_putn(&lit, reply->lit, reply->len); /* bound: already escaped */
        else {
            k = close_run(pc, k, &lit, &run);
            pc[k++] = (notice_piece){NULL, 0, sp->var};
        }
    }
    k = close_run(pc, k, &lit, &run);
    if ((err = bind_text(pc, k, arena, &lit)) < 0)
        return err;
    *t = (notice_tpl){pc, k};
    *out = t;
    return 0;
}

/* bind_breach - the breach note, escaped once per form */
static int bind_breach(policy_notices *n, policy_arena *arena)
{
    for (int f = 0; f < FORM_COUNT; f++) {
        policy_sb sb;
        int err = 0;
        sb_init(&sb, sizeof(breach_text) * 6, false);
        put(&sb, (notice_form)f, breach_text);
        char *s = sb_finish(&sb, &err);
        n->breach_note[f] = s ? arena_strdup(arena, s) : NULL;
        free(s);
        if (!n->breach_note[f])
            return err < 0 ? err : PG_ENOMEM;
    }
    return 0;
}

/* bind_all - the reply, then the template, of every slot and form */
static int bind_all(pg_policy *p, const notice_src *src)
{
    policy_notices *n = &p->notices;
    int err = bind_breach(n, &p->arena);

    for (int a = 0; a < NOTICE_ACTIONS && err == 0; a++)
        for (int ch = 0; ch < NOTICE_CHANNELS && err == 0; ch++)
            for (int f = 0; f < FORM_COUNT && err == 0; f++) {
                notice_slot s = {n, (pg_action)(NOTICE_FIRST_ACTION + a),
                                 (pg_channel)ch, (notice_form)f, NULL};
                if ((err = bind_one(&n->reply[a][ch][f], &p->arena, src->reply, &s)) < 0)
                    break;
                s.reply = n->reply[a][ch][f];
                err = bind_one(&n->tpl[a][ch][f], &p->arena, src->tpl[a][ch][f], &s);
            }
    return err;
}

/* notice_load - parse every template the policy can need, and bind it */
int notice_load(pg_policy *p, const char *dir, unsigned line,
                const char *suggested_reply, unsigned reply_line)
{
    notice_src src = {.p = p};
    int err = load_sources(&src, dir, line, suggested_reply, reply_line);

    if (err == 0)
        err = bind_all(p, &src);
    arena_free(&src.scratch);
    return err;
}

/* What one rendering needs. */
typedef struct notice_ctx {
    const pg_decision *d;
    const pg_policy *p;
    const pg_msg *msg;
    const decision_item *items;
    size_t n_items, n_total;
    notice_form form;
} notice_ctx;

/* put_where - "2/attachment:x.pdf (quoted reply)", path masked */
static void put_where(policy_sb *sb, const notice_ctx *c, const decision_item *it)
{
    if (it->segment < pg_msg_segment_count(c->msg))
        policy_put_safe_path(sb, pg_msg_segment(c->msg, it->segment)->path,
                             c->form == FORM_HTML);
    sb_puts(sb, it->quoted ? " (quoted reply)" : it->attachment ? " (attachment)" : "");
}

/* item_open / item_close - one list entry in the current form */
static void item_open(policy_sb *sb, const notice_ctx *c)
{
    sb_puts(sb, c->form == FORM_HTML ? "<li>" : "  - ");
}

static void item_close(policy_sb *sb, const notice_ctx *c)
{
    sb_puts(sb, c->form == FORM_HTML ? "</li>\n" : "\n");
}

/* put_findings - one line per listed finding, masked, with where */
static void put_findings(policy_sb *sb, const notice_ctx *c)
{
    for (size_t i = 0; i < c->n_items; i++) {
        item_open(sb, c);
        put(sb, c->form, pg_entity_name(c->items[i].entity));
        sb_puts(sb, " ");
        put(sb, c->form, c->items[i].masked);
        sb_puts(sb, " in ");
        put_where(sb, c, &c->items[i]);
        item_close(sb, c);
    }
    if (c->n_total > c->n_items) {
        item_open(sb, c);
        sb_puts(sb, "and ");
        sb_putu(sb, c->n_total - c->n_items);
        sb_puts(sb, " more");
        item_close(sb, c);
    }
    if (c->n_total == 0) {
        item_open(sb, c);
        sb_puts(sb, "no single value to show; see why below");
        item_close(sb, c);
    }
}

/* put_inline - "US_SSN ***-**-*789 (quoted reply), ... and 2 more" */
static void put_inline(policy_sb *sb, const notice_ctx *c)
{
    size_t n = c->n_items < NOTICE_MAX_INLINE ? c->n_items : NOTICE_MAX_INLINE;

    for (size_t i = 0; i < n; i++) {
        const decision_item *it = &c->items[i];
        sb_puts(sb, i ? ", " : "");
        sb_puts(sb, pg_entity_name(it->entity));
        sb_puts(sb, " ");
        put(sb, c->form, it->masked);
        sb_puts(sb, it->quoted ? " (quoted reply)" : it->attachment ? " (attachment)" : "");
    }
    if (c->n_total > n) {
        sb_puts(sb, n ? " and " : "");
        sb_putu(sb, c->n_total - n);
        sb_puts(sb, " more");
    }
    if (c->n_total == 0)
        sb_puts(sb, "see the reasons");
}

/* put_summary - "2 US_SSN, 1 CREDIT_CARD" over everything counted */
static void put_summary(policy_sb *sb, const notice_ctx *c)
{
    bool first = true;

    for (int e = 0; e < PG_ENT_COUNT; e++) {
        if (!c->d->counts[e])
            continue;
        sb_puts(sb, first ? "" : ", ");
        sb_putu(sb, c->d->counts[e]);
        sb_puts(sb, " ");
        sb_puts(sb, pg_entity_name((pg_entity)e));
        first = false;
    }
    if (first)
        sb_puts(sb, "nothing");
}

/* put_reasons - every rule that fired with an action, in words */
static void put_reasons(policy_sb *sb, const notice_ctx *c)
{
    for (size_t i = 0; i < c->d->n_rules; i++) {
        const pg_decision_rule *r = &c->d->rules[i];
        if (r->action == PG_ACT_ALLOW)
            continue;
        item_open(sb, c);
        put(sb, c->form, r->id);
        sb_puts(sb, " (");
        sb_puts(sb, pg_action_name(r->action));
        sb_puts(sb, "): ");
        put(sb, c->form, r->reason);
        item_close(sb, c);
    }
}

/* put_consent - the sender's consent claim, answered */
static void put_consent(policy_sb *sb, const notice_ctx *c)
{
    if (!c->d->consent_claimed)
        return;
    sb_puts(sb, "You wrote \"");
    put(sb, c->form, c->d->consent_phrase);
    sb_puts(sb, "\". The customer's consent does not change this rule: customer "
            "PII never leaves in clear text, even when the customer asks for "
            "it or says it is okay.");
}

static void render(policy_sb *sb, const notice_tpl *t, const notice_ctx *c);

/* put_var - one placeholder that depends on the decision (binding at load
 * substituted the others) */
static void put_var(policy_sb *sb, const notice_ctx *c, notice_var v)
{
    const policy_notices *n = &c->p->notices;
    int a = c->d->action - NOTICE_FIRST_ACTION;

    switch (v) {
    case V_FINDINGS: put_findings(sb, c); break;
    case V_FINDINGS_INLINE: put_inline(sb, c); break;
    case V_SUMMARY: put_summary(sb, c); break;
    case V_REASONS: put_reasons(sb, c); break;
    case V_SEVERITY: put(sb, c->form, pg_decision_severity(c->d)); break;
    case V_CONSENT_NOTE: put_consent(sb, c); break;
    case V_BREACH_NOTE:
        if (c->d->breach_notifiable)
            sb_puts(sb, n->breach_note[c->form]);
        break;
    case V_SUGGESTED_REPLY: render(sb, n->reply[a][c->d->channel][c->form], c); break;
    default: assert(!"fixed placeholders are bound at load"); break;
    }
}

/* render - literal runs as bound, placeholders by value; never re-scanned */
static void render(policy_sb *sb, const notice_tpl *t, const notice_ctx *c)
{
    for (size_t i = 0; i < t->n; i++) {
        if (t->pieces[i].lit)
            sb_putn(sb, t->pieces[i].lit, t->pieces[i].len);
        else
            put_var(sb, c, t->pieces[i].var);
    }
}

/* utf8_clip - the longest prefix of at most max bytes that ends on a
 * character boundary */
static size_t utf8_clip(const char *s, size_t len, size_t max)
{
    if (len <= max)
        return len;
    while (max > 0 && ((unsigned char)s[max] & 0xC0) == 0x80)
        max--;
    return max;
}

/* shorten - cut s[len] in place to at most NOTICE_SHORT_LINES non-empty
 * lines of at most NOTICE_SHORT_LINE_MAX bytes, whatever the template
 * produced; the new length. In place is safe: every line is kept whole
 * or cut shorter ("..." included), and at least one line break that
 * preceded it is gone, so what is written never passes what is read. */
static size_t shorten(char *s, size_t len)
{
    size_t in = 0, out = 0;
    unsigned lines = 0;

    while (in < len && lines < NOTICE_SHORT_LINES) {
        size_t n = strcspn(s + in, "\r\n");
        if (n > 0) {
            size_t keep = utf8_clip(s + in, n, NOTICE_SHORT_LINE_MAX);
            if (keep < n)
                keep = utf8_clip(s + in, n, NOTICE_SHORT_LINE_MAX - 3);
            if (lines++)
                s[out++] = '\n';
            memmove(s + out, s + in, keep);
            out += keep;
            if (keep < n) {
                memcpy(s + out, "...", 3);
                out += 3;
            }
        }
        in += n;
        in += strspn(s + in, "\r\n");
    }
    s[out] = '\0';
    return out;
}

/* render_form - one form of the notice into sb, then into d's arena */
static int render_form(pg_decision *d, policy_sb *sb, const notice_ctx *c,
                       notice_form form)
{
    notice_ctx fc = *c;
    int a = c->d->action - NOTICE_FIRST_ACTION;
    size_t len;

    fc.form = form;
    sb_reset(sb);
    render(sb, c->p->notices.tpl[a][c->d->channel][form], &fc);
    if (sb->err)
        return sb->err;
    len = form == FORM_SHORT ? shorten(sb->buf, sb->len) : sb->len;
    d->notice[form] = arena_strndup(&d->arena, sb->buf, len);
    return d->notice[form] ? 0 : PG_ENOMEM;
}

/* notice_render - all three forms, for actions that need a notice. They
 * are rendered in a buffer on the stack (a notice is a few KiB; a longer
 * one moves to the heap) and kept in the decision's arena. */
int notice_render(pg_decision *d, const pg_policy *p, const pg_msg *msg,
                  const decision_item *items, size_t n_items, size_t n_total)
{
    notice_ctx c = {d, p, msg, items, n_items, n_total, FORM_TEXT};
    char buf[NOTICE_STACK_BYTES];
    policy_sb sb;
    int err = 0;

    if (d->action < NOTICE_FIRST_ACTION || d->action > PG_ACT_REJECT)
        return 0;
    sb_init_buf(&sb, buf, sizeof(buf), NOTICE_MAX_OUTPUT, true);
    for (int f = 0; f < FORM_COUNT && err == 0; f++)
        err = render_form(d, &sb, &c, (notice_form)f);
    sb_dispose(&sb);
    return err;
}
