/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	validate_other - Canadian, Australian, Indian and Brazilian identifiers
 * SUMMARY
 *	bool pg_validate_ca_sin(const char *s, size_t n);
 *	bool pg_validate_au_tfn(const char *s, size_t n);
 *	bool pg_validate_au_medicare(const char *s, size_t n);
 *	bool pg_validate_in_aadhaar(const char *s, size_t n);
 *	bool pg_validate_in_pan(const char *s, size_t n);
 *	bool pg_validate_br_cpf(const char *s, size_t n);
 * DESCRIPTION
 *	Compact form in, verdict out; a length the number never has is refused
 *	first.
 *
 *	- SIN: 9 digits, Luhn; 0 and 8 are not assigned as first digits.
 *	- TFN: 8 or 9 digits, weights 1,4,3,7,5,8,6,9,10 (the first eight for
 *	  an 8-digit number, as python-stdnum does), sum divisible by 11.
 *	- Medicare card: 10 digits (+ an optional 11th, the individual
 *	  reference), first 2-6, 9th digit = weights 1,3,7,9,1,3,7,9 mod 10.
 *	- Aadhaar: 12 digits, first 2-9, Verhoeff, not a palindrome.
 *	- PAN: AAAAA9999A, 4th letter a holder type, serial not 0000.
 *	- CPF: 11 digits, two MOD 11 check digits.
 *	A number made of one repeated digit is refused throughout: such runs
 *	satisfy several of these sums and are placeholders, not people.
 */
#include <string.h>

#include "engine/validate.h"

/* pg_validate_ca_sin - 9 digits, Luhn, first digit not 0 or 8 */
bool pg_validate_ca_sin(const char *s, size_t n)
{
    if (n != 9 || !pg_validate_digits(s, n) || s[0] == '0' || s[0] == '8')
        return false;
    return !pg_validate_same(s, n) && pg_luhn(s, n);
}

/* pg_validate_au_tfn - 8-9 digits, weighted sum divisible by 11 */
bool pg_validate_au_tfn(const char *s, size_t n)
{
    static const unsigned char w[9] = {1, 4, 3, 7, 5, 8, 6, 9, 10};

    if ((n != 8 && n != 9) || !pg_validate_digits(s, n))
        return false;
    return !pg_validate_same(s, n) && pg_validate_wsum(s, w, n) % 11 == 0;
}

/* pg_validate_au_medicare - first digit 2-6, 9th digit the weighted sum */
bool pg_validate_au_medicare(const char *s, size_t n)
{
    static const unsigned char w[8] = {1, 3, 7, 9, 1, 3, 7, 9};

    if ((n != 10 && n != 11) || !pg_validate_digits(s, n))
        return false;
    if (s[0] < '2' || s[0] > '6')
        return false;
    return pg_validate_wsum(s, w, 8) % 10 == (unsigned)(s[8] - '0');
}

/* pg_validate_in_aadhaar - 12 digits from 2-9, Verhoeff, no palindrome */
bool pg_validate_in_aadhaar(const char *s, size_t n)
{
    bool palindrome = true;

    if (n != 12 || !pg_validate_digits(s, n) || s[0] < '2')
        return false;
    for (size_t i = 0; i < n / 2; i++)
        palindrome &= s[i] == s[n - 1 - i];
    return !palindrome && pg_verhoeff(s, n);
}

/* pg_validate_in_pan - AAAAA9999A with a known holder-type letter */
bool pg_validate_in_pan(const char *s, size_t n)
{
    if (n != 10)
        return false;
    for (size_t i = 0; i < 5; i++)
        if (s[i] < 'A' || s[i] > 'Z')
            return false;
    /* Holder type: association, body, company, firm, government, HUF,
     * local authority, juridical person, individual, trust, krish. */
    if (!strchr("ABCFGHLJPTK", s[3]))
        return false;
    if (!pg_validate_digits(s + 5, 4) || memcmp(s + 5, "0000", 4) == 0)
        return false;
    return s[9] >= 'A' && s[9] <= 'Z';
}

/* cpf_digit - one CPF check digit: 11 - (sum mod 11), 10 and 11 as 0 */
static unsigned cpf_digit(const char *s, const unsigned char *w, size_t n)
{
    unsigned r = pg_validate_wsum(s, w, n) % 11;

    return r < 2 ? 0 : 11 - r;
}

/* pg_validate_br_cpf - 11 digits, two MOD 11 check digits, no fillers */
bool pg_validate_br_cpf(const char *s, size_t n)
{
    static const unsigned char w[10] = {11, 10, 9, 8, 7, 6, 5, 4, 3, 2};

    if (n != 11 || !pg_validate_digits(s, n) || pg_validate_same(s, n))
        return false;
    /* The first digit weighs 10..2 over 9 places, the second 11..2 over 10. */
    return cpf_digit(s, w + 1, 9) == (unsigned)(s[9] - '0') &&
           cpf_digit(s, w, 10) == (unsigned)(s[10] - '0');
}
