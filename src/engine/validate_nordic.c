/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	validate_nordic - Swedish, Finnish, Danish and Norwegian personal numbers
 * SUMMARY
 *	bool pg_validate_se_personnummer(const char *s, size_t n);
 *	bool pg_validate_fi_hetu(const char *s, size_t n);
 *	bool pg_validate_dk_cpr(const char *s, size_t n);
 *	bool pg_validate_no_fodselsnummer(const char *s, size_t n);
 * DESCRIPTION
 *	All four embed a birth date, so all four check it.
 *
 *	The Swedish and Finnish numbers carry a sign between the date and the
 *	serial that the compact form would lose: '+' marks a Swede of 100 or
 *	more, and the Finnish sign names the century. Their validators
 *	therefore take the *signed* form from pg_validate_prepare(): upper
 *	case, spaces removed, '-' and '+' kept.
 *
 *	- personnummer: YYMMDD[-+]NNNC or YYYYMMDD[-]NNNC (a separator may be
 *	  left out, and stray '-' inside the date are ignored); day + 60 is a
 *	  samordningsnummer; Luhn over the last ten digits.
 *	- henkilötunnus: DDMMYY, sign ('+' 1800s; '-' or U-Y 1900s; A-F
 *	  2000s), individual number 002-899, control character
 *	  "0123456789ABCDEFHJKLMNPRSTUVWXY"[DDMMYYNNN mod 31].
 *	- CPR: DDMMYY + 4 digits, century from the seventh digit; no MOD 11
 *	  (CPR numbers without it have been issued since 2007); not in the
 *	  future.
 *	- fødselsnummer: two MOD 11 check digits, D-numbers (day + 40) and
 *	  H-numbers (month + 40), century from the individual number; not in
 *	  the future. FH-numbers (first digit 8 or 9) hold no date and are not
 *	  personal identity numbers in this sense.
 */
#include <string.h>

#include "engine/validate.h"

/* The longest signed personnummer: 8 date digits, a few signs, 5. */
#define SE_MAX 16

/* se_unsign - date part without its '-'/'+', sign and serial split out */
static bool se_unsign(char *digits, size_t *nd, char *sign, const char *s,
                      size_t n)
{
    size_t body = n - 5;

    *sign = s[n - 5];
    /* A bare 10- or 12-digit number has no sign: read it as '-'. */
    if ((n == 10 || n == 12) && *sign != '-' && *sign != '+') {
        *sign = '-';
        body = n - 4;
    }
    if (*sign != '-' && *sign != '+')
        return false;
    *nd = 0;
    for (size_t i = 0; i < body; i++) {
        if (s[i] == '-' || s[i] == '+')
            continue;
        if (*nd == 8)
            return false;
        digits[(*nd)++] = s[i];
    }
    memcpy(digits + *nd, s + n - 4, 4);
    *nd += 4;
    return (*nd == 10 || *nd == 12) && pg_validate_digits(digits, *nd);
}

/* pg_validate_se_personnummer - date (or day + 60), Luhn over 10 digits */
bool pg_validate_se_personnummer(const char *s, size_t n)
{
    char d[12];
    size_t nd;
    char sign;
    int y, day;

    if (n < 10 || n > SE_MAX || !se_unsign(d, &nd, &sign, s, n))
        return false;
    if (nd == 12) {
        y = (int)pg_validate_num(d, 4);
    } else {
        /* The century only matters for 29 February: 2000 was leap, 1900
         * (a centenarian's '+' before "00") was not. */
        y = (int)pg_validate_num(d, 2);
        y = y == 0 && sign == '+' ? 1900 : 2000 + y;
    }
    day = (int)pg_validate_num(d + nd - 6, 2);
    if (day > 60)
        day -= 60;
    if (!pg_validate_date(y, (int)pg_validate_num(d + nd - 8, 2), day))
        return false;
    return pg_luhn(d + nd - 10, 10);
}

/* fi_century - the century a henkilötunnus sign names, or 0 */
static int fi_century(char sign)
{
    if (sign == '+')
        return 1800;
    if (sign == '-' || (sign >= 'U' && sign <= 'Y'))
        return 1900;
    if (sign >= 'A' && sign <= 'F')
        return 2000;
    return 0;
}

/* pg_validate_fi_hetu - DDMMYY sign NNN C, control char mod 31 */
bool pg_validate_fi_hetu(const char *s, size_t n)
{
    static const char control[] = "0123456789ABCDEFHJKLMNPRSTUVWXY";
    char d[9];
    int century;
    unsigned ind;

    if (n != 11 || !pg_validate_digits(s, 6) || !pg_validate_digits(s + 7, 3))
        return false;
    century = fi_century(s[6]);
    ind = pg_validate_num(s + 7, 3);
    /* 000-001 are unused; 900-999 are temporary, not personal, codes. */
    if (century == 0 || ind < 2 || ind > 899)
        return false;
    if (!pg_validate_date(century + (int)pg_validate_num(s + 4, 2),
                          (int)pg_validate_num(s + 2, 2),
                          (int)pg_validate_num(s, 2)))
        return false;
    memcpy(d, s, 6);
    memcpy(d + 6, s + 7, 3);
    return control[pg_validate_num(d, 9) % 31] == s[10];
}

/* pg_validate_dk_cpr - a real, past birth date; century from digit 7 */
bool pg_validate_dk_cpr(const char *s, size_t n)
{
    int yy, c;

    if (n != 10 || !pg_validate_digits(s, n))
        return false;
    yy = (int)pg_validate_num(s + 4, 2);
    c = s[6] - '0';
    if (c <= 3)
        yy += 1900;
    else if (c == 4 || c == 9)
        yy += yy <= 36 ? 2000 : 1900;
    else
        yy += yy <= 57 ? 2000 : 1800;
    return pg_validate_born(yy, (int)pg_validate_num(s + 2, 2),
                            (int)pg_validate_num(s, 2));
}

/* no_check_digit - one fødselsnummer MOD 11 digit, or 10 when none fits */
static unsigned no_check_digit(const char *s, const unsigned char *w, size_t n)
{
    return (11 - pg_validate_wsum(s, w, n) % 11) % 11;
}

/* no_year - full birth year from the individual number, or 0 */
static int no_year(int yy, unsigned ind)
{
    if (ind < 500)
        return 1900 + yy;
    if (ind < 750 && yy >= 54)
        return 1800 + yy;
    if (yy < 40)
        return 2000 + yy;
    if (ind >= 900)
        return 1900 + yy;
    return 0;
}

/* pg_validate_no_fodselsnummer - two MOD 11 digits, D/H-number dates */
bool pg_validate_no_fodselsnummer(const char *s, size_t n)
{
    static const unsigned char w1[9] = {3, 7, 6, 1, 8, 9, 4, 5, 2};
    static const unsigned char w2[10] = {5, 4, 3, 2, 7, 6, 5, 4, 3, 2};
    int day, month, year;

    if (n != 11 || !pg_validate_digits(s, n))
        return false;
    if (no_check_digit(s, w1, 9) != (unsigned)(s[9] - '0') ||
        no_check_digit(s, w2, 10) != (unsigned)(s[10] - '0'))
        return false;
    day = (int)pg_validate_num(s, 2);
    month = (int)pg_validate_num(s + 2, 2);
    if (day >= 80)
        return false; /* FH-number: no date by design */
    day -= day > 40 ? 40 : 0;     /* D-number */
    month -= month > 40 ? 40 : 0; /* H-number */
    year = no_year((int)pg_validate_num(s + 4, 2), pg_validate_num(s + 6, 3));
    return year != 0 && pg_validate_born(year, month, day);
}
