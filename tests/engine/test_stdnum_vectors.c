/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * test_stdnum_vectors - the engine's validators against python-stdnum's
 * own labelled test vectors.
 *
 * $PG_TESTDATA/stdnum_vectors.tsv (columns module, number, label, source,
 * oracle_1.18) holds the numbers python-stdnum's tests and docstrings call
 * valid or invalid. For each module piiguard claims, every row must get the
 * same verdict from pg_engine_validate() (or, for the generic check-digit
 * modules, from the matching function in checksum.c). One cmocka test per
 * module; each prints how many rows it checked. A claimed module with no
 * rows fails, so a renamed module cannot pass by vanishing. Without the
 * file, every test is skipped.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "engine/validate.h"

typedef bool (*raw_check_fn)(const char *s, size_t n);

/* Which entity judges a row; -1 to leave the row unclaimed. */
typedef int (*row_entity_fn)(const char *number);

struct claim {
    const char *module;
    pg_entity entity;       /* used when raw is NULL and pick is NULL */
    raw_check_fn raw;       /* generic modules: the bytes as given */
    row_entity_fn pick;     /* modules only partly claimed */
};

/* es_nif_pick - personal NIF forms only: DNI/KLM to ES_NIF, XYZ to ES_NIE;
 * company CIFs (A-H, J, N, P-S, U-W first) are not customer PII. */
static int es_nif_pick(const char *number)
{
    char c = number[0];

    if (c >= 'a' && c <= 'z')
        c = (char)(c - 'a' + 'A');
    if ((c >= '0' && c <= '9') || c == 'K' || c == 'L' || c == 'M')
        return PG_ENT_ES_NIF;
    if (c == 'X' || c == 'Y' || c == 'Z')
        return PG_ENT_ES_NIE;
    return -1;
}

#define ENT(mod, ent) {mod, PG_ENT_##ent, NULL, NULL}
#define RAW(mod, fn) {mod, PG_ENT_COUNT, fn, NULL}

static const struct claim claims[] = {
    ENT("stdnum.iban", IBAN_CODE),
    ENT("stdnum.us.rtn", ABA_ROUTING_NUMBER),
    ENT("stdnum.bic", SWIFT_CODE),
    ENT("stdnum.bitcoin", CRYPTO),
    ENT("stdnum.us.ssn", US_SSN),
    ENT("stdnum.us.itin", US_ITIN),
    ENT("stdnum.gb.nhs", UK_NHS),
    ENT("stdnum.ca.sin", CA_SIN),
    ENT("stdnum.au.tfn", AU_TFN),
    ENT("stdnum.in_.aadhaar", IN_AADHAAR),
    ENT("stdnum.in_.pan", IN_PAN),
    ENT("stdnum.nl.bsn", NL_BSN),
    ENT("stdnum.es.dni", ES_NIF),
    {"stdnum.es.nif", PG_ENT_COUNT, NULL, es_nif_pick},
    ENT("stdnum.es.nie", ES_NIE),
    ENT("stdnum.it.codicefiscale", IT_FISCAL_CODE),
    ENT("stdnum.pl.pesel", PL_PESEL),
    ENT("stdnum.fr.nir", FR_NIR),
    ENT("stdnum.de.idnr", DE_TAX_ID),
    ENT("stdnum.se.personnummer", SE_PERSONNUMMER),
    ENT("stdnum.fi.hetu", FI_PERSONAL_IDENTITY_CODE),
    ENT("stdnum.br.cpf", BR_CPF),
    ENT("stdnum.dk.cpr", DK_CPR),
    ENT("stdnum.no.fodselsnummer", NO_FODSELSNUMMER),
    RAW("stdnum.luhn", pg_luhn),
    RAW("stdnum.verhoeff", pg_verhoeff),
    RAW("stdnum.iso7064.mod_97_10", pg_mod97_10),
    RAW("stdnum.iso7064.mod_11_10", pg_mod11_10),
    RAW("stdnum.iso7064.mod_11_2", pg_mod11_2),
};

/* open_vectors - the vectors file, or NULL with the reason printed */
static FILE *open_vectors(void)
{
    const char *dir = getenv("PG_TESTDATA");
    char path[4096];
    FILE *f;

    if (dir == NULL) {
        print_message("PG_TESTDATA not set: stdnum vectors skipped\n");
        return NULL;
    }
    snprintf(path, sizeof path, "%s/stdnum_vectors.tsv", dir);
    f = fopen(path, "r");
    if (f == NULL)
        print_message("%s missing: stdnum vectors skipped\n", path);
    return f;
}

/* split_row - cut a TSV line into its first three fields, in place */
static bool split_row(char *line, char **module, char **number, char **label)
{
    char *t1 = strchr(line, '\t'), *t2, *t3;

    if (t1 == NULL || (t2 = strchr(t1 + 1, '\t')) == NULL)
        return false;
    t3 = strchr(t2 + 1, '\t');
    if (t3 == NULL)
        t3 = t2 + 1 + strcspn(t2 + 1, "\r\n");
    *t1 = *t2 = *t3 = '\0';
    *module = line;
    *number = t1 + 1;
    *label = t2 + 1;
    return true;
}

/* judge - our verdict on one row of a claimed module; -1 if unclaimed */
static int judge(const struct claim *c, const char *number)
{
    size_t n = strlen(number);
    int entity = (int)c->entity;

    if (c->raw != NULL)
        return c->raw(number, n);
    if (c->pick != NULL && (entity = c->pick(number)) < 0)
        return -1;
    return pg_engine_validate((pg_entity)entity, number, n);
}

/* test_module - every claimed row of one module agrees with its label */
static void test_module(void **state)
{
    const struct claim *c = *state;
    FILE *f = open_vectors();
    char line[1024], *module, *number, *label;
    unsigned rows = 0, agree = 0, skipped = 0;

    if (f == NULL)
        skip();
    while (fgets(line, sizeof line, f) != NULL) {
        int got;

        if (!split_row(line, &module, &number, &label) ||
            strcmp(module, c->module) != 0)
            continue;
        if ((got = judge(c, number)) < 0) {
            skipped++;
            continue;
        }
        rows++;
        if (got == (strcmp(label, "valid") == 0))
            agree++;
        else
            print_error("%s: '%s' labelled %s, validator says %s\n", module,
                        number, label, got ? "valid" : "invalid");
    }
    fclose(f);
    print_message("%-28s %3u/%3u rows agree (%u unclaimed)\n", c->module,
                  agree, rows, skipped);
    assert_true(rows > 0);
    assert_int_equal(agree, rows);
}

/* main - one cmocka test per claimed module */
int main(void)
{
    struct CMUnitTest tests[sizeof claims / sizeof claims[0]];

    for (size_t i = 0; i < sizeof claims / sizeof claims[0]; i++) {
        tests[i] = (struct CMUnitTest){claims[i].module, test_module, NULL,
                                       NULL, (void *)&claims[i]};
    }
    return _cmocka_run_group_tests("stdnum_vectors", tests,
                                   sizeof tests / sizeof tests[0], NULL, NULL);
}
