/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	recog_phone - telephone numbers, judged as libphonenumber would
 * SUMMARY
 *	void recog_phone(scan_ctx *ctx, const cluster *c);
 * DESCRIPTION
 *	Every run of digit groups in a cluster (groups a..b, an "x123"
 *	extension allowed on the last) is a candidate, judged by its shape,
 *	strongest first:
 *
 *	  "+CC ..."       an assigned ITU country code and a national number
 *	                  of a length that country uses (table below), or
 *	                  a toll-free / premium number (800, 1800, 0800,
 *	                  900, ...); a "(0)" trunk group is dropped before
 *	                  counting;                                       0.75
 *	  "00CC", "011CC" the same after an international dialling prefix;
 *	                  only at the start of a cluster;                 0.65
 *	  NANP            (NPA) NXX-XXXX, optionally after "1", with the
 *	                  numbering plan's digit rules, written in groups; 0.7
 *	  trunk national  "0" and 6-11 more digits in two or more groups
 *	                  (020 7946 0958, 06 12 34 56 78, (08) 8747 6301); 0.6
 *	  weak national   7-12 digits in groups of 2-7 that start no longer
 *	                  than four digits, and bare NANP digits: these
 *	                  are order numbers, street numbers and amounts as
 *	                  often as phones, so they count only with a phone
 *	                  word near (phone_words below);                  0.55
 *	  labelled run    8-12 bare digits right after a phone label
 *	                  ("Phone: 5321234567", "Cep no: 05321234567");   0.55
 *
 *	Never a phone, whatever the shape (libphonenumber's matcher rejects
 *	the same): a candidate holding a slash date (3/10/1984, 10/12/82) or
 *	a dashed or dotted date with a four-digit year (1970-09-24,
 *	24.09.1970), one followed by ":" and a digit (the hour of a time
 *	stamp), one after a currency sign or "#", and a weak one followed on
 *	the same line by a capitalised word (a street number: "2437 Main St").
 *	A candidate glued by "-" or "." to a neighbouring digit group is part
 *	of a longer number and is not judged alone.
 *
 *	What libphonenumber does and piiguard does not: per-region validity
 *	(number ranges by type). Only the national-number lengths of each
 *	country code are kept, so a number one digit off a valid one is still
 *	"possible" here, which for leak prevention is the safer side.
 */
#include <stdlib.h>
#include <string.h>

#include "engine/engine_internal.h"

#define PH_MAX_DIGITS 17
#define PH_PLUS 0.75f
#define PH_IDD 0.65f
#define PH_NANP 0.7f
#define PH_TRUNK 0.6f
#define PH_WEAK 0.55f
#define PH_LABELLED 0.56f  /* a bare run: a phone only right after a label */

/* Words that make a weak shape a phone: the engine's phone context words
 * plus the labels phone fields and messages use. */
static const char *const phone_words[] = {"phone", "telephone", "tel", "cell",
    "mobile", "call", "fax", "contact", "sms", "whatsapp", "desk", "office",
    "landline", "reach", "text", "message", "messages", "answering", "ring",
    "dial", "mob", "ph", "home", "work", "cellphone", "telefon", "telefono",
    "teléfono", "telefone", "telepono", "téléphone", "portable", "handy", "cep",
    "gsm", "mobil", "móvil", "celular", "tlf", "puhelin", NULL};

/* Labels that name the number right after them ("Phone: 5321234567"):
 * with one, even a single run of digits is read as a phone. */
static const char *const phone_labels[] = {"phone", "tel", "telephone", "mobile",
    "cell", "fax", "telefon", "telefono", "teléfono", "telefone", "telepono",
    "téléphone", "cep", "gsm", "mob", "handy", "celular", "whatsapp", NULL};

/* One country calling code and the lengths of its national numbers. */
struct cc_len {
    unsigned short cc;
    unsigned char min, max;
};

/* Assigned country codes (ITU-T E.164) with their national significant
 * number lengths, sorted by code. Codes not listed are not assigned. */
static const struct cc_len cc_table[] = {
    {1, 10, 10}, {7, 10, 10}, {20, 8, 10}, {27, 9, 9}, {30, 10, 10}, {31, 5, 10},
    {32, 8, 9}, {33, 9, 9}, {34, 9, 9}, {36, 8, 9}, {39, 6, 11}, {40, 9, 9},
    {41, 9, 9}, {43, 4, 13}, {44, 7, 10}, {45, 8, 8}, {46, 7, 10}, {47, 5, 8},
    {48, 9, 9}, {49, 6, 13}, {51, 8, 9}, {52, 10, 10}, {53, 8, 10}, {54, 10, 11},
    {55, 8, 11}, {56, 9, 10}, {57, 8, 10}, {58, 10, 10}, {60, 8, 10}, {61, 9, 10},
    {62, 8, 12}, {63, 8, 10}, {64, 8, 10}, {65, 8, 8}, {66, 8, 9}, {81, 9, 10},
    {82, 8, 10}, {84, 7, 10}, {86, 10, 11}, {90, 7, 10}, {91, 10, 13}, {92, 9, 11},
    {93, 9, 9}, {94, 9, 9}, {95, 7, 10}, {98, 10, 10},
    {211, 9, 9}, {212, 9, 9}, {213, 8, 9}, {216, 8, 8}, {218, 8, 9}, {220, 7, 7},
    {221, 9, 9}, {222, 8, 8}, {223, 8, 8}, {224, 8, 9}, {225, 10, 10}, {226, 8, 8},
    {227, 8, 8}, {228, 8, 8}, {229, 8, 10}, {230, 7, 8}, {231, 7, 9}, {232, 8, 8},
    {233, 9, 9}, {234, 8, 10}, {235, 8, 8}, {236, 8, 8}, {237, 8, 9}, {238, 7, 7},
    {239, 7, 7}, {240, 9, 9}, {241, 7, 8}, {242, 9, 9}, {243, 7, 9}, {244, 9, 9},
    {245, 7, 9}, {246, 7, 7}, {247, 5, 6}, {248, 7, 7}, {249, 9, 9}, {250, 9, 9},
    {251, 9, 9}, {252, 7, 9}, {253, 8, 8}, {254, 9, 10}, {255, 9, 9}, {256, 9, 9},
    {257, 8, 8}, {258, 8, 9}, {260, 9, 9}, {261, 9, 9}, {262, 9, 9}, {263, 5, 10},
    {264, 8, 10}, {265, 7, 9}, {266, 8, 8}, {267, 7, 8}, {268, 8, 8}, {269, 7, 7},
    {290, 4, 5}, {291, 7, 7}, {297, 7, 7}, {298, 6, 6}, {299, 6, 6}, {350, 8, 8},
    {351, 9, 9}, {352, 4, 11}, {353, 7, 10}, {354, 7, 9}, {355, 8, 9}, {356, 8, 8},
    {357, 8, 8}, {358, 5, 12}, {359, 7, 9}, {370, 8, 8}, {371, 8, 8}, {372, 7, 8},
    {373, 8, 8}, {374, 8, 8}, {375, 9, 10}, {376, 6, 9}, {377, 8, 9}, {378, 6, 10},
    {380, 9, 9}, {381, 8, 12}, {382, 8, 9}, {383, 8, 9}, {385, 6, 9}, {386, 8, 8},
    {387, 8, 9}, {389, 8, 8}, {420, 9, 9}, {421, 7, 9}, {423, 7, 9}, {500, 5, 5},
    {501, 7, 7}, {502, 8, 8}, {503, 8, 8}, {504, 8, 8}, {505, 8, 8}, {506, 8, 8},
    {507, 7, 8}, {508, 6, 6}, {509, 8, 8}, {590, 9, 9}, {591, 8, 8}, {592, 7, 7},
    {593, 8, 9}, {594, 9, 9}, {595, 9, 9}, {596, 9, 9}, {597, 6, 7}, {598, 8, 8},
    {599, 7, 8}, {670, 7, 8}, {672, 6, 6}, {673, 7, 7}, {674, 7, 7}, {675, 7, 8},
    {676, 5, 7}, {677, 5, 7}, {678, 5, 7}, {679, 7, 7}, {680, 7, 7}, {681, 6, 6},
    {682, 5, 5}, {683, 4, 7}, {685, 5, 7}, {686, 5, 8}, {687, 6, 6}, {688, 5, 6},
    {689, 6, 8}, {690, 4, 4}, {691, 7, 7}, {692, 7, 7}, {850, 8, 10}, {852, 8, 8},
    {853, 8, 8}, {855, 8, 9}, {856, 8, 10}, {880, 8, 10}, {886, 8, 10}, {960, 7, 7},
    {961, 7, 8}, {962, 8, 9}, {963, 8, 9}, {964, 8, 10}, {965, 7, 8}, {966, 9, 9},
    {967, 7, 9}, {968, 8, 8}, {970, 8, 9}, {971, 8, 9}, {972, 8, 10}, {973, 8, 8},
    {974, 7, 8}, {975, 7, 8}, {976, 8, 8}, {977, 8, 10}, {992, 9, 9}, {993, 8, 8},
    {994, 9, 9}, {995, 9, 9}, {996, 9, 9}, {998, 9, 9},
};

/* One candidate: groups a..b of a cluster, as digits. */
typedef struct phone {
    char d[PH_MAX_DIGITS + 1];
    size_t n;
    int a, b;
    size_t start, end;          /* bytes, '+' / '(' / extension included */
    uint8_t glen[CLUSTER_MAX_GROUPS];
    int ng;
    bool trunk_group;           /* a "(0)" group was seen (and dropped) */
} phone;

/* by_cc - bsearch comparator over cc_table */
static int by_cc(const void *k, const void *e)
{
    return (int)*(const unsigned short *)k - (int)((const struct cc_len *)e)->cc;
}

/* country_of - the table entry of the country code d starts with */
static const struct cc_len *country_of(const char *d, size_t n, int *cclen)
{
    unsigned short cc = 0;

    for (int l = 1; l <= 3 && (size_t)l < n; l++) {
        cc = (unsigned short)(cc * 10 + (unsigned)(d[l - 1] - '0'));
        const struct cc_len *e = bsearch(&cc, cc_table, sizeof cc_table / sizeof cc_table[0],
                                         sizeof cc_table[0], by_cc);
        if (e) {
            *cclen = l;
            return e;
        }
    }
    return NULL;
}

/* nanp_ok - NPA-NXX-XXXX: NPA and NXX start 2-9 and are not N11 */
static bool nanp_ok(const char *d)
{
    if (d[0] < '2' || d[3] < '2')
        return false;
    if (d[1] == '1' && d[2] == '1')
        return false;
    return !(d[4] == '1' && d[5] == '1');
}

/* service_number - a toll-free or premium-rate prefix ("800", "1800",
 * "0800", "900", "1900"): such numbers keep lengths of their own in most
 * numbering plans, outside the range of ordinary numbers */
static bool service_number(const char *nsn, size_t len)
{
    const char *p = nsn + (nsn[0] == '0' || nsn[0] == '1');

    return len >= 6 && len <= 13 && (p[0] == '8' || p[0] == '9') && p[1] == '0' &&
           (p[2] == '0' || p[2] == '8');
}

/* leading_zero - does the country keep a 0 in its national numbers
 * (Italy; San Marino; Côte d'Ivoire, Gabon and Congo since their
 * renumbering)? Elsewhere a 0 after the country code is a trunk prefix
 * written by mistake, or no phone at all. */
static bool leading_zero(unsigned cc)
{
    return cc == 39 || cc == 378 || cc == 225 || cc == 241 || cc == 242;
}

/* international_ok - after '+' or an IDD prefix: a country and a length
 * it uses (or a service number); the national number starts 1-9 except
 * where leading_zero() says and before a service prefix */
static bool international_ok(const char *d, size_t n)
{
    int cl = 0;
    const struct cc_len *e = country_of(d, n, &cl);

    if (!e || n > 15)
        return false;
    size_t nsn = n - (size_t)cl;
    if (e->cc != 1 && service_number(d + cl, nsn))
        return true;
    if (nsn < e->min || nsn > e->max)
        return false;
    if (e->cc == 1)
        return nanp_ok(d + 1);
    return d[cl] != '0' || leading_zero(e->cc);
}

/* ext_digits - digits before an "x123" extension in group g, or 0 */
static size_t ext_digits(const scan_ctx *ctx, const group *g)
{
    const char *s = ctx->s + g->start;
    size_t len = g->end - g->start, k = 0;

    if (g->nalpha != 1 || g->ndigit + 1u != len)
        return 0;
    while (k < len && is_digit((unsigned char)s[k]))
        k++;
    return k >= 2 && k + 1 < len && (s[k] == 'x' || s[k] == 'X') ? k : 0;
}

/* glued_to - is group k joined to its neighbour by one '-' or '.'? */
static bool glued_to(const group *g)
{
    return g->ndigit > 0 && g->nsep_before == 1 && (g->sep_before == '-' || g->sep_before == '.');
}

/* num_of - value of a short digit run */
static unsigned num_of(const char *s, size_t n)
{
    unsigned v = 0;

    for (size_t i = 0; i < n; i++)
        v = v * 10 + (unsigned)(s[i] - '0');
    return v;
}

/* day_month - could these two short numbers be day and month? */
static bool day_month(unsigned x, unsigned y)
{
    return x >= 1 && y >= 1 && ((x <= 31 && y <= 12) || (x <= 12 && y <= 31));
}

/* date_at - do groups k..k+2 of the cluster read as a date? */
static bool date_at(const scan_ctx *ctx, const cluster *c, int k)
{
    const group *g = &c->g[k];
    unsigned l[3];
    char sep = g[1].sep_before;

    for (int i = 0; i < 3; i++) {
        l[i] = g[i].end - g[i].start;
        if (g[i].ndigit != l[i] || (i && (g[i].nsep_before != 1 || g[i].sep_before != sep)))
            return false;
    }
    if (sep != '/' && sep != '-' && sep != '.')
        return false;
    const char *s = ctx->s;
    if (l[0] == 4 && l[1] <= 2 && l[2] <= 2) /* 1970-09-24 */
        return day_month(num_of(s + g[2].start, l[2]), num_of(s + g[1].start, l[1]));
    bool year4 = l[2] == 4, year2 = l[2] == 2 && sep == '/';
    return l[0] <= 2 && l[1] <= 2 && (year4 || year2) &&
           day_month(num_of(s + g[0].start, l[0]), num_of(s + g[1].start, l[1]));
}

/* has_date - does any date lie within groups a..b? */
static bool has_date(const scan_ctx *ctx, const cluster *c, int a, int b)
{
    for (int k = a; k + 2 <= b; k++)
        if (date_at(ctx, c, k))
            return true;
    return false;
}

/* grouped_nanp - 3-3-4, (3) 3-4, 1-3-3-4 or 3-7 ("415-6667777") */
static bool grouped_nanp(const phone *p)
{
    const uint8_t *g = p->glen;
    int k = p->ng == 4 && g[0] == 1 ? 1 : 0;

    if (p->ng - k == 3)
        return g[k] == 3 && g[k + 1] == 3 && g[k + 2] == 4;
    return p->ng - k == 2 && g[k] == 3 && g[k + 1] == 7;
}

/* weak_grouping - groups of 2-7 digits, the first no longer than four,
 * and not the 3-2-4 of a US SSN */
static bool weak_grouping(const phone *p)
{
    if (p->ng < 2 || p->glen[0] > 4)
        return false;
    if (p->ng == 3 && p->glen[0] == 3 && p->glen[1] == 2 && p->glen[2] == 4)
        return false;
    for (int k = 0; k < p->ng; k++)
        if (p->glen[k] < 2 || p->glen[k] > 7)
            return false;
    return true;
}

/* shape_score - the base score of a candidate by its digits and groups;
 * 0 when it is no phone, negative (-base) when it needs a phone word */
static float shape_score(const phone *p, bool plus, bool cluster_start)
{
    const char *d = p->d;
    size_t n = p->n;

    if (plus)
        return international_ok(d, n) ? PH_PLUS : 0.0f;
    if (cluster_start && n > 8 && d[0] == '0' && d[1] == '0')
        return international_ok(d + 2, n - 2) ? PH_IDD : 0.0f;
    if (cluster_start && n > 9 && strncmp(d, "011", 3) == 0)
        return international_ok(d + 3, n - 3) ? PH_IDD : 0.0f;
    if ((n == 10 && nanp_ok(d)) || (n == 11 && d[0] == '1' && nanp_ok(d + 1)))
        return grouped_nanp(p) ? PH_NANP : p->ng == 1 ? -PH_WEAK : 0.0f;
    if (d[0] == '0' && d[1] != '0' && n >= 7 && n <= 12)
        return p->ng >= 2 || p->trunk_group ? PH_TRUNK : -PH_WEAK;
    if (n >= 7 && n <= 12 && weak_grouping(p))
        return -PH_WEAK;
    if (n >= 8 && n <= 12 && p->ng == 1)
        return -PH_LABELLED;
    return 0.0f;
}

/* bad_neighbours - a time, a currency or "#" around the candidate, or
 * (for a weak one) a capitalised word after it: no phone */
static bool bad_neighbours(const scan_ctx *ctx, const phone *p, bool weak)
{
    const unsigned char *s = (const unsigned char *)ctx->s;
    size_t b = p->start, e = p->end;

    if (e + 1 < ctx->n && s[e] == ':' && is_digit(s[e + 1]))
        return true;
    if (b >= 2 && s[b - 1] == ':' && is_digit(s[b - 2]))
        return true;
    if (b > 0 && (s[b - 1] == '$' || s[b - 1] == '#'))
        return true;
    if (b >= 2 && (s[b - 1] == '.' || s[b - 1] == ',') && is_digit(s[b - 2]))
        return true; /* "1,234 5678": part of a figure */
    if (b >= 2 && s[b - 2] == 0xC2 && (s[b - 1] == 0xA3 || s[b - 1] == 0xA5))
        return true; /* pound, yen */
    if (b >= 3 && s[b - 3] == 0xE2 && s[b - 2] == 0x82 && s[b - 1] == 0xAC)
        return true; /* euro */
    if (e < ctx->n && (s[e] == '%' || (s[e] == '.' && e + 1 < ctx->n && is_digit(s[e + 1]))))
        return true;
    return weak && e + 2 < ctx->n && s[e] == ' ' && (is_upper(s[e + 1]) || s[e + 1] >= 0xC0) &&
           (is_lower(s[e + 2]) || s[e + 2] >= 0x80);
}

/* label_before - a phone label within the 16 bytes before the number */
static bool label_before(const scan_ctx *ctx, const phone *p)
{
    size_t from = p->start > 16 ? p->start - 16 : 0;

    return engine_words_near(ctx, from, p->start, phone_labels);
}

/* phone_word_near - a phone word within the context window around the
 * cluster; asked once per cluster (*near: -1 unknown, 0 no, 1 yes),
 * because a cluster yields many weak candidates */
static bool phone_word_near(const scan_ctx *ctx, const cluster *c, int *near)
{
    size_t w = ctx->engine->opts.context_window;
    size_t from = c->start > w ? c->start - w : 0;
    size_t to = c->end + w < ctx->n ? c->end + w : ctx->n;

    if (*near < 0)
        *near = engine_words_near(ctx, from, to, phone_words);
    return *near;
}

/* judge - score one candidate and offer it */
static void judge(scan_ctx *ctx, const cluster *c, const phone *p, int *near)
{
    bool plus = p->a == 0 && c->plus;

    if (p->n < 7 || has_date(ctx, c, p->a, p->b))
        return;
    if (p->a > 0 && glued_to(&c->g[p->a]))
        return;
    if (p->b + 1 < c->ng && glued_to(&c->g[p->b + 1]) && p->end == c->g[p->b].end)
        return;
    float base = shape_score(p, plus, p->a == 0);
    bool weak = base < 0.0f;
    if (base == 0.0f || bad_neighbours(ctx, p, weak))
        return;
    if (base == -PH_LABELLED && !label_before(ctx, p))
        return;
    if (weak && !phone_word_near(ctx, c, near))
        return;
    engine_emit(ctx, PG_ENT_PHONE_NUMBER, p->start, p->end, weak ? PH_WEAK : base, false, 0);
}

/* phone_begin - an empty candidate at group a */
static void phone_begin(const scan_ctx *ctx, const cluster *c, int a, phone *p)
{
    p->n = 0;
    p->ng = 0;
    p->a = a;
    p->trunk_group = false;
    p->start = c->g[a].start;
    if (a == 0 && c->plus)
        p->start--;
    else if (p->start > 0 && ctx->s[p->start - 1] == '(')
        p->start--;
}

/* phone_add - append group b: 1 to go on, 0 when it must be the last
 * (an extension), -1 when it cannot be part of a phone. A lone "0"
 * between '(' and ')' is a trunk prefix written for national callers
 * ("+44 (0)20 ..."): kept in the span, not in the digits. */
static int phone_add(const scan_ctx *ctx, const cluster *c, int b, phone *p)
{
    const group *g = &c->g[b];
    size_t len = g->end - g->start, take = len;

    if (g->ndigit != len && !(take = ext_digits(ctx, g)))
        return -1;
    if (take == 1 && ctx->s[g->start] == '0' && b > p->a && g->end < ctx->n &&
        ctx->s[g->end] == ')' && ctx->s[g->start - 1] == '(') {
        p->trunk_group = true;
    } else {
        if (p->n + take > PH_MAX_DIGITS || p->ng >= CLUSTER_MAX_GROUPS)
            return -1;
        memcpy(p->d + p->n, ctx->s + g->start, take);
        p->n += take;
        p->glen[p->ng++] = (uint8_t)take;
    }
    p->d[p->n] = '\0';
    p->b = b;
    p->end = g->end;
    return take == len;
}

/* recog_phone - phone numbers among the group runs of a cluster */
void recog_phone(scan_ctx *ctx, const cluster *c)
{
    int near = -1;
    phone p;

    if (c->ndigit < 7)
        return;
    for (int a = 0; a < c->ng; a++) {
        if (c->g[a].ndigit == 0)
            continue;
        phone_begin(ctx, c, a, &p);
        for (int b = a; b < c->ng; b++) {
            int more = phone_add(ctx, c, b, &p);
            if (more < 0)
                break;
            judge(ctx, c, &p, &near);
            if (!more)
                break;
        }
    }
}
