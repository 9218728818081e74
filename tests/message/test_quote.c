/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * test_quote.c - msg_quote_find(): a table of named texts, each with a
 * phrase that must fall inside a quoted region and one that must not.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "message/quote.h"

struct quote_case {
    const char *name;
    const char *text;
    const char *quoted;   /* must start inside a quoted range, or NULL */
    const char *unquoted; /* must start outside every range, or NULL */
};

static const struct quote_case cases[] = {
    {"'>' lines", "my answer\n> your question\n>> older\nmore\n", "your question", "more"},
    {"'>' after up to three blanks", "a\n   > indented quote\n", "indented quote", "a"},
    {"'>' deeper than three blanks is text", "a\n        > code\n", NULL, "code"},
    {"On ... wrote: quotes the rest",
     "New number below.\n\nOn Mon, 2 Jan 2023 at 09:00, Ann <ann@example.com> wrote:\nold text\n",
     "old text", "New number"},
    {"On ... wrote: wrapped over two lines",
     "Reply.\nOn Mon, 2 Jan 2023 at 09:00, Ann Lee\n<ann.lee@example.com> wrote:\nold text\n",
     "old text", "Reply"},
    {"a line starting 'On' is not an attribution", "On Monday I will call.\nBye\n", NULL, "Bye"},
    {"German attribution", "Antwort\nAm 02.01.2023 um 09:00 schrieb Ann <a@example.com>:\nalt\n",
     "alt", "Antwort"},
    {"French attribution", "Oui\nLe 2 janv. 2023, Ann <a@example.com> a \xC3\xA9" "crit :\nancien\n",
     "ancien", "Oui"},
    {"Outlook reply header",
     "Here it is.\n\nFrom: Support <s@example.com>\nSent: Monday, January 2, 2023 9:00 AM\n"
     "To: Ann\nSubject: RE: card\n\nPlease send your card\n",
     "Please send", "Here it is"},
    {"Outlook bold header from HTML", "Done.\n*From:* Bob\n*Sent:* Monday\n*To:* Ann\n\nold\n",
     "old", "Done"},
    {"a lone From: line is not a reply header", "From: the desk of Ann\nHello\n", NULL, "Hello"},
    {"-----Original Message-----", "ok\n-----Original Message-----\nprevious\n", "previous", "ok"},
    {"CRLF line ends", "answer\r\n> quoted\r\nafter\r\n", "quoted", "after"},
};

/* inside - does the phrase start inside a range? */
static bool inside(const pg_range *r, size_t n, const char *text, const char *phrase)
{
    size_t at = (size_t)(strstr(text, phrase) - text);

    for (size_t i = 0; i < n; i++)
        if (r[i].start <= at && at < r[i].end)
            return true;
    return false;
}

/* test_cases - run the table */
static void test_cases(void **state)
{
    int failed = 0;

    (void)state;
    for (size_t k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
        const struct quote_case *c = &cases[k];
        pg_range *r;
        size_t n;
        assert_int_equal(msg_quote_find(&r, &n, c->text, strlen(c->text)), 0);
        assert_non_null(strstr(c->text, c->quoted ? c->quoted : ""));
        for (size_t i = 1; i < n; i++)
            assert_true(r[i - 1].end < r[i].start); /* sorted, disjoint, merged */
        if ((c->quoted && !inside(r, n, c->text, c->quoted)) ||
            (c->unquoted && inside(r, n, c->text, c->unquoted))) {
            print_error("%s: wrong quoted ranges (%zu)\n", c->name, n);
            failed++;
        }
        free(r);
    }
    assert_int_equal(failed, 0);
}

/* test_merge - blockquote ranges and text rules meet in one sorted list */
static void test_merge(void **state)
{
    const char *t = "top\n> a\nmiddle text\n> b\n";
    pg_range extra[] = {{9, 15}, {0, 2}};
    pg_msg *m;

    (void)state;
    assert_int_equal(pg_msg_from_text(&m, t, strlen(t), "chat"), 0);
    const pg_segment *s = pg_msg_segment(m, 0);
    assert_int_equal(s->n_quoted, 2); /* "> a" line */
    pg_msg_free(m);

    assert_int_equal(pg_msg_from_text(&m, "", 0, "chat"), 0);
    assert_int_equal(pg_msg_segment(m, 0)->n_quoted, 0);
    pg_msg_free(m);

    assert_int_equal(pg_msg_from_text(&m, t, strlen(t), "chat"), 0);
    msg_segment *seg = &m->segs[0];
    free(seg->quoted);
    seg->quoted = NULL;
    seg->n_quoted = seg->cap_quoted = 0;
    assert_int_equal(msg_quote_mark_merge(m, 0, extra, 2), 0);
    s = pg_msg_segment(m, 0);
    for (size_t i = 1; i < s->n_quoted; i++)
        assert_true(s->quoted[i - 1].end < s->quoted[i].start);
    assert_int_equal(s->quoted[0].start, 0);
    pg_msg_free(m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_cases),
        cmocka_unit_test(test_merge),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
