/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * validate.h - checksum and structure validators, one per entity type.
 *
 * Every validator takes the *compact* form of a candidate: separators
 * (space, '-', '.', '/') removed and letters upper-cased, exactly the bytes
 * pg_validate_compact() produces. Validators are pure, allocation-free and
 * constant-bounded (inputs longer than the entity allows are rejected
 * before any loop), so the engine may call them in its hot path.
 */
#ifndef PIIGUARD_ENGINE_VALIDATE_H
#define PIIGUARD_ENGINE_VALIDATE_H

#include <stdbool.h>
#include <stddef.h>

#include "piiguard/pg_engine.h"

/* Generic check-digit algorithms (digits only unless stated). */
bool pg_luhn(const char *d, size_t n);
bool pg_verhoeff(const char *d, size_t n);
bool pg_mod97_10(const char *s, size_t n);     /* ISO 7064 over [0-9A-Z] */
bool pg_mod11_10(const char *d, size_t n);     /* ISO 7064 MOD 11,10 */

/* A validator: compact form in, verdict out. */
typedef bool (*pg_validator_fn)(const char *s, size_t n);

/* The validator for an entity, or NULL when the entity has none (EMAIL,
 * PERSON, PASSWORD, ...: those are validated by their recognizers). */
pg_validator_fn pg_validator_for(pg_entity entity);

/* Compact a candidate: drop ' ', '-', '.', '/', upper-case letters. Writes
 * at most cap bytes; returns the compact length, or (size_t)-1 when the
 * candidate holds a byte no ID may hold or does not fit. */
size_t pg_validate_compact(char *out, size_t cap, const char *s, size_t n);

/* ---- added with the validators ------------------------------------------ */

/*
 * Three entities cannot use pg_validate_compact() as it is, because the
 * bytes it drops or changes carry meaning there:
 *
 *   CRYPTO                      base58 is case-sensitive: the validator
 *                               gets the raw bytes, spaces removed.
 *   FI_PERSONAL_IDENTITY_CODE   the century sign ('-', '+', 'A'...) is part
 *   SE_PERSONNUMMER             of the number ('+' marks a centenarian):
 *                               the validator gets the bytes upper-cased
 *                               with spaces removed, signs kept.
 *
 * US_SSN and US_ITIN get the plain compact form, but only when any
 * separators stand where the 3-2-4 grouping puts them ("1112-23333" is not
 * an SSN).
 *
 * pg_validate_prepare() applies the right rule for each entity (after
 * trimming surrounding ASCII white space); the engine must feed validators
 * its output rather than pg_validate_compact()'s. Same contract as
 * pg_validate_compact(): at most cap bytes, (size_t)-1 on refusal.
 */
size_t pg_validate_prepare(char *out, size_t cap, pg_entity entity,
                           const char *s, size_t n);

/* More generic algorithms. */
bool pg_mod11_2(const char *s, size_t n);      /* ISO 7064 MOD 11-2, 'X' last */

/* Helpers shared by the validators (checksum.c). */
bool pg_validate_digits(const char *s, size_t n);       /* n > 0, all 0-9 */
bool pg_validate_same(const char *s, size_t n);         /* every byte equal */
unsigned pg_validate_num(const char *d, size_t n);      /* n <= 9 digits */
unsigned pg_validate_wsum(const char *d, const unsigned char *w, size_t n);
bool pg_validate_date(int y, int m, int d);             /* Gregorian */

/*
 * Layout match. A pattern is runs of a class and a count: 'a' upper-case
 * letter, 'n' digit, 'x' either, then "7" or a range "4-8"; an upper-case
 * letter stands for itself; '|' separates alternatives. "a1n7" is a letter
 * and 7 digits. No loop runs past n or the pattern.
 */
bool pg_validate_pattern(const char *pattern, const char *s, size_t n);

/*
 * A real birth date: valid and not after today (UTC). This is the one
 * validator input besides the bytes: DK_CPR and NO_FODSELSNUMMER reject
 * people not yet born, and "today" comes from time(2). No state is kept.
 */
bool pg_validate_born(int y, int m, int d);

/* Financial (validate_financial.c, validate_iban.c, validate_crypto.c). */
bool pg_validate_credit_card(const char *s, size_t n);
bool pg_validate_iban(const char *s, size_t n);
bool pg_validate_aba_routing(const char *s, size_t n);
bool pg_validate_us_bank_number(const char *s, size_t n);
bool pg_validate_swift(const char *s, size_t n);
bool pg_validate_crypto(const char *s, size_t n);       /* raw, see above */

/* United States (validate_us.c, validate_us_dl.c). */
bool pg_validate_us_ssn(const char *s, size_t n);
bool pg_validate_us_itin(const char *s, size_t n);
bool pg_validate_us_passport(const char *s, size_t n);
bool pg_validate_us_driver_license(const char *s, size_t n);
bool pg_validate_us_npi(const char *s, size_t n);
bool pg_validate_dea(const char *s, size_t n);          /* MEDICAL_LICENSE */
bool pg_validate_us_mbi(const char *s, size_t n);

/*
 * One state's driver's licence formats. state2 is the two-letter USPS code
 * (upper case, "DC" included); s is the compact form. An unknown state is
 * false.
 */
bool pg_us_dl_state_format(const char *state2, const char *s, size_t n);

/* Europe (validate_europe.c, validate_nordic.c). */
bool pg_validate_uk_nino(const char *s, size_t n);
bool pg_validate_uk_nhs(const char *s, size_t n);
bool pg_validate_nl_bsn(const char *s, size_t n);
bool pg_validate_es_nif(const char *s, size_t n);
bool pg_validate_es_nie(const char *s, size_t n);
bool pg_validate_it_fiscal_code(const char *s, size_t n);
bool pg_validate_pl_pesel(const char *s, size_t n);
bool pg_validate_fr_nir(const char *s, size_t n);
bool pg_validate_de_tax_id(const char *s, size_t n);
bool pg_validate_se_personnummer(const char *s, size_t n); /* signs kept */
bool pg_validate_fi_hetu(const char *s, size_t n);         /* signs kept */
bool pg_validate_dk_cpr(const char *s, size_t n);
bool pg_validate_no_fodselsnummer(const char *s, size_t n);

/* Elsewhere (validate_other.c). */
bool pg_validate_ca_sin(const char *s, size_t n);
bool pg_validate_au_tfn(const char *s, size_t n);
bool pg_validate_au_medicare(const char *s, size_t n);
bool pg_validate_in_aadhaar(const char *s, size_t n);
bool pg_validate_in_pan(const char *s, size_t n);
bool pg_validate_br_cpf(const char *s, size_t n);

#endif /* PIIGUARD_ENGINE_VALIDATE_H */
