/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	validate_financial - payment cards, US routing and account numbers, BICs
 * SUMMARY
 *	bool pg_validate_credit_card(const char *s, size_t n);
 *	bool pg_validate_aba_routing(const char *s, size_t n);
 *	bool pg_validate_us_bank_number(const char *s, size_t n);
 *	bool pg_validate_swift(const char *s, size_t n);
 * DESCRIPTION
 *	Validators for the financial entities other than IBAN (validate_iban.c)
 *	and crypto addresses (validate_crypto.c). Each takes the compact form
 *	(digits and upper-case letters) and rejects a length the entity never
 *	has before looking at a byte.
 *
 *	pg_validate_credit_card() wants 12-19 digits, a Luhn check, and a
 *	prefix and length some card scheme issues (table below); a run of one
 *	digit is refused because such runs are fillers and test patterns.
 *
 *	pg_validate_aba_routing() checks the Federal Reserve prefix ranges and
 *	the 3-7-1 weighted check digit.
 *
 *	pg_validate_us_bank_number() is structure only (8-17 digits): there is
 *	no checksum, so the recognizer demands context.
 *
 *	pg_validate_swift() checks the ISO 9362 layout and that the country is
 *	an ISO 3166 code (plus XK, which SWIFT uses for Kosovo).
 */
#include <stdint.h>
#include <string.h>

#include "engine/validate.h"

/* Bit L set: the scheme issues L-digit numbers. */
#define LENS(lo, hi) \
    ((uint32_t)(((1UL << ((hi) + 1)) - 1) & ~((1UL << (lo)) - 1)))

/* One issuer range: the first plen digits lie in lo..hi. */
struct card_range {
    unsigned char plen;
    unsigned short lo, hi;
    uint32_t lens;
};

/* Schemes and their issued lengths (overlaps are fine: any match wins). */
static const struct card_range card_ranges[] = {
    {1, 4, 4, (1u << 13) | (1u << 16) | (1u << 19)}, /* Visa */
    {2, 51, 55, 1u << 16},                           /* Mastercard */
    {4, 2221, 2720, 1u << 16},                       /* Mastercard 2-series */
    {2, 34, 34, 1u << 15},                           /* Amex */
    {2, 37, 37, 1u << 15},                           /* Amex */
    {4, 6011, 6011, LENS(16, 19)},                   /* Discover */
    {3, 644, 649, LENS(16, 19)},                     /* Discover */
    {2, 65, 65, LENS(16, 19)},                       /* Discover, RuPay */
    {3, 300, 305, LENS(14, 19)},                     /* Diners Club */
    {4, 3095, 3095, LENS(14, 19)},                   /* Diners Club */
    {2, 36, 36, LENS(14, 19)},                       /* Diners Club */
    {2, 38, 39, LENS(16, 19)},                       /* Diners Club */
    {2, 38, 38, 1u << 14},                           /* Diners Club 14-digit */
    {4, 3528, 3589, LENS(16, 19)},                   /* JCB */
    {2, 35, 35, 1u << 16},                           /* JCB as test generators issue it */
    {4, 1800, 1800, 1u << 15},                       /* JCB 15-digit */
    {4, 2131, 2131, 1u << 15},                       /* JCB 15-digit */
    {2, 62, 62, LENS(16, 19)},                       /* UnionPay */
    {2, 50, 50, LENS(13, 19)},                       /* Maestro, Verve */
    {2, 56, 69, LENS(13, 19)},                       /* Maestro, RuPay */
    {2, 50, 50, 1u << 12},                           /* Maestro 12-digit */
    {2, 56, 69, 1u << 12},                           /* Maestro 12-digit */
    {4, 2200, 2204, LENS(16, 19)},                   /* Mir */
    {2, 81, 82, 1u << 16},                           /* RuPay */
};

/* card_issued - some scheme issues this prefix at this length */
static bool card_issued(const char *s, size_t n)
{
    for (size_t i = 0; i < sizeof card_ranges / sizeof card_ranges[0]; i++) {
        const struct card_range *r = &card_ranges[i];
        unsigned p = pg_validate_num(s, r->plen);

        if (p >= r->lo && p <= r->hi && (r->lens >> n) & 1u)
            return true;
    }
    return false;
}

/* pg_validate_credit_card - issuer range, length, Luhn; no filler runs */
bool pg_validate_credit_card(const char *s, size_t n)
{
    if (n < 12 || n > 19 || !pg_validate_digits(s, n))
        return false;
    if (pg_validate_same(s, n))
        return false;
    return card_issued(s, n) && pg_luhn(s, n);
}

/* pg_validate_aba_routing - Fed prefix ranges and the 3-7-1 check digit */
bool pg_validate_aba_routing(const char *s, size_t n)
{
    static const unsigned char w[9] = {3, 7, 1, 3, 7, 1, 3, 7, 1};
    unsigned prefix;

    if (n != 9 || !pg_validate_digits(s, n))
        return false;
    /* 00 government, 01-12 Federal Reserve districts, 21-32 thrifts,
     * 61-72 electronic, 80 traveller's cheques; the rest are unassigned. */
    prefix = pg_validate_num(s, 2);
    if (!(prefix <= 12 || (prefix >= 21 && prefix <= 32) ||
          (prefix >= 61 && prefix <= 72) || prefix == 80))
        return false;
    if (pg_validate_same(s, n))
        return false; /* 000000000 passes the sum but routes nowhere */
    return pg_validate_wsum(s, w, 9) % 10 == 0;
}

/* pg_validate_us_bank_number - 8 to 17 digits; no checksum exists */
bool pg_validate_us_bank_number(const char *s, size_t n)
{
    return n >= 8 && n <= 17 && pg_validate_digits(s, n);
}

/* ISO 3166-1 alpha-2, sorted, plus XK (Kosovo, user-assigned but used by
 * SWIFT and the IBAN registry). */
static const char iso3166[] =
    "ADAEAFAGAIALAMAOAQARASATAUAWAXAZBABBBDBEBFBGBHBIBJBLBMBNBOBQBRBSBTBV"
    "BWBYBZCACCCDCFCGCHCICKCLCMCNCOCRCUCVCWCXCYCZDEDJDKDMDODZECEEEGEHERES"
    "ETFIFJFKFMFOFRGAGBGDGEGFGGGHGIGLGMGNGPGQGRGSGTGUGWGYHKHMHNHRHTHUIDIE"
    "ILIMINIOIQIRISITJEJMJOJPKEKGKHKIKMKNKPKRKWKYKZLALBLCLILKLRLSLTLULVLY"
    "MAMCMDMEMFMGMHMKMLMMMNMOMPMQMRMSMTMUMVMWMXMYMZNANCNENFNGNINLNONPNRNU"
    "NZOMPAPEPFPGPHPKPLPMPNPRPSPTPWPYQARERORSRURWSASBSCSDSESGSHSISJSKSLSM"
    "SNSOSRSSSTSVSXSYSZTCTDTFTGTHTJTKTLTMTNTOTRTTTVTWTZUAUGUMUSUYUZVAVCVE"
    "VGVIVNVUWFWSXKYEYTZAZMZW";

/* country_known - binary search of the ISO 3166 table */
static bool country_known(const char *cc)
{
    size_t lo = 0, hi = (sizeof iso3166 - 1) / 2;

    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = memcmp(cc, iso3166 + 2 * mid, 2);

        if (c == 0)
            return true;
        if (c < 0)
            hi = mid;
        else
            lo = mid + 1;
    }
    return false;
}

/* pg_validate_swift - BIC: bank(4a) country(2a) location(2c) [branch(3c)] */
bool pg_validate_swift(const char *s, size_t n)
{
    if (n != 8 && n != 11)
        return false;
    return pg_validate_pattern("a6x2|a6x5", s, n) && country_known(s + 4);
}
