/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	validate_iban - International Bank Account Numbers (ISO 13616)
 * SUMMARY
 *	bool pg_validate_iban(const char *s, size_t n);
 * DESCRIPTION
 *	An IBAN is a country code, two check digits and a BBAN whose length and
 *	layout each country registers with SWIFT, the ISO 13616 registration
 *	authority. This module owns that registry as a table: per country, the
 *	BBAN layout in pg_validate_pattern() notation, the registry's "4!a10!n"
 *	for the Netherlands written "a4n10" (and its 'c' written 'x'). The IBAN
 *	length is 4 plus the BBAN length, so a layout check is also the length
 *	check.
 *
 *	The whole number must then pass ISO 7064 MOD 97-10 with the first four
 *	characters moved to the end. For four countries whose BBAN carries a
 *	national check that python-stdnum also verifies (BE, ES, ME, NO), that
 *	check is applied too; other national checks (FR RIB key, IT CIN, ...)
 *	are not, and the registry's bank directories are not consulted.
 *
 *	The table follows the SWIFT IBAN registry, including the countries
 *	registered after 2020 (FK, HN, MN, NI, OM, SO, YE). Experimental
 *	"IBAN-like" formats of unregistered countries are not accepted.
 */
#include <string.h>

#include "engine/validate.h"

/* The longest registered IBAN (Russia, Saint Lucia: 32-33). */
#define IBAN_MAX 34

struct iban_country {
    char cc[3];
    const char *bban; /* pg_validate_pattern() notation */
};

/* Sorted by country code: looked up by binary search. */
static const struct iban_country iban_countries[] = {
    {"AD", "n8x12"},    {"AE", "n19"},      {"AL", "n8x16"},
    {"AT", "n16"},      {"AZ", "a4x20"},    {"BA", "n16"},
    {"BE", "n12"},      {"BG", "a4n6x8"},   {"BH", "a4x14"},
    {"BI", "n23"},      {"BR", "n23a1x1"},  {"BY", "x4n4x16"},
    {"CH", "n5x12"},    {"CR", "n18"},      {"CY", "n8x16"},
    {"CZ", "n20"},      {"DE", "n18"},      {"DJ", "n23"},
    {"DK", "n14"},      {"DO", "x4n20"},    {"EE", "n16"},
    {"EG", "n25"},      {"ES", "n20"},      {"FI", "n14"},
    {"FK", "a2n12"},    {"FO", "n14"},      {"FR", "n10x11n2"},
    {"GB", "a4n14"},    {"GE", "a2n16"},    {"GI", "a4x15"},
    {"GL", "n14"},      {"GR", "n7x16"},    {"GT", "x24"},
    {"HN", "a4n20"},    {"HR", "n17"},      {"HU", "n24"},
    {"IE", "a4n14"},    {"IL", "n19"},      {"IQ", "a4n15"},
    {"IS", "n22"},      {"IT", "a1n10x12"}, {"JO", "a4n4x18"},
    {"KW", "a4x22"},    {"KZ", "n3x13"},    {"LB", "n4x20"},
    {"LC", "a4x24"},    {"LI", "n5x12"},    {"LT", "n16"},
    {"LU", "n3x13"},    {"LV", "a4x13"},    {"LY", "n21"},
    {"MC", "n10x11n2"}, {"MD", "x20"},      {"ME", "n18"},
    {"MK", "n3x10n2"},  {"MN", "n16"},      {"MR", "n23"},
    {"MT", "a4n5x18"},  {"MU", "a4n19a3"},  {"NI", "a4n20"},
    {"NL", "a4n10"},    {"NO", "n11"},      {"OM", "n3x16"},
    {"PK", "a4x16"},    {"PL", "n24"},      {"PS", "a4x21"},
    {"PT", "n21"},      {"QA", "a4x21"},    {"RO", "a4x16"},
    {"RS", "n18"},      {"RU", "n14x15"},   {"SA", "n2x18"},
    {"SC", "a4n20a3"},  {"SD", "n14"},      {"SE", "n20"},
    {"SI", "n15"},      {"SK", "n20"},      {"SM", "a1n10x12"},
    {"SO", "n19"},      {"ST", "n21"},      {"SV", "a4n20"},
    {"TL", "n19"},      {"TN", "n20"},      {"TR", "n6x16"},
    {"UA", "n6x19"},    {"VA", "n18"},      {"VG", "a4n16"},
    {"XK", "n16"},      {"YE", "a4n4x18"},
};

/* iban_lookup - the registry entry for a country code, or NULL */
static const struct iban_country *iban_lookup(const char *cc)
{
    size_t lo = 0, hi = sizeof iban_countries / sizeof iban_countries[0];

    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = memcmp(cc, iban_countries[mid].cc, 2);

        if (c == 0)
            return &iban_countries[mid];
        if (c < 0)
            hi = mid;
        else
            lo = mid + 1;
    }
    return NULL;
}

/* iban_mod97 - MOD 97-10 over BBAN + country + check digits */
static bool iban_mod97(const char *s, size_t n)
{
    char buf[IBAN_MAX];

    memcpy(buf, s + 4, n - 4);
    memcpy(buf + n - 4, s, 4);
    return pg_mod97_10(buf, n);
}

/* be_check - Belgium: last two digits are the first ten mod 97 (0 as 97) */
static bool be_check(const char *b)
{
    unsigned long v = 0;
    unsigned r;

    for (size_t i = 0; i < 10; i++)
        v = v * 10 + (unsigned long)(b[i] - '0');
    r = (unsigned)(v % 97);
    return (r ? r : 97) == pg_validate_num(b + 10, 2);
}

/* es_digit - one Spanish CCC control digit over ten places */
static unsigned es_digit(const char *d)
{
    static const unsigned char w[10] = {1, 2, 4, 8, 5, 10, 9, 7, 3, 6};
    unsigned c = 11 - pg_validate_wsum(d, w, 10) % 11;

    return c == 11 ? 0 : c == 10 ? 1 : c;
}

/* es_check - Spain: the CCC's two control digits (bank+branch, account) */
static bool es_check(const char *b)
{
    char head[10] = {'0', '0'};

    memcpy(head + 2, b, 8);
    return es_digit(head) == (unsigned)(b[8] - '0') &&
           es_digit(b + 10) == (unsigned)(b[9] - '0');
}

/* me_check - Montenegro: the BBAN itself verifies MOD 97-10 */
static bool me_check(const char *b)
{
    return pg_mod97_10(b, 18);
}

/* no_check - Norway: kontonummer MOD 11, or Luhn for 0000 postgiro */
static bool no_check(const char *b)
{
    static const unsigned char w[10] = {5, 4, 3, 2, 7, 6, 5, 4, 3, 2};
    unsigned c;

    if (memcmp(b, "0000", 4) == 0)
        return pg_luhn(b + 4, 7);
    c = (11 - pg_validate_wsum(b, w, 10) % 11) % 11;
    return c == (unsigned)(b[10] - '0');
}

/* national_check - the BBAN's own check digits, where we verify them */
static bool national_check(const char *cc, const char *bban)
{
    if (memcmp(cc, "BE", 2) == 0)
        return be_check(bban);
    if (memcmp(cc, "ES", 2) == 0)
        return es_check(bban);
    if (memcmp(cc, "ME", 2) == 0)
        return me_check(bban);
    if (memcmp(cc, "NO", 2) == 0)
        return no_check(bban);
    return true;
}

/* pg_validate_iban - registry layout, MOD 97-10, national check */
bool pg_validate_iban(const char *s, size_t n)
{
    const struct iban_country *c;

    if (n < 5 || n > IBAN_MAX)
        return false;
    if (s[2] < '0' || s[2] > '9' || s[3] < '0' || s[3] > '9')
        return false;
    c = iban_lookup(s);
    if (c == NULL || !pg_validate_pattern(c->bban, s + 4, n - 4))
        return false;
    return iban_mod97(s, n) && national_check(s, s + 4);
}
