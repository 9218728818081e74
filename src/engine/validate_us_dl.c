/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	validate_us_dl - US driver's licence number formats, per state
 * SUMMARY
 *	bool pg_us_dl_state_format(const char *state2, const char *s, size_t n);
 *	bool pg_validate_us_driver_license(const char *s, size_t n);
 * DESCRIPTION
 *	No state publishes a check digit, so a licence number is judged by its
 *	shape alone. This module owns the table of shapes for the 50 states
 *	and DC, as the AAMVA and the states' DMV pages describe them, written
 *	in pg_validate_pattern()'s notation: Florida "a1n12" is a letter and
 *	12 digits, New York "a1n7|a1n18|..." lists alternatives, and "WDLx9"
 *	is the literal WDL and 9 letters or digits.
 *
 *	pg_validate_us_driver_license() is the entity validator: a number that
 *	fits *some* state, minus the shapes that would fire on ordinary text
 *	without saying anything: all letters (New York's 8-letter form is any
 *	8-letter word), fewer than 6 characters, and pure digit runs outside
 *	7-14 (shorter is a count or an amount, longer a card or an account).
 *	Those numbers still pass pg_us_dl_state_format() for their state.
 */
#include <string.h>

#include "engine/validate.h"

/* The longest format (New York's letter + 18 digits). */
#define DL_MAX 19

struct dl_state {
    char code[3];
    const char *formats;
};

static const struct dl_state dl_states[] = {
    {"AL", "n1-8"},          {"AK", "n1-7"},
    {"AZ", "a1n8|n9"},       {"AR", "n4-9"},
    {"CA", "a1n7"},          {"CO", "n9|a1n3-6|a2n2-5"},
    {"CT", "n9"},            {"DE", "n1-7"},
    {"DC", "n7|n9"},         {"FL", "a1n12"},
    {"GA", "n7-9"},          {"HI", "a1n8|n9"},
    {"ID", "a2n6a1|n9"},     {"IL", "a1n11"},
    {"IN", "a1n9|n9-10"},    {"IA", "n9|n3a2n4"},
    {"KS", "a1n1a1n1a1|a1n8|n9"},
    {"KY", "a1n8-9|n9"},     {"LA", "n1-9"},
    {"ME", "n7-8|n7a1"},     {"MD", "a1n12"},
    {"MA", "a1n8|n9"},       {"MI", "a1n10|a1n12"},
    {"MN", "a1n12"},         {"MS", "n9"},
    {"MO", "a1n5-9|a1n6R|n8a2|n9a1|n9"},
    {"MT", "a1n8|n9|n13-14"},
    {"NE", "a1n6-8"},        {"NV", "n9-10|n12|Xn8"},
    {"NH", "n2a3n5"},        {"NJ", "a1n14"},
    {"NM", "n8-9"},          {"NY", "a1n7|a1n18|n8-9|n16|a8"},
    {"NC", "n1-12"},         {"ND", "a3n6|n9"},
    {"OH", "a1n4-8|a2n3-7|n8"},
    {"OK", "a1n9|n9"},       {"OR", "n1-9"},
    {"PA", "n8"},            {"RI", "n7|a1n6"},
    {"SC", "n5-11"},         {"SD", "n6-10|n12"},
    {"TN", "n7-9"},          {"TX", "n7-8"},
    {"UT", "n4-10"},         {"VT", "n8|n7A"},
    {"VA", "a1n8-11|n9"},    {"WA", "WDLx9|a7n3x2"},
    {"WV", "n7|a1-2n5-6"},   {"WI", "a1n13"},
    {"WY", "n9-10"},
};

/* pg_us_dl_state_format - s is a licence-number shape state2 issues */
bool pg_us_dl_state_format(const char *state2, const char *s, size_t n)
{
    if (state2 == NULL || n == 0 || n > DL_MAX)
        return false;
    for (size_t i = 0; i < sizeof dl_states / sizeof dl_states[0]; i++)
        if (strncmp(state2, dl_states[i].code, 3) == 0)
            return pg_validate_pattern(dl_states[i].formats, s, n);
    return false;
}

/* pg_validate_us_driver_license - some state's shape, minus the noisy ones */
bool pg_validate_us_driver_license(const char *s, size_t n)
{
    bool digits = true, letters = true;

    if (n < 6 || n > DL_MAX)
        return false;
    for (size_t i = 0; i < n; i++) {
        digits &= s[i] >= '0' && s[i] <= '9';
        letters &= s[i] >= 'A' && s[i] <= 'Z';
    }
    if (letters || (digits && (n < 7 || n > 14)))
        return false;
    for (size_t i = 0; i < sizeof dl_states / sizeof dl_states[0]; i++)
        if (pg_validate_pattern(dl_states[i].formats, s, n))
            return true;
    return false;
}
