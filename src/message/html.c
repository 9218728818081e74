/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * html.c - HTML to the text a reader sees, and a little more.
 *
 * libxml2's HTML parser (recovering, no network) builds the tree; we walk it
 * without recursion, following parent pointers, and write text:
 *   - script and style are dropped; everything else is content, hidden or
 *     not (display:none, the hidden attribute, comments): a DLP scanner reads
 *     what the recipient's software can read, not what a browser paints;
 *   - alt, title and aria-label attributes, and input values, are text;
 *   - block elements (p, div, li, tr, h1-h6, blockquote, ...) and br end a
 *     line; table cells are separated by a tab;
 *   - inline elements add nothing, so "123<span>-45-</span>6789" stays one
 *     token; runs of whitespace and no-break spaces become one space, except
 *     inside pre.
 * Blockquote content is reported as quoted byte ranges of the output.
 *
 * Limits: input up to INT_MAX bytes (libxml2 takes an int); the tree is at
 * most 256 deep because libxml2 halts deeper documents, and a halted parse is
 * PG_EPARSE rather than a silently shortened text. The walk keeps its own
 * depth count as a second wall. Output is at most about twice the input.
 */
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/HTMLparser.h>
#include <libxml/tree.h>

#include "message/extract_int.h"
#include "message/html5.h"

/* libxml2 stops at 256; anything deeper here means the tree is corrupt. */
#define HTML_MAX_DEPTH 512

enum html_role { ROLE_INLINE, ROLE_BLOCK, ROLE_CELL, ROLE_BREAK, ROLE_SKIP };

struct html_walk {
    msg_sb out;
    pg_range *q;
    size_t nq, capq;
    unsigned quote_depth;
    size_t quote_start;
    unsigned pre;
};

static const char *const html_blocks[] = {
    "address", "article", "aside", "blockquote", "caption", "center", "dd",
    "details", "dialog", "div", "dl", "dt", "fieldset", "figcaption",
    "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header",
    "hr", "li", "main", "nav", "ol", "option", "p", "pre", "section",
    "summary", "table", "tbody", "tfoot", "thead", "title", "tr", "ul",
    "legend", "textarea", "body", "html", "head", "frameset", "noscript"};

static const char *const html_text_attrs[] = {"alt", "title", "aria-label"};

/* html_role - how an element shapes the text around it */
static enum html_role html_role(const char *name)
{
    if (!strcmp(name, "script") || !strcmp(name, "style"))
        return ROLE_SKIP;
    if (!strcmp(name, "td") || !strcmp(name, "th"))
        return ROLE_CELL;
    if (!strcmp(name, "br"))
        return ROLE_BREAK;
    for (size_t i = 0; i < sizeof(html_blocks) / sizeof(*html_blocks); i++)
        if (!strcmp(name, html_blocks[i]))
            return ROLE_BLOCK;
    return ROLE_INLINE;
}

/* put_collapsed - append text, whitespace runs (and U+00A0) as one space */
static void put_collapsed(struct html_walk *w, const char *s)
{
    msg_sb *b = &w->out;

    while (*s && !b->err) {
        size_t ws = 0;
        for (;;) {
            if (s[ws] == ' ' || s[ws] == '\t' || s[ws] == '\n' ||
                s[ws] == '\r' || s[ws] == '\f')
                ws++;
            else if ((unsigned char)s[ws] == 0xC2 && (unsigned char)s[ws + 1] == 0xA0)
                ws += 2;
            else
                break;
        }
        if (ws) {
            char last = b->len ? b->p[b->len - 1] : '\n';
            if (last != ' ' && last != '\n' && last != '\t')
                msg_sb_putc(b, ' ');
            s += ws;
            continue;
        }
        char u[4];
        size_t ul, k = *s == '&' ? msg_html5_ref(s, u, &ul) : 0;
        if (k) {                     /* an HTML5 name libxml2 left as text */
            msg_sb_put(b, u, ul);
            s += k;
            continue;
        }
        size_t run = strcspn(s, " \t\n\r\f\xC2&");
        msg_sb_put(b, s, run ? run : 1);
        s += run ? run : 1;
    }
}

/* put_pre - text inside pre: verbatim but for HTML5 names (html5.c) */
static void put_pre(struct html_walk *w, const char *s)
{
    char u[4];
    size_t ul, k;

    while (*s) {
        size_t run = strcspn(s + 1, "&") + 1;
        if (*s == '&' && (k = msg_html5_ref(s, u, &ul)) > 0) {
            msg_sb_put(&w->out, u, ul);
            run = k;
        } else {
            msg_sb_put(&w->out, s, run);
        }
        s += run;
    }
}

/* put_text - a text node: collapsed, or verbatim inside pre */
static void put_text(struct html_walk *w, const char *s)
{
    if (w->pre)
        put_pre(w, s);
    else
        put_collapsed(w, s);
}

/* put_attr - an attribute that carries text, set off by spaces */
static void put_attr(struct html_walk *w, xmlNodePtr n, const char *name)
{
    xmlChar *v = xmlGetNoNsProp(n, (const xmlChar *)name);

    if (!v)
        return;
    put_collapsed(w, " ");
    put_collapsed(w, (const char *)v);
    put_collapsed(w, " ");
    xmlFree(v);
}

/* quote_open - a blockquote begins; only the outermost one opens a range */
static void quote_open(struct html_walk *w)
{
    if (w->quote_depth++ == 0)
        w->quote_start = w->out.len;
}

/* quote_close - the outermost blockquote ends: record its range */
static void quote_close(struct html_walk *w)
{
    if (w->quote_depth == 0 || --w->quote_depth > 0)
        return;
    if (w->out.len <= w->quote_start || w->out.err)
        return;
    if (w->nq == w->capq) {
        size_t ncap = w->capq ? w->capq * 2 : 4;
        pg_range *q = realloc(w->q, ncap * sizeof(*q));
        if (!q) {
            w->out.err = PG_ENOMEM;
            return;
        }
        w->q = q;
        w->capq = ncap;
    }
    w->q[w->nq++] = (pg_range){w->quote_start, w->out.len};
}

/* is_conditional - an Outlook "[if mso]" comment holds markup, not prose */
static bool is_conditional(const char *c)
{
    c += strspn(c, " \t\r\n");
    return !strncmp(c, "[if", 3) || !strncmp(c, "[endif", 6) || !strncmp(c, "<![endif", 8);
}

/* enter_element - text an element contributes on the way in; false when
 * its children are not content (script, style) */
static bool enter_element(struct html_walk *w, xmlNodePtr n)
{
    const char *name = (const char *)n->name;
    enum html_role role = html_role(name);

    if (role == ROLE_SKIP)
        return false;
    if (role == ROLE_BLOCK)
        msg_sb_break(&w->out, '\n');
    else if (role == ROLE_CELL)
        msg_sb_break(&w->out, '\t');
    else if (role == ROLE_BREAK)
        msg_sb_putc(&w->out, '\n');
    for (size_t i = 0; i < sizeof(html_text_attrs) / sizeof(*html_text_attrs); i++)
        put_attr(w, n, html_text_attrs[i]);
    if (!strcmp(name, "input"))
        put_attr(w, n, "value");
    if (!strcmp(name, "pre") || !strcmp(name, "textarea"))
        w->pre++;
    if (!strcmp(name, "blockquote"))
        quote_open(w);
    return true;
}

/* leave_element - close what enter_element opened */
static void leave_element(void *payload, xmlNodePtr n)
{
    struct html_walk *w = payload;
    const char *name = (const char *)n->name;
    enum html_role role = html_role(name);

    if (!strcmp(name, "blockquote"))
        quote_close(w);
    if ((!strcmp(name, "pre") || !strcmp(name, "textarea")) && w->pre)
        w->pre--;
    if (role == ROLE_BLOCK)
        msg_sb_break(&w->out, '\n');
}

/* enter - one node on the way down; true to descend into its children */
static bool enter(void *payload, xmlNodePtr n)
{
    struct html_walk *w = payload;

    switch (n->type) {
    case XML_ELEMENT_NODE:
        return enter_element(w, n);
    case XML_TEXT_NODE:
    case XML_CDATA_SECTION_NODE:
        if (n->content)
            put_text(w, (const char *)n->content);
        return false;
    case XML_COMMENT_NODE:
        if (n->content && !is_conditional((const char *)n->content)) {
            msg_sb_break(&w->out, '\n');
            put_collapsed(w, (const char *)n->content);
            msg_sb_break(&w->out, '\n');
        }
        return false;
    default:
        return false;
    }
}

/* msg_xml_walk - depth-first over a tree from first, without recursion */
int msg_xml_walk(xmlNodePtr first, bool (*enter_fn)(void *, xmlNodePtr),
                 void (*leave_fn)(void *, xmlNodePtr), void *payload,
                 const int *stop, unsigned max_depth)
{
    xmlNodePtr n = first;
    unsigned depth = 0;

    while (n && !*stop) {
        if (enter_fn(payload, n) && n->children) {
            if (++depth > max_depth)
                return PG_EPARSE;
            n = n->children;
            continue;
        }
        if (n->type == XML_ELEMENT_NODE)
            leave_fn(payload, n);
        while (!n->next && depth > 0) {
            n = n->parent;
            depth--;
            leave_fn(payload, n);
        }
        n = n->next;
    }
    return 0;
}

/* html_parse - the tree, or why there is none; *doc is freed by the caller */
static int html_parse(htmlDocPtr *doc, const char *html, size_t len)
{
    int opts = HTML_PARSE_RECOVER | HTML_PARSE_NONET | HTML_PARSE_NOERROR |
               HTML_PARSE_NOWARNING | HTML_PARSE_NODEFDTD | HTML_PARSE_NOIMPLIED;
    const char *enc = NULL;
    htmlParserCtxtPtr ctxt = htmlNewParserCtxt();

    if (!ctxt)
        return PG_ENOMEM;
    /* Valid UTF-8 is UTF-8 whatever a stale meta tag claims: the walker
     * may already have converted the part. */
    if (msg_utf8_valid((const unsigned char *)html, len)) {
        enc = "UTF-8";
        opts |= HTML_PARSE_IGNORE_ENC;
    }
    *doc = htmlCtxtReadMemory(ctxt, html, (int)len, NULL, enc, opts);
    int rc = 0;
    if (ctxt->errNo == XML_ERR_NO_MEMORY)
        rc = PG_ENOMEM;
    else if (!*doc || ctxt->disableSAX)
        rc = pg_error_set(PG_EPARSE, "html: parser halted (nesting over 256?)");
    htmlFreeParserCtxt(ctxt);
    return rc;
}

/* msg_html_to_text - the text of an HTML document, with blockquote ranges */
int msg_html_to_text(char **out, size_t *out_len, pg_range **quoted,
                     size_t *n_quoted, const char *html, size_t len)
{
    struct html_walk w = {0};
    htmlDocPtr doc = NULL;

    *out = NULL;
    *out_len = 0;
    *quoted = NULL;
    *n_quoted = 0;
    if (len >= INT_MAX)
        return pg_error_set(PG_ETOOBIG, "html: %zu bytes", len);
    msg_sb_init(&w.out, SIZE_MAX / 2);
    int rc = len ? html_parse(&doc, html, len) : 0;
    if (rc == 0 && doc)
        rc = msg_xml_walk(doc->children, enter, leave_element, &w, &w.out.err,
                          HTML_MAX_DEPTH);
    while (rc == 0 && w.quote_depth)
        quote_close(&w);
    rc = rc ? rc : w.out.err;
    if (rc == 0 && !w.out.p)
        rc = (w.out.p = calloc(1, 1)) ? 0 : PG_ENOMEM;
    xmlFreeDoc(doc);
    if (rc < 0) {
        msg_sb_free(&w.out);
        free(w.q);
        return rc;
    }
    *out = w.out.p;
    *out_len = w.out.len;
    *quoted = w.q;
    *n_quoted = w.nq;
    return 0;
}
