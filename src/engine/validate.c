/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	validate - from a candidate to a verdict: the validator table,
 *	compaction and pg_engine_validate()
 * SUMMARY
 *	pg_validator_fn pg_validator_for(pg_entity entity);
 *	size_t pg_validate_compact(char *out, size_t cap, const char *s, size_t n);
 *	size_t pg_validate_prepare(char *out, size_t cap, pg_entity entity,
 *	                           const char *s, size_t n);
 *	bool pg_engine_validate(pg_entity entity, const char *value, size_t len);
 * DESCRIPTION
 *	This module owns which validator speaks for which entity (a table
 *	indexed by pg_entity; NULL where the recognizer alone decides) and the
 *	normalisation a candidate gets before it is judged.
 *
 *	pg_validate_compact() is the common form: ' ', '-', '.', '/' dropped,
 *	letters upper-cased, any other byte a refusal.
 *
 *	pg_validate_prepare() trims surrounding ASCII white space and then
 *	applies the entity's rule (validate.h says which entities differ and
 *	why): the raw bytes for CRYPTO, the signed form for the Swedish and
 *	Finnish numbers, a 3-2-4 layout check for SSN and ITIN, the compact
 *	form for everything else.
 *
 *	pg_engine_validate() = pg_validate_prepare() + the entity's validator,
 *	in a stack buffer of PG_MAX_MATCH_BYTES: a value longer than that is
 *	not a candidate the engine could have matched and is refused before
 *	it is read.
 */
#include "engine/validate.h"
#include "piiguard/pg_limits.h"

#define PG_VALIDATE_FAIL ((size_t)-1)

static const pg_validator_fn validators[PG_ENT_COUNT] = {
    [PG_ENT_CREDIT_CARD] = pg_validate_credit_card,
    [PG_ENT_IBAN_CODE] = pg_validate_iban,
    [PG_ENT_ABA_ROUTING_NUMBER] = pg_validate_aba_routing,
    [PG_ENT_US_BANK_NUMBER] = pg_validate_us_bank_number,
    [PG_ENT_SWIFT_CODE] = pg_validate_swift,
    [PG_ENT_CRYPTO] = pg_validate_crypto,
    [PG_ENT_US_SSN] = pg_validate_us_ssn,
    [PG_ENT_US_ITIN] = pg_validate_us_itin,
    [PG_ENT_US_PASSPORT] = pg_validate_us_passport,
    [PG_ENT_US_DRIVER_LICENSE] = pg_validate_us_driver_license,
    [PG_ENT_US_NPI] = pg_validate_us_npi,
    [PG_ENT_MEDICAL_LICENSE] = pg_validate_dea,
    [PG_ENT_US_MBI] = pg_validate_us_mbi,
    [PG_ENT_UK_NINO] = pg_validate_uk_nino,
    [PG_ENT_UK_NHS] = pg_validate_uk_nhs,
    [PG_ENT_CA_SIN] = pg_validate_ca_sin,
    [PG_ENT_AU_TFN] = pg_validate_au_tfn,
    [PG_ENT_AU_MEDICARE] = pg_validate_au_medicare,
    [PG_ENT_IN_AADHAAR] = pg_validate_in_aadhaar,
    [PG_ENT_IN_PAN] = pg_validate_in_pan,
    [PG_ENT_NL_BSN] = pg_validate_nl_bsn,
    [PG_ENT_ES_NIF] = pg_validate_es_nif,
    [PG_ENT_ES_NIE] = pg_validate_es_nie,
    [PG_ENT_IT_FISCAL_CODE] = pg_validate_it_fiscal_code,
    [PG_ENT_PL_PESEL] = pg_validate_pl_pesel,
    [PG_ENT_FR_NIR] = pg_validate_fr_nir,
    [PG_ENT_DE_TAX_ID] = pg_validate_de_tax_id,
    [PG_ENT_SE_PERSONNUMMER] = pg_validate_se_personnummer,
    [PG_ENT_FI_PERSONAL_IDENTITY_CODE] = pg_validate_fi_hetu,
    [PG_ENT_BR_CPF] = pg_validate_br_cpf,
    [PG_ENT_DK_CPR] = pg_validate_dk_cpr,
    [PG_ENT_NO_FODSELSNUMMER] = pg_validate_no_fodselsnummer,
};

/* pg_validator_for - the entity's validator, NULL when it has none */
pg_validator_fn pg_validator_for(pg_entity entity)
{
    if ((unsigned)entity >= PG_ENT_COUNT)
        return NULL;
    return validators[entity];
}

/* is_space - ASCII white space, trimmed from both ends of a candidate */
static bool is_space(char c)
{
    return c == ' ' || (c >= '\t' && c <= '\r');
}

/* upper - ASCII upper case; other bytes unchanged */
static char upper(char c)
{
    return c >= 'a' && c <= 'z' ? (char)(c - 'a' + 'A') : c;
}

/* pg_validate_compact - drop separators, upper-case, refuse other bytes */
size_t pg_validate_compact(char *out, size_t cap, const char *s, size_t n)
{
    size_t len = 0;

    for (size_t i = 0; i < n; i++) {
        char c = upper(s[i]);

        if (c == ' ' || c == '-' || c == '.' || c == '/')
            continue;
        if (!((c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z')))
            return PG_VALIDATE_FAIL;
        if (len == cap)
            return PG_VALIDATE_FAIL;
        out[len++] = c;
    }
    return len;
}

/* keep_signs - drop spaces only; upper-case letters when asked */
static size_t keep_signs(char *out, size_t cap, const char *s, size_t n,
                         bool fold)
{
    size_t len = 0;

    for (size_t i = 0; i < n; i++) {
        if (s[i] == ' ')
            continue;
        if (len == cap)
            return PG_VALIDATE_FAIL;
        out[len++] = fold ? upper(s[i]) : s[i];
    }
    return len;
}

/* grouped_324 - separators, if any, split the digits 3-2-4, one kind only */
static bool grouped_324(const char *s, size_t n)
{
    size_t digits = 0;
    char sep = 0;

    for (size_t i = 0; i < n; i++) {
        if (s[i] >= '0' && s[i] <= '9') {
            digits++;
            continue;
        }
        if (s[i] != '-' && s[i] != ' ' && s[i] != '.')
            return true; /* not a digit run at all: let compaction refuse */
        if ((digits != 3 && digits != 5) || (sep && s[i] != sep) ||
            s[i - 1] < '0' || s[i - 1] > '9')
            return false;
        sep = s[i];
    }
    return true;
}

/* pg_validate_prepare - the form the entity's validator expects */
size_t pg_validate_prepare(char *out, size_t cap, pg_entity entity,
                           const char *s, size_t n)
{
    while (n > 0 && is_space(s[0]))
        s++, n--;
    while (n > 0 && is_space(s[n - 1]))
        n--;
    switch (entity) {
    case PG_ENT_CRYPTO:
        return keep_signs(out, cap, s, n, false);
    case PG_ENT_SE_PERSONNUMMER:
    case PG_ENT_FI_PERSONAL_IDENTITY_CODE:
        return keep_signs(out, cap, s, n, true);
    case PG_ENT_US_SSN:
    case PG_ENT_US_ITIN:
        if (!grouped_324(s, n))
            return PG_VALIDATE_FAIL;
        return pg_validate_compact(out, cap, s, n);
    default:
        return pg_validate_compact(out, cap, s, n);
    }
}

/* pg_engine_validate - prepare the value, then ask the entity's validator */
bool pg_engine_validate(pg_entity entity, const char *value, size_t len)
{
    char buf[PG_MAX_MATCH_BYTES];
    pg_validator_fn fn = pg_validator_for(entity);
    size_t n;

    if (fn == NULL || value == NULL || len > sizeof buf)
        return false;
    n = pg_validate_prepare(buf, sizeof buf, entity, value, len);
    if (n == PG_VALIDATE_FAIL || n == 0)
        return false;
    return fn(buf, n);
}
