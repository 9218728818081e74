/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * test_html.c - msg_html_to_text(): a table of named HTML inputs and the
 * exact text (and quoted ranges) each must become.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "message/extract.h"

struct html_case {
    const char *name;
    const char *html;
    const char *text;    /* exact expected output */
    const char *quoted;  /* the text of the one quoted range, or NULL */
};

static const struct html_case cases[] = {
    {"script and style dropped",
     "<html><head><style>p{color:red}</style><script>var ssn='1';</script></head>"
     "<body><p>Hello</p><script>alert(2)</script></body></html>",
     "Hello\n", NULL},
    {"alt and title kept",
     "<p>Card <img src=x alt=\"4111 1111 1111 1111\"> on <a title=\"tip\">file</a></p>",
     "Card 4111 1111 1111 1111 on tip file\n", NULL},
    {"entities decoded",
     "<p>SSN&#58;&nbsp;536&#x2D;22&ndash;1234 &amp; &lt;ok&gt; &eacute;</p>",
     "SSN: 536-22\xe2\x80\x93" "1234 & <ok> \xc3\xa9\n", NULL},
    {"blocks become newlines",
     "<div>one</div><p>two</p>three<br>four<h2>five</h2><ul><li>six</li><li>seven</li></ul>",
     "one\ntwo\nthree\nfour\nfive\nsix\nseven\n", NULL},
    {"table cells separated",
     "<table><tr><td>Name</td><td>SSN</td></tr><tr><td>Ann</td><td>536-22-1234</td></tr></table>",
     "Name\tSSN\nAnn\t536-22-1234\n", NULL},
    {"hidden content is content",
     "<p>visible</p><div style=\"display:none\">536-22-1234</div><span hidden>secret</span>",
     "visible\n536-22-1234\nsecret\n", NULL},
    {"digits split across inline tags stay together",
     "<p>123<span>-45-</span>6789 and 4111<b>1111</b><i>1111</i>1111</p>",
     "123-45-6789 and 4111111111111111\n", NULL},
    {"whitespace collapsed, pre kept",
     "<p>a   b\n\t c</p><pre>x   y\nz</pre>",
     "a b c\nx   y\nz\n", NULL},
    {"comments are content",
     "<p>top</p><!-- ssn 536-22-1234 --><!--[if mso]><v:rect/><![endif]-->",
     "top\nssn 536-22-1234\n", NULL},
    {"blockquote is quoted",
     "<p>My reply</p><blockquote>On Monday you wrote:<br>SSN 536-22-1234</blockquote><p>bye</p>",
     "My reply\nOn Monday you wrote:\nSSN 536-22-1234\nbye\n",
     "On Monday you wrote:\nSSN 536-22-1234"},
    {"nested blockquotes are one range",
     "<p>x</p><blockquote>a<blockquote>b</blockquote>c</blockquote>",
     "x\na\nb\nc\n", "a\nb\nc"},
    {"broken markup recovers",
     "<p>unclosed <b>bold <i>both</p><td>cell</tr> 536-22-1234",
     NULL, NULL},
    {"empty input", "", "", NULL},
    {"latin-1 bytes read through the meta charset",
     "<meta charset=\"iso-8859-1\"><p>caf\xe9</p>",
     "caf\xc3\xa9\n", NULL},
};

/* run_case - convert one case and compare */
static void run_case(const struct html_case *c)
{
    char *text;
    size_t len, nq;
    pg_range *q;

    int rc = msg_html_to_text(&text, &len, &q, &nq, c->html, strlen(c->html));
    if (rc != 0)
        fail_msg("%s: rc %d", c->name, rc);
    assert_int_equal(strlen(text), len);
    if (c->text && strcmp(text, c->text) != 0)
        fail_msg("%s: got [%s] want [%s]", c->name, text, c->text);
    if (!c->text && !strstr(text, "536-22-1234"))
        fail_msg("%s: lost the SSN: [%s]", c->name, text);
    if (c->quoted) {
        assert_int_equal(nq, 1);
        size_t qlen = q[0].end - q[0].start;
        if (qlen != strlen(c->quoted) || memcmp(text + q[0].start, c->quoted, qlen))
            fail_msg("%s: quoted [%.*s]", c->name, (int)qlen, text + q[0].start);
    } else {
        assert_int_equal(nq, 0);
    }
    free(text);
    free(q);
}

/* test_cases - every row of the table */
static void test_cases(void **state)
{
    for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++)
        run_case(&cases[i]);
}

/* test_deep_nesting - libxml2 halts past 256 levels: an error, not a
 * silently shortened text */
static void test_deep_nesting(void **state)
{
    size_t n = 5000, len = 0;
    char *html = malloc(n * 5 + 64), *text;
    pg_range *q;
    size_t tl, nq;

    for (size_t i = 0; i < n; i++, len += 5)
        memcpy(html + len, "<div>", 5);
    len += (size_t)sprintf(html + len, "SSN 536-22-1234");
    int rc = msg_html_to_text(&text, &tl, &q, &nq, html, len);
    assert_int_equal(rc, PG_EPARSE);
    assert_null(text);
    free(html);
}

/* test_moderate_nesting - 200 levels still parse and keep the text */
static void test_moderate_nesting(void **state)
{
    size_t n = 200, len = 0;
    char *html = malloc(n * 12 + 64), *text;
    pg_range *q;
    size_t tl, nq;

    for (size_t i = 0; i < n; i++, len += 12)
        memcpy(html + len, "<blockquote>", 12);
    len += (size_t)sprintf(html + len, "SSN 536-22-1234");
    assert_int_equal(msg_html_to_text(&text, &tl, &q, &nq, html, len), 0);
    assert_non_null(strstr(text, "SSN 536-22-1234"));
    assert_int_equal(nq, 1);
    free(text);
    free(q);
    free(html);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_cases),
        cmocka_unit_test(test_deep_nesting),
        cmocka_unit_test(test_moderate_nesting),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
