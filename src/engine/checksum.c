/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	checksum - generic check-digit algorithms and validator helpers
 * SUMMARY
 *	bool pg_luhn(const char *d, size_t n);
 *	bool pg_verhoeff(const char *d, size_t n);
 *	bool pg_mod97_10(const char *s, size_t n);
 *	bool pg_mod11_10(const char *d, size_t n);
 *	bool pg_mod11_2(const char *s, size_t n);
 *	bool pg_validate_digits(const char *s, size_t n);
 *	bool pg_validate_same(const char *s, size_t n);
 *	unsigned pg_validate_num(const char *d, size_t n);
 *	unsigned pg_validate_wsum(const char *d, const unsigned char *w, size_t n);
 *	bool pg_validate_pattern(const char *pattern, const char *s, size_t n);
 *	bool pg_validate_date(int y, int m, int d);
 *	bool pg_validate_born(int y, int m, int d);
 * DESCRIPTION
 *	This module owns the arithmetic that several entity validators share:
 *	the published check-digit schemes (Luhn, Verhoeff, ISO 7064 MOD 97-10,
 *	MOD 11,10 and MOD 11-2) and the small structural helpers (all digits,
 *	weighted sums, calendar dates).
 *
 *	The check-digit functions take the whole number, check character
 *	included, and say whether it verifies. They accept any length (the
 *	generic stdnum vectors include 37-digit inputs) but every loop is one
 *	pass over the input: callers bound n first. An empty input or a byte
 *	outside the scheme's alphabet is simply invalid.
 *
 *	pg_validate_num() and pg_validate_wsum() assume digits: the caller has
 *	already checked them with pg_validate_digits().
 *
 *	pg_validate_pattern() matches the layouts that IBAN countries, BICs and
 *	driver's licences are described by (validate.h has the notation). It
 *	is greedy and never backtracks, which is exact as long as a run is not
 *	followed by one sharing its class unless its count is fixed; every
 *	pattern in the tree keeps to that.
 *
 *	Nothing here allocates or keeps state; pg_validate_born() reads the
 *	clock and nothing else.
 */
#include <string.h>
#include <time.h>

#include "engine/validate.h"

/* pg_luhn - Luhn mod 10 over decimal digits, check digit last */
bool pg_luhn(const char *d, size_t n)
{
    unsigned sum = 0;

    if (!pg_validate_digits(d, n))
        return false;
    for (size_t i = 0; i < n; i++) {
        unsigned v = (unsigned)(d[n - 1 - i] - '0');

        if (i % 2 == 1) {
            v *= 2;
            if (v > 9)
                v -= 9;
        }
        sum += v;
    }
    return sum % 10 == 0;
}

/* The dihedral group D5 (multiplication) and the position permutation
 * from Verhoeff's 1969 scheme; the permutation repeats every 8 places. */
static const unsigned char verhoeff_d[10][10] = {
    {0, 1, 2, 3, 4, 5, 6, 7, 8, 9}, {1, 2, 3, 4, 0, 6, 7, 8, 9, 5},
    {2, 3, 4, 0, 1, 7, 8, 9, 5, 6}, {3, 4, 0, 1, 2, 8, 9, 5, 6, 7},
    {4, 0, 1, 2, 3, 9, 5, 6, 7, 8}, {5, 9, 8, 7, 6, 0, 4, 3, 2, 1},
    {6, 5, 9, 8, 7, 1, 0, 4, 3, 2}, {7, 6, 5, 9, 8, 2, 1, 0, 4, 3},
    {8, 7, 6, 5, 9, 3, 2, 1, 0, 4}, {9, 8, 7, 6, 5, 4, 3, 2, 1, 0},
};
static const unsigned char verhoeff_p[8][10] = {
    {0, 1, 2, 3, 4, 5, 6, 7, 8, 9}, {1, 5, 7, 6, 2, 8, 3, 0, 9, 4},
    {5, 8, 0, 3, 7, 9, 6, 1, 4, 2}, {8, 9, 1, 6, 0, 4, 3, 5, 2, 7},
    {9, 4, 5, 3, 1, 2, 6, 8, 7, 0}, {4, 2, 8, 6, 5, 7, 3, 9, 0, 1},
    {2, 7, 9, 3, 8, 0, 6, 4, 1, 5}, {7, 0, 4, 6, 9, 1, 3, 2, 5, 8},
};

/* pg_verhoeff - Verhoeff dihedral check over decimal digits */
bool pg_verhoeff(const char *d, size_t n)
{
    unsigned c = 0;

    if (!pg_validate_digits(d, n))
        return false;
    for (size_t i = 0; i < n; i++)
        c = verhoeff_d[c][verhoeff_p[i % 8][d[n - 1 - i] - '0']];
    return c == 0;
}

/* pg_mod97_10 - ISO 7064 MOD 97-10 over [0-9A-Z], letters worth 10..35 */
bool pg_mod97_10(const char *s, size_t n)
{
    unsigned r = 0;

    if (n == 0)
        return false;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];

        if (c >= '0' && c <= '9')
            r = (r * 10 + (unsigned)(c - '0')) % 97;
        else if (c >= 'A' && c <= 'Z')
            r = (r * 100 + (unsigned)(c - 'A' + 10)) % 97;
        else
            return false;
    }
    return r == 1;
}

/* pg_mod11_10 - ISO 7064 hybrid MOD 11,10 over decimal digits */
bool pg_mod11_10(const char *d, size_t n)
{
    unsigned p = 10, s = 0;

    if (!pg_validate_digits(d, n))
        return false;
    for (size_t i = 0; i < n; i++) {
        s = (p + (unsigned)(d[i] - '0')) % 10;
        if (s == 0)
            s = 10;
        p = (2 * s) % 11;
    }
    return s == 1;
}

/* pg_mod11_2 - ISO 7064 MOD 11-2; 'X' (10) only as the check character */
bool pg_mod11_2(const char *s, size_t n)
{
    unsigned r = 0;

    if (n == 0)
        return false;
    for (size_t i = 0; i < n; i++) {
        unsigned v;

        if (s[i] >= '0' && s[i] <= '9')
            v = (unsigned)(s[i] - '0');
        else if (s[i] == 'X' && i == n - 1)
            v = 10;
        else
            return false;
        r = (2 * r + v) % 11;
    }
    return r == 1;
}

/* pg_validate_digits - true when n > 0 and every byte is 0-9 */
bool pg_validate_digits(const char *s, size_t n)
{
    if (n == 0)
        return false;
    for (size_t i = 0; i < n; i++)
        if (s[i] < '0' || s[i] > '9')
            return false;
    return true;
}

/* pg_validate_same - true when every byte equals the first (a filler) */
bool pg_validate_same(const char *s, size_t n)
{
    for (size_t i = 1; i < n; i++)
        if (s[i] != s[0])
            return false;
    return true;
}

/* pg_validate_num - value of up to 9 decimal digits (caller checked them) */
unsigned pg_validate_num(const char *d, size_t n)
{
    unsigned v = 0;

    for (size_t i = 0; i < n && i < 9; i++)
        v = v * 10 + (unsigned)(d[i] - '0');
    return v;
}

/* pg_validate_wsum - sum of digit * weight over n places */
unsigned pg_validate_wsum(const char *d, const unsigned char *w, size_t n)
{
    unsigned sum = 0;

    for (size_t i = 0; i < n; i++)
        sum += (unsigned)(d[i] - '0') * w[i];
    return sum;
}

/* pattern_class - does c belong to pattern class k (a, n or x) */
static bool pattern_class(char c, char k)
{
    bool digit = c >= '0' && c <= '9', upper = c >= 'A' && c <= 'Z';

    return k == 'n' ? digit : k == 'a' ? upper : digit || upper;
}

/* pattern_count - parse a count "7" or a range "4-8" at *p */
static void pattern_count(const char **p, size_t *lo, size_t *hi)
{
    *lo = 0;
    while (**p >= '0' && **p <= '9')
        *lo = *lo * 10 + (size_t)(*(*p)++ - '0');
    *hi = *lo;
    if (**p == '-') {
        (*p)++;
        *hi = 0;
        while (**p >= '0' && **p <= '9')
            *hi = *hi * 10 + (size_t)(*(*p)++ - '0');
    }
}

/* pattern_one - s matches the single alternative p[0..end), greedily */
static bool pattern_one(const char *p, const char *end, const char *s,
                        size_t n)
{
    size_t at = 0;

    while (p < end) {
        char k = *p++;
        size_t lo, hi, run = 0;

        if (k >= 'A' && k <= 'Z') { /* a literal letter */
            if (at >= n || s[at++] != k)
                return false;
            continue;
        }
        pattern_count(&p, &lo, &hi);
        while (run < hi && at < n && pattern_class(s[at], k))
            run++, at++;
        if (run < lo)
            return false;
    }
    return at == n;
}

/* pg_validate_pattern - s matches one of the '|'-separated alternatives */
bool pg_validate_pattern(const char *pattern, const char *s, size_t n)
{
    const char *p = pattern;

    for (;;) {
        const char *bar = strchr(p, '|');
        const char *end = bar ? bar : p + strlen(p);

        if (pattern_one(p, end, s, n))
            return true;
        if (!bar)
            return false;
        p = bar + 1;
    }
}

/* pg_validate_date - a real day of the proleptic Gregorian calendar */
bool pg_validate_date(int y, int m, int d)
{
    static const unsigned char mdays[12] = {31, 29, 31, 30, 31, 30,
                                            31, 31, 30, 31, 30, 31};
    bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;

    if (y < 1 || m < 1 || m > 12 || d < 1 || d > mdays[m - 1])
        return false;
    return !(m == 2 && d == 29 && !leap);
}

/* days_from_civil - days since 1970-01-01 (Gregorian, year >= 1) */
static long days_from_civil(int y, int m, int d)
{
    /* Count from 1 March so the leap day falls at the end of the year. */
    long yy = m <= 2 ? y - 1 : y;
    long era = yy / 400;
    long yoe = yy - era * 400;
    long doy = (153L * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;

    return era * 146097 + doe - 719468;
}

/* pg_validate_born - a valid date that is not after today (UTC) */
bool pg_validate_born(int y, int m, int d)
{
    time_t now = time(NULL);

    if (!pg_validate_date(y, m, d))
        return false;
    if (now == (time_t)-1)
        return true; /* no clock: judge the date alone rather than refuse */
    return days_from_civil(y, m, d) <= (long)(now / 86400);
}
