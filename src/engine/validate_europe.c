/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	validate_europe - UK, Dutch, Spanish, Italian, Polish, French and German
 *	personal identifiers
 * SUMMARY
 *	bool pg_validate_uk_nino(const char *s, size_t n);
 *	bool pg_validate_uk_nhs(const char *s, size_t n);
 *	bool pg_validate_nl_bsn(const char *s, size_t n);
 *	bool pg_validate_es_nif(const char *s, size_t n);
 *	bool pg_validate_es_nie(const char *s, size_t n);
 *	bool pg_validate_it_fiscal_code(const char *s, size_t n);
 *	bool pg_validate_pl_pesel(const char *s, size_t n);
 *	bool pg_validate_fr_nir(const char *s, size_t n);
 *	bool pg_validate_de_tax_id(const char *s, size_t n);
 * DESCRIPTION
 *	Compact form in, verdict out; each rejects a length its number never
 *	has before reading it. The Nordic numbers, whose century signs need a
 *	different input form, live in validate_nordic.c.
 *
 *	The rules, briefly (docs/entities.md has them in full):
 *	- NINO: HMRC prefix rules, 6 digits, suffix A-D.
 *	- NHS: MOD 11 with weights 10..2 (a remainder giving 10 is never
 *	  issued); one digit repeated ten times is a filler, not a number.
 *	- BSN: 8 or 9 digits, the "elfproef" with weights 9..2 and -1.
 *	- NIF: DNI (8 digits) or K/L/M + 7 digits, control letter mod 23.
 *	- NIE: X/Y/Z (0/1/2) + 7 digits, the same control letter.
 *	- Codice fiscale: the 16-character personal code (omocodia letters
 *	  allowed, birth date checked) or the 11-digit numeric code that
 *	  companies and some people hold (partita IVA rules).
 *	- PESEL: weights 1,3,7,9 and a real birth date, century in the month.
 *	- NIR: 15 characters, Corsica's 2A/2B, key 97 - (number mod 97).
 *	- Steuer-IdNr: 11 digits, one digit twice or thrice among the first
 *	  ten, ISO 7064 MOD 11,10.
 */
#include <string.h>

#include "engine/validate.h"

/* Codice fiscale month letters, January to December. */
static const char cf_months[] = "ABCDEHLMPRST";

/* is_upper - A-Z */
static bool is_upper(char c)
{
    return c >= 'A' && c <= 'Z';
}

/* pg_validate_uk_nino - HMRC prefix rules, 6 digits, suffix A-D */
bool pg_validate_uk_nino(const char *s, size_t n)
{
    static const char *const void_prefix[] = {"BG", "GB", "KN", "NK",
                                              "NT", "TN", "ZZ"};

    if (n != 9 || !is_upper(s[0]) || !is_upper(s[1]))
        return false;
    if (strchr("DFIQUV", s[0]) || strchr("DFIOQUV", s[1]))
        return false;
    for (size_t i = 0; i < sizeof void_prefix / sizeof void_prefix[0]; i++)
        if (memcmp(s, void_prefix[i], 2) == 0)
            return false;
    return pg_validate_digits(s + 2, 6) && s[8] >= 'A' && s[8] <= 'D';
}

/* pg_validate_uk_nhs - MOD 11, weights 10..2; fillers refused */
bool pg_validate_uk_nhs(const char *s, size_t n)
{
    static const unsigned char w[9] = {10, 9, 8, 7, 6, 5, 4, 3, 2};
    unsigned check;

    if (n != 10 || !pg_validate_digits(s, n) || pg_validate_same(s, n))
        return false;
    check = (11 - pg_validate_wsum(s, w, 9) % 11) % 11;
    return check != 10 && check == (unsigned)(s[9] - '0');
}

/* pg_validate_nl_bsn - 8-9 digits (zero-padded to 9), elfproef */
bool pg_validate_nl_bsn(const char *s, size_t n)
{
    static const unsigned char w[8] = {9, 8, 7, 6, 5, 4, 3, 2};
    char d[9] = {'0'};

    if ((n != 8 && n != 9) || !pg_validate_digits(s, n))
        return false;
    memcpy(d + 9 - n, s, n);
    if (pg_validate_same(d, 9) && d[0] == '0')
        return false;
    return (pg_validate_wsum(d, w, 8) + 11 * 9 - (unsigned)(d[8] - '0')) %
               11 == 0;
}

/* es_letter - the DNI control letter for a number */
static char es_letter(unsigned long v)
{
    return "TRWAGMYFPDXBNJZSQVHLCKE"[v % 23];
}

/* pg_validate_es_nif - DNI (8 digits) or K/L/M + 7 digits, control letter */
bool pg_validate_es_nif(const char *s, size_t n)
{
    if (n != 9)
        return false;
    if (s[0] == 'K' || s[0] == 'L' || s[0] == 'M')
        return pg_validate_digits(s + 1, 7) &&
               es_letter(pg_validate_num(s + 1, 7)) == s[8];
    return pg_validate_digits(s, 8) && es_letter(pg_validate_num(s, 8)) == s[8];
}

/* pg_validate_es_nie - X/Y/Z (worth 0/1/2) + 7 digits, control letter */
bool pg_validate_es_nie(const char *s, size_t n)
{
    unsigned long lead;

    if (n != 9 || s[0] < 'X' || s[0] > 'Z' || !pg_validate_digits(s + 1, 7))
        return false;
    lead = (unsigned long)(s[0] - 'X');
    return es_letter(lead * 10000000UL + pg_validate_num(s + 1, 7)) == s[8];
}

/* cf_digit - a codice fiscale digit place: 0-9 or its omocodia letter */
static int cf_digit(char c)
{
    static const char omocodia[] = "LMNPQRSTUV";
    const char *p;

    if (c >= '0' && c <= '9')
        return c - '0';
    p = c ? strchr(omocodia, c) : NULL;
    return p ? (int)(p - omocodia) : -1;
}

/* cf_layout - letters and (possibly omocodia) digits in their places */
static bool cf_layout(const char *s)
{
    /* L: letter, D: digit or omocodia letter, M: month letter */
    static const char layout[] = "LLLLLLDDMDDLDDDL";

    for (size_t i = 0; i < 16; i++) {
        bool ok = layout[i] == 'D' ? cf_digit(s[i]) >= 0 : is_upper(s[i]);

        if (!ok || (layout[i] == 'M' && !strchr(cf_months, s[i])))
            return false;
    }
    return true;
}

/* cf_check - the control letter from the odd/even place tables */
static char cf_check(const char *s)
{
    /* Odd places (1st, 3rd...): '0'-'9' score as 'A'-'J'. */
    static const unsigned char odd[26] = {1,  0,  5,  7,  9,  13, 15, 17, 19,
                                          21, 2,  4,  18, 20, 11, 3,  6,  8,
                                          12, 14, 16, 10, 22, 25, 24, 23};
    unsigned sum = 0;

    for (size_t i = 0; i < 15; i++) {
        unsigned v = s[i] <= '9' ? (unsigned)(s[i] - '0')
                                 : (unsigned)(s[i] - 'A');

        sum += i % 2 == 0 ? odd[v] : v;
    }
    return (char)('A' + sum % 26);
}

/* cf_birth_date - day (women +40), month letter, two-digit year */
static bool cf_birth_date(const char *s)
{
    int yy = cf_digit(s[6]) * 10 + cf_digit(s[7]);
    int dd = cf_digit(s[9]) * 10 + cf_digit(s[10]);
    int mm = (int)(strchr(cf_months, s[8]) - cf_months) + 1;

    if (dd > 40)
        dd -= 40;
    /* Only the leap day depends on the century: 19yy and 20yy agree. */
    return pg_validate_date(2000 + yy, mm, dd);
}

/* it_company - the 11-digit numeric code: partita IVA rules */
static bool it_company(const char *s)
{
    unsigned office;

    if (!pg_validate_digits(s, 11) || pg_validate_num(s, 7) == 0)
        return false;
    /* digits 8-10: the issuing provincial office */
    office = pg_validate_num(s + 7, 3);
    if (!((office >= 1 && office <= 100) || office == 120 || office == 121 ||
          office == 888 || office == 999))
        return false;
    return pg_luhn(s, 11);
}

/* pg_validate_it_fiscal_code - personal 16-char code or 11-digit code */
bool pg_validate_it_fiscal_code(const char *s, size_t n)
{
    if (n == 11)
        return it_company(s);
    if (n != 16 || !cf_layout(s) || cf_check(s) != s[15])
        return false;
    return cf_birth_date(s);
}

/* pg_validate_pl_pesel - weights 1,3,7,9; birth date, century in month */
bool pg_validate_pl_pesel(const char *s, size_t n)
{
    static const unsigned char w[10] = {1, 3, 7, 9, 1, 3, 7, 9, 1, 3};
    /* month + 80: 1800s, +0: 1900s, +20: 2000s, +40: 2100s, +60: 2200s */
    static const int century[5] = {1900, 2000, 2100, 2200, 1800};
    unsigned mm;

    if (n != 11 || !pg_validate_digits(s, n))
        return false;
    if ((10 - pg_validate_wsum(s, w, 10) % 10) % 10 != (unsigned)(s[10] - '0'))
        return false;
    mm = pg_validate_num(s + 2, 2);
    return pg_validate_date(century[mm / 20] + (int)pg_validate_num(s, 2),
                            (int)(mm % 20), (int)pg_validate_num(s + 4, 2));
}

/* pg_validate_fr_nir - 15 places, 2A/2B as 19/18, key 97 - (n mod 97) */
bool pg_validate_fr_nir(const char *s, size_t n)
{
    char d[13];
    unsigned r = 0;

    if (n != 15 || !pg_validate_digits(s, 5) || !pg_validate_digits(s + 7, 8))
        return false;
    memcpy(d, s, 13);
    if (s[5] == '2' && (s[6] == 'A' || s[6] == 'B'))
        memcpy(d + 5, s[6] == 'A' ? "19" : "18", 2);
    else if (!pg_validate_digits(s + 5, 2))
        return false;
    for (size_t i = 0; i < 13; i++)
        r = (r * 10 + (unsigned)(d[i] - '0')) % 97;
    return 97 - r == pg_validate_num(s + 13, 2);
}

/* pg_validate_de_tax_id - one repeated digit (2 or 3 times), MOD 11,10 */
bool pg_validate_de_tax_id(const char *s, size_t n)
{
    unsigned char count[10] = {0};
    unsigned repeated = 0;

    if (n != 11 || !pg_validate_digits(s, n) || s[0] == '0')
        return false;
    for (size_t i = 0; i < 10; i++)
        count[s[i] - '0']++;
    for (size_t i = 0; i < 10; i++) {
        if (count[i] > 3)
            return false;
        repeated += count[i] > 1;
    }
    return repeated == 1 && pg_mod11_10(s, n);
}
