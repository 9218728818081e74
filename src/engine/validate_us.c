/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	validate_us - US federal identifiers: SSN, ITIN, passport, NPI, DEA, MBI
 * SUMMARY
 *	bool pg_validate_us_ssn(const char *s, size_t n);
 *	bool pg_validate_us_itin(const char *s, size_t n);
 *	bool pg_validate_us_passport(const char *s, size_t n);
 *	bool pg_validate_us_npi(const char *s, size_t n);
 *	bool pg_validate_dea(const char *s, size_t n);
 *	bool pg_validate_us_mbi(const char *s, size_t n);
 * DESCRIPTION
 *	Compact form in (digits, upper-case letters), verdict out; every length
 *	is fixed, so a wrong one is refused first.
 *
 *	SSN: area 001-899 except 666 (9xx is never issued and holds the ITINs
 *	and the 987-65-432x advertising block), group 01-99, serial 0001-9999,
 *	and not one of the numbers published in advertising or used as
 *	examples. Which separators are allowed is pg_validate_prepare()'s
 *	business, not this one's.
 *
 *	ITIN: 9xx, group 70-88, 90-92 or 94-99, any serial.
 *
 *	Passport: 9 digits (book) or a letter and 8 digits (next-generation
 *	card); structure only.
 *
 *	NPI: 10 digits starting 1 or 2 (CMS issues no others), Luhn over the
 *	ISO 7812 card prefix 80840 followed by the NPI.
 *
 *	DEA registration (the MEDICAL_LICENSE entity): registrant-type letter,
 *	the registrant's surname initial (or '9' for a business), 6 digits and
 *	a check digit: (d1 + d3 + d5 + 2 * (d2 + d4 + d6)) mod 10.
 *
 *	MBI (Medicare Beneficiary Identifier): CMS layout C A AN N A AN N A A N
 *	N, where C is 1-9, A a letter other than S L O I B Z, N a digit.
 */
#include <string.h>

#include "engine/validate.h"

/* Numbers on display cards, in ads or widely published: never a person's. */
static const char ssn_void[][10] = {
    "078051120", /* Woolworth wallet insert, 1938 */
    "219099999", /* SSA pamphlet example */
    "123456789", /* the obvious placeholder */
    "457555462", /* published in a 2000s identity-protection advert */
};

/* pg_validate_us_ssn - area, group, serial ranges; known void numbers */
bool pg_validate_us_ssn(const char *s, size_t n)
{
    unsigned area;

    if (n != 9 || !pg_validate_digits(s, n))
        return false;
    area = pg_validate_num(s, 3);
    if (area == 0 || area == 666 || area >= 900)
        return false;
    if (pg_validate_num(s + 3, 2) == 0 || pg_validate_num(s + 5, 4) == 0)
        return false;
    for (size_t i = 0; i < sizeof ssn_void / sizeof ssn_void[0]; i++)
        if (memcmp(s, ssn_void[i], 9) == 0)
            return false;
    return true;
}

/* pg_validate_us_itin - 9xx area and the IRS group ranges */
bool pg_validate_us_itin(const char *s, size_t n)
{
    unsigned group;

    if (n != 9 || !pg_validate_digits(s, n) || s[0] != '9')
        return false;
    group = pg_validate_num(s + 3, 2);
    return group >= 70 && group != 89 && group != 93;
}

/* pg_validate_us_passport - 9 digits or letter + 8 digits */
bool pg_validate_us_passport(const char *s, size_t n)
{
    if (n != 9)
        return false;
    if (s[0] >= 'A' && s[0] <= 'Z')
        return pg_validate_digits(s + 1, 8);
    return pg_validate_digits(s, 9);
}

/* pg_validate_us_npi - 10 digits, 1 or 2 first, Luhn behind prefix 80840 */
bool pg_validate_us_npi(const char *s, size_t n)
{
    char card[15] = {'8', '0', '8', '4', '0'};

    if (n != 10 || !pg_validate_digits(s, n) || (s[0] != '1' && s[0] != '2'))
        return false;
    memcpy(card + 5, s, 10);
    return pg_luhn(card, sizeof card);
}

/* pg_validate_dea - registrant type, initial, 6 digits + check digit */
bool pg_validate_dea(const char *s, size_t n)
{
    static const unsigned char w[6] = {1, 2, 1, 2, 1, 2};

    if (n != 9 || s[0] == '\0' || !strchr("ABCDEFGHJKLMPRSTUX", s[0]))
        return false;
    if (!((s[1] >= 'A' && s[1] <= 'Z') || s[1] == '9'))
        return false;
    if (!pg_validate_digits(s + 2, 7))
        return false;
    return pg_validate_wsum(s + 2, w, 6) % 10 == (unsigned)(s[8] - '0');
}

/* mbi_alpha - an MBI letter: A-Z without S L O I B Z */
static bool mbi_alpha(char c)
{
    return c >= 'A' && c <= 'Z' && !strchr("SLOIBZ", c);
}

/* pg_validate_us_mbi - the CMS position-by-position layout */
bool pg_validate_us_mbi(const char *s, size_t n)
{
    /* C: 1-9, A: MBI letter, N: digit, X: letter or digit */
    static const char layout[] = "CAXNAXNAANN";

    if (n != 11)
        return false;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        bool digit = c >= '0' && c <= '9';

        switch (layout[i]) {
        case 'C': if (!digit || c == '0') return false; break;
        case 'A': if (!mbi_alpha(c)) return false; break;
        case 'N': if (!digit) return false; break;
        default: if (!digit && !mbi_alpha(c)) return false; break;
        }
    }
    return true;
}
