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
 *	Templates are read and compiled once, at policy load, from
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
 *	Invariant: a notice holds only masked values (pg_mask over the
 *	finding's bytes, in the policy's mask style) and segment paths with
 *	digit-bearing tokens masked. The short form is cut to
 *	NOTICE_SHORT_LINES lines of at most NOTICE_SHORT_LINE_MAX bytes
 *	whatever the template says, so it always fits an SMTP reply.
 */
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

/* load_one - compile dir/file if it exists; *out stays NULL if it does not */
static int load_one(pg_policy *p, const char *dir, const char *file,
                    const notice_tpl **out)
{
    char path[4096];
    char *text = NULL;
    size_t len = 0;

    if (snprintf(path, sizeof(path), "%s/%s", dir, file) >= (int)sizeof(path))
        return pg_error_set(PG_EPARSE, "%s: notices.dir path is too long; "
                            "shorten it", p->path);
    int err = read_template(&p->arena, path, &text, &len);
    if (err == PG_ENOTFOUND)
        return 0;
    if (err < 0)
        return err;
    return notice_compile(out, &p->arena, text, len, path, 1);
}

/* load_defaults - default.<ext> for every form; all three are required */
static int load_defaults(pg_policy *p, const char *dir, unsigned line,
                         const notice_tpl *def[FORM_COUNT])
{
    char file[64];
    int err;

    for (int f = 0; f < FORM_COUNT; f++) {
        def[f] = NULL;
        snprintf(file, sizeof(file), "default.%s", form_ext[f]);
        if ((err = load_one(p, dir, file, &def[f])) < 0)
            return err;
        if (!def[f])
            return pg_error_set(PG_EPARSE, "%s:%u: notices.dir %s has no %s; "
                                "every form needs a default (copy it from "
                                "etc/notices)", p->path, line, dir, file);
    }
    return 0;
}

/* load_action - <action>.<ext> then <action>.<channel>.<ext> */
static int load_action(pg_policy *p, const char *dir, int a,
                       const notice_tpl *def[FORM_COUNT])
{
    const char *an = pg_action_name((pg_action)(NOTICE_FIRST_ACTION + a));
    char file[64];
    int err;

    for (int f = 0; f < FORM_COUNT; f++) {
        const notice_tpl *base = NULL;
        snprintf(file, sizeof(file), "%s.%s", an, form_ext[f]);
        if ((err = load_one(p, dir, file, &base)) < 0)
            return err;
        for (int ch = 0; ch < NOTICE_CHANNELS; ch++) {
            const notice_tpl *t = NULL;
            snprintf(file, sizeof(file), "%s.%s.%s", an,
                     pg_channel_name((pg_channel)ch), form_ext[f]);
            if ((err = load_one(p, dir, file, &t)) < 0)
                return err;
            p->notices.tpl[a][ch][f] = t ? t : base ? base : def[f];
        }
    }
    return 0;
}

/* resolve_dir - notices.dir relative to the policy file; must exist */
static int resolve_dir(pg_policy *p, const char *dir, unsigned line, char **out)
{
    struct stat st;
    size_t n = strlen(p->dir) + strlen(dir) + 2;
    char *path = arena_alloc(&p->arena, n);

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
static int use_builtin(pg_policy *p)
{
    static const char *const text[FORM_COUNT] = {builtin_short, builtin_text, builtin_html};
    const notice_tpl *t[FORM_COUNT];
    int err;

    for (int f = 0; f < FORM_COUNT; f++)
        if ((err = notice_compile(&t[f], &p->arena, text[f], strlen(text[f]),
                                  "built-in notice", 1)) < 0)
            return err;
    for (int a = 0; a < NOTICE_ACTIONS; a++)
        for (int ch = 0; ch < NOTICE_CHANNELS; ch++)
            for (int f = 0; f < FORM_COUNT; f++)
                p->notices.tpl[a][ch][f] = t[f];
    return 0;
}

/* notice_load - compile every template the policy can need */
int notice_load(pg_policy *p, const char *dir, unsigned line,
                const char *suggested_reply, unsigned reply_line)
{
    const notice_tpl *def[FORM_COUNT];
    const char *reply = suggested_reply ? suggested_reply : builtin_reply;
    char *path = NULL;
    int err;

    err = notice_compile(&p->notices.suggested_reply, &p->arena, reply,
                         strlen(reply), p->path, reply_line);
    if (err < 0 || !dir)
        return err < 0 ? err : use_builtin(p);
    if ((err = resolve_dir(p, dir, line, &path)) < 0 ||
        (err = load_defaults(p, path, line, def)) < 0)
        return err;
    for (int a = 0; a < NOTICE_ACTIONS; a++)
        if ((err = load_action(p, path, a, def)) < 0)
            return err;
    return 0;
}

/* What one rendering needs. */
typedef struct notice_ctx {
    const pg_decision *d;
    const pg_policy *p;
    const pg_msg *msg;
    const decision_item *items;
    size_t n_items, n_total;
    notice_form form;
    bool in_reply; /* rendering the suggested reply: no nesting */
} notice_ctx;

/* put - a value: escaped for HTML, cleaned of control bytes otherwise */
static void put(policy_sb *sb, const notice_ctx *c, const char *s)
{
    size_t n = strnlen(s, POLICY_MAX_STRING);

    if (c->form == FORM_HTML)
        sb_put_html(sb, s, n);
    else
        sb_put_clean(sb, s, n);
}

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
        put(sb, c, pg_entity_name(c->items[i].entity));
        sb_puts(sb, " ");
        put(sb, c, c->items[i].masked);
        sb_puts(sb, " in ");
        put_where(sb, c, &c->items[i]);
        item_close(sb, c);
    }
    if (c->n_total > c->n_items) {
        item_open(sb, c);
        sb_printf(sb, "and %zu more", c->n_total - c->n_items);
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
        sb_printf(sb, "%s%s ", i ? ", " : "", pg_entity_name(it->entity));
        put(sb, c, it->masked);
        sb_puts(sb, it->quoted ? " (quoted reply)" : it->attachment ? " (attachment)" : "");
    }
    if (c->n_total > n)
        sb_printf(sb, "%s%zu more", n ? " and " : "", c->n_total - n);
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
        sb_printf(sb, "%s%u %s", first ? "" : ", ", c->d->counts[e],
                  pg_entity_name((pg_entity)e));
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
        put(sb, c, r->id);
        sb_printf(sb, " (%s): ", pg_action_name(r->action));
        put(sb, c, r->reason);
        item_close(sb, c);
    }
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

/* put_consent - the sender's consent claim, answered */
static void put_consent(policy_sb *sb, const notice_ctx *c)
{
    if (!c->d->consent_claimed)
        return;
    sb_puts(sb, "You wrote \"");
    put(sb, c, c->d->consent_phrase);
    sb_puts(sb, "\". The customer's consent does not change this rule: customer "
            "PII never leaves in clear text, even when the customer asks for "
            "it or says it is okay.");
}

static void render(policy_sb *sb, const notice_tpl *t, const notice_ctx *c);

/* put_var - one placeholder's value */
static void put_var(policy_sb *sb, const notice_ctx *c, notice_var v)
{
    const policy_notices *n = &c->p->notices;

    switch (v) {
    case V_ACTION: put(sb, c, pg_action_name(c->d->action)); break;
    case V_VERDICT: put(sb, c, verdict(c->d->action)); break;
    case V_CHANNEL: put(sb, c, c->d->channel == PG_CHAN_SMS ? "SMS"
                          : pg_channel_name(c->d->channel)); break;
    case V_FINDINGS: put_findings(sb, c); break;
    case V_FINDINGS_INLINE: put_inline(sb, c); break;
    case V_SUMMARY: put_summary(sb, c); break;
    case V_REASONS: put_reasons(sb, c); break;
    case V_SEVERITY: put(sb, c, pg_decision_severity(c->d)); break;
    case V_CONSENT_NOTE: put_consent(sb, c); break;
    case V_BREACH_NOTE:
        if (c->d->breach_notifiable)
            put(sb, c, "A name together with a government ID or account number "
                "is personal information under US state breach-notification "
                "laws: had it leaked, the customer would have to be notified.");
        break;
    case V_SECURE_CHANNEL: put(sb, c, n->secure_name ? n->secure_name : "secure message portal"); break;
    case V_SECURE_URL: put(sb, c, n->secure_url ? n->secure_url : "ask IT for the secure channel"); break;
    case V_POLICY_URL: put(sb, c, n->policy_url ? n->policy_url : "ask your compliance team"); break;
    case V_ORGANISATION: put(sb, c, n->organisation ? n->organisation : "the company"); break;
    case V_SUGGESTED_REPLY:
        if (!c->in_reply) {
            notice_ctx inner = *c;
            inner.in_reply = true;
            render(sb, n->suggested_reply, &inner);
        }
        break;
    case V_COUNT: break;
    }
}

/* render - literals as written, placeholders by value; never re-scanned */
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

/* shorten - at most NOTICE_SHORT_LINES non-empty lines of at most
 * NOTICE_SHORT_LINE_MAX bytes, whatever the template produced */
static char *shorten(const char *s, int *err)
{
    policy_sb sb;
    unsigned lines = 0;

    sb_init(&sb, NOTICE_SHORT_LINES * (NOTICE_SHORT_LINE_MAX + 1), true);
    while (*s && lines < NOTICE_SHORT_LINES) {
        size_t len = strcspn(s, "\r\n");
        if (len > 0) {
            size_t keep = utf8_clip(s, len, NOTICE_SHORT_LINE_MAX);
            if (keep < len)
                keep = utf8_clip(s, len, NOTICE_SHORT_LINE_MAX - 3);
            sb_puts(&sb, lines ? "\n" : "");
            sb_putn(&sb, s, keep);
            sb_puts(&sb, keep < len ? "..." : "");
            lines++;
        }
        s += len;
        s += strspn(s, "\r\n");
    }
    return sb_finish(&sb, err);
}

/* render_form - one form of the notice for the decision's action */
static char *render_form(const notice_ctx *c, notice_form form, int *err)
{
    notice_ctx fc = *c;
    policy_sb sb;
    int a = c->d->action - NOTICE_FIRST_ACTION;

    fc.form = form;
    sb_init(&sb, NOTICE_MAX_OUTPUT, true);
    render(&sb, c->p->notices.tpl[a][c->d->channel][form], &fc);
    char *s = sb_finish(&sb, err);
    if (!s || form != FORM_SHORT)
        return s;
    char *shortened = shorten(s, err);
    free(s);
    return shortened;
}

/* notice_render - all three forms, for actions that need a notice */
int notice_render(pg_decision *d, const pg_policy *p, const pg_msg *msg,
                  const decision_item *items, size_t n_items, size_t n_total)
{
    notice_ctx c = {d, p, msg, items, n_items, n_total, FORM_TEXT, false};
    int err = 0;

    if (d->action < NOTICE_FIRST_ACTION || d->action > PG_ACT_REJECT)
        return 0;
    if (!(d->notice_short = render_form(&c, FORM_SHORT, &err)) ||
        !(d->notice_text = render_form(&c, FORM_TEXT, &err)) ||
        !(d->notice_html = render_form(&c, FORM_HTML, &err)))
        return err ? err : PG_ENOMEM;
    return 0;
}
