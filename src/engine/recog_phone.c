/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * recog_phone.c - telephone numbers, judged as libphonenumber would.
 *
 * Three shapes, from strongest to weakest:
 *   "+CC ..." international: an assigned ITU country code, 8-15 digits;
 *   NANP: (NPA) NXX-XXXX with the numbering plan's digit rules;
 *   national: two or more groups, 7-12 digits, written like a phone
 *   (trunk '0' or grouped), not shaped like a date.
 * A bare run of digits is a phone only when it is a valid NANP number
 * with a phone word nearby: bare digits are mostly order numbers.
 */
#include <string.h>

#include "engine/span.h"

/* Assigned country calling codes (ITU-T E.164), as one string of
 * space-separated codes so the lookup is a bounded strstr. */
static const char cc_list[] =
    " 1 7 20 27 30 31 32 33 34 36 39 40 41 43 44 45 46 47 48 49 51 52 53 54"
    " 55 56 57 58 60 61 62 63 64 65 66 81 82 84 86 90 91 92 93 94 95 98"
    " 211 212 213 216 218 220 221 222 223 224 225 226 227 228 229 230 231"
    " 232 233 234 235 236 237 238 239 240 241 242 243 244 245 246 248 249"
    " 250 251 252 253 254 255 256 257 258 260 261 262 263 264 265 266 267"
    " 268 269 290 291 297 298 299 350 351 352 353 354 355 356 357 358 359"
    " 370 371 372 373 374 375 376 377 378 380 381 382 383 385 386 387 389"
    " 420 421 423 500 501 502 503 504 505 506 507 508 509 590 591 592 593"
    " 594 595 596 597 598 599 670 672 673 674 675 676 677 678 679 680 681"
    " 682 683 685 686 687 688 689 690 691 692 850 852 853 855 856 880 886"
    " 960 961 962 963 964 965 966 967 968 970 971 972 973 974 975 976 977"
    " 992 993 994 995 996 998 ";

/* country_code_len - length of the assigned country code d starts with */
static int country_code_len(const char *d, size_t n)
{
    char key[6];

    for (int l = 1; l <= 3 && (size_t)l < n; l++) {
        key[0] = ' ';
        memcpy(key + 1, d, (size_t)l);
        key[l + 1] = ' ';
        key[l + 2] = '\0';
        if (strstr(cc_list, key))
            return l;
    }
    return 0;
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

/* date_shaped - dates (2-2-4, 4-2-2, ...) and SSN shapes (3-2-4): not phones */
static bool date_shaped(const span *sp)
{
    static const uint8_t d224[] = {2, 2, 4, 0}, d422[] = {4, 2, 2, 0},
                         d124[] = {1, 2, 4, 0}, d214[] = {2, 1, 4, 0},
                         ssn[] = {3, 2, 4, 0};
    return span_grouping(sp, d224) || span_grouping(sp, d422) ||
           span_grouping(sp, d124) || span_grouping(sp, d214) ||
           span_grouping(sp, ssn);
}

/* phone_score - base score for a digits-only span, 0 when not a phone */
static float phone_score(const span *sp, bool plus)
{
    const char *d = sp->compact;
    size_t n = sp->len;

    if (plus) {
        int cl = country_code_len(d, n);
        return cl && n >= 8 && n <= 15 ? 0.75f : 0.0f;
    }
    if (n == 11 && d[0] == '1')
        d++, n--;
    if (n == 10 && nanp_ok(d))
        return sp->ngroups > 1 ? 0.7f : 0.4f;
    if (sp->ngroups < 2 || n < 7 || n > 12 || date_shaped(sp))
        return 0.0f;
    return sp->compact[0] == '0' ? 0.6f : 0.5f;
}

/* recog_phone - phone numbers among the spans of a cluster */
void recog_phone(scan_ctx *ctx, const cluster *c)
{
    span sp;
    unsigned digits = 0;

    for (int k = 0; k < c->ng; k++)
        digits += c->g[k].ndigit;
    if (digits < 7)
        return;
    span_first(&sp, ctx, c);
    while (span_next(&sp, ctx)) {
        if (!sp.digits_only || sp.len < 7 || sp.len > 15 || span_glued(&sp) ||
            span_claimed(ctx, &sp))
            continue;
        bool plus = sp.a == 0 && c->plus;
        float base = phone_score(&sp, plus);
        if (base <= 0.0f)
            continue;
        size_t start = span_start(&sp) - (plus ? 1 : 0);
        if (sp.a == 0 && start > 0 && ctx->s[start - 1] == '(')
            start--;
        engine_emit(ctx, PG_ENT_PHONE_NUMBER, start, span_end(&sp), base, false,
                    base < PG_ENGINE_DEFAULT_MIN_SCORE ? RF_NEEDS_CONTEXT : 0);
    }
}
