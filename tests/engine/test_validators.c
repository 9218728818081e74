/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * test_validators - named cases for every entity validator.
 *
 * The main table goes through pg_engine_validate(), so each case also
 * exercises the entity's preparation (compaction, the raw form for CRYPTO,
 * the signed form for SE/FI, the SSN grouping rule). Valid cases come from
 * published examples or were built with their check digits; invalid ones
 * are mostly hard negatives: one digit off, a checksum-valid number in a
 * range never issued, a filler run that passes the sum.
 *
 * Smaller tables cover the generic check-digit functions and the per-state
 * driver's licence formats, and a few tests the bounds: over-long input,
 * NULL, entities without a validator.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "engine/validate.h"

struct vcase {
    const char *name;
    pg_entity entity;
    const char *value;
    bool valid;
};

#define OK(ent, v, why) {why, PG_ENT_##ent, v, true}
#define NO(ent, v, why) {why, PG_ENT_##ent, v, false}

static const struct vcase cases[] = {
    /* CREDIT_CARD */
    OK(CREDIT_CARD, "4111 1111 1111 1111", "visa test card, spaced"),
    OK(CREDIT_CARD, "4012888888881881", "visa"),
    OK(CREDIT_CARD, "5555-5555-5555-4444", "mastercard, dashed"),
    OK(CREDIT_CARD, "2223003122003222", "mastercard 2-series"),
    OK(CREDIT_CARD, "378282246310005", "amex 15 digits"),
    OK(CREDIT_CARD, "6011111111111117", "discover"),
    OK(CREDIT_CARD, "30569309025904", "diners 14 digits"),
    OK(CREDIT_CARD, "3530111333300000", "jcb"),
    OK(CREDIT_CARD, "6200000000000005", "unionpay"),
    OK(CREDIT_CARD, "6759649826438453", "maestro"),
    OK(CREDIT_CARD, "2200000000000004", "mir"),
    NO(CREDIT_CARD, "4111111111111112", "luhn off by one"),
    NO(CREDIT_CARD, "1234567812345670", "luhn-valid, no issuer starts with 1"),
    NO(CREDIT_CARD, "3714496353984306", "amex prefix at 16 digits"),
    NO(CREDIT_CARD, "41111111111111113", "visa at 17 digits"),
    NO(CREDIT_CARD, "0000000000000", "luhn-valid filler"),
    NO(CREDIT_CARD, "411111111111", "12 digits"),
    NO(CREDIT_CARD, "41111111111111111111", "20 digits"),
    NO(CREDIT_CARD, "4111x11111111111", "stray letter"),
    /* IBAN_CODE */
    OK(IBAN_CODE, "GB82 WEST 1234 5698 7654 32", "UK, grouped"),
    OK(IBAN_CODE, "gb82west12345698765432", "lower case"),
    OK(IBAN_CODE, "DE89370400440532013000", "Germany"),
    OK(IBAN_CODE, "NL91ABNA0417164300", "Netherlands"),
    OK(IBAN_CODE, "BE68539007547034", "Belgium, national check"),
    OK(IBAN_CODE, "ES9121000418450200051332", "Spain, CCC check"),
    OK(IBAN_CODE, "NO9386011117947", "Norway, kontonummer check"),
    OK(IBAN_CODE, "ME25505000012345678951", "Montenegro, national check"),
    OK(IBAN_CODE, "FK88SC123456789012", "Falklands, registered 2023"),
    OK(IBAN_CODE, "YE15CBYE0001018861234567891234", "Yemen, registered 2024"),
    NO(IBAN_CODE, "GB82WEST12345698765431", "mod 97 fails"),
    NO(IBAN_CODE, "NL56 3003 0A17 1643 00", "NL bank code must be letters"),
    NO(IBAN_CODE, "GB82WEST1234569876543", "one short of GB's 22"),
    NO(IBAN_CODE, "BE41539007547035", "mod 97 ok, Belgian check fails"),
    NO(IBAN_CODE, "ES6421000418450200051333", "mod 97 ok, CCC fails"),
    NO(IBAN_CODE, "NO6686011117948", "mod 97 ok, kontonummer fails"),
    NO(IBAN_CODE, "ME95505000012345678952", "mod 97 ok, ME check fails"),
    NO(IBAN_CODE, "QQ9312345678", "no such country"),
    NO(IBAN_CODE, "GBXXWEST12345698765432", "check digits not digits"),
    /* ABA_ROUTING_NUMBER */
    OK(ABA_ROUTING_NUMBER, "111000025", "stdnum example"),
    OK(ABA_ROUTING_NUMBER, "021000021", "a Fed district 2 bank"),
    OK(ABA_ROUTING_NUMBER, "800000022", "traveller's cheques, 80 prefix"),
    NO(ABA_ROUTING_NUMBER, "111000026", "check digit off"),
    NO(ABA_ROUTING_NUMBER, "131000021", "checksum ok, prefix 13 unused"),
    NO(ABA_ROUTING_NUMBER, "330000026", "checksum ok, prefix 33 unused"),
    NO(ABA_ROUTING_NUMBER, "810000025", "checksum ok, prefix 81 unused"),
    NO(ABA_ROUTING_NUMBER, "000000000", "all zero passes the sum"),
    NO(ABA_ROUTING_NUMBER, "11100002", "8 digits"),
    /* US_BANK_NUMBER */
    OK(US_BANK_NUMBER, "12345678", "8 digits"),
    OK(US_BANK_NUMBER, "1234 5678 9012 3456 7", "17 digits"),
    NO(US_BANK_NUMBER, "1234567", "7 digits"),
    NO(US_BANK_NUMBER, "123456789012345678", "18 digits"),
    NO(US_BANK_NUMBER, "12345678A", "letter"),
    /* SWIFT_CODE */
    OK(SWIFT_CODE, "DEUTDEFF", "8 characters"),
    OK(SWIFT_CODE, "DEUTDEFF500", "11 characters"),
    OK(SWIFT_CODE, "ABNA BE 2A", "stdnum, spaced"),
    OK(SWIFT_CODE, "nedszajjxxx", "lower case"),
    NO(SWIFT_CODE, "DEUTQQFF", "QQ is no country"),
    NO(SWIFT_CODE, "AGRIF2PP", "digit in country"),
    NO(SWIFT_CODE, "DEU1DEFF", "digit in bank code"),
    NO(SWIFT_CODE, "DEUTDEFF5", "9 characters"),
    /* CRYPTO */
    OK(CRYPTO, "1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2", "P2PKH"),
    OK(CRYPTO, "  1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2 ", "P2PKH, padded"),
    OK(CRYPTO, "3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy", "P2SH"),
    OK(CRYPTO, "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4", "P2WPKH"),
    OK(CRYPTO, "BC1QW508D6QEJXTDG4Y5R3ZARVARY0C5XW7KV8F3T4", "P2WPKH, upper"),
    OK(CRYPTO, "bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqzk5jj0",
       "taproot, bech32m"),
    OK(CRYPTO, "BC1SW50QGDZ25J", "v16, bech32m"),
    NO(CRYPTO, "1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN3", "base58 checksum"),
    NO(CRYPTO, "1bvbmseystwetqtfn5au4m4gfg7xjanvn2", "base58 case matters"),
    NO(CRYPTO, "1NEDqZPvTWRaoho48qXu==srYomMXPABfD", "not base58"),
    NO(CRYPTO, "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kemeawh", "v0 with bech32m"),
    NO(CRYPTO, "bc1qW508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4", "mixed case"),
    NO(CRYPTO, "tb1qw508d6qejxtdg4y5r3zarvary0c5xw7kxpjzsx", "testnet"),
    NO(CRYPTO, "bc1pc54a7w", "program too short"),
    /* US_SSN */
    OK(US_SSN, "536-90-4399", "dashed"),
    OK(US_SSN, "536 90 4399", "spaced"),
    OK(US_SSN, "536904399", "bare"),
    NO(US_SSN, "1112-23333", "separators out of place"),
    NO(US_SSN, "536-90 4399", "mixed separators"),
    NO(US_SSN, "666-12-3456", "area 666"),
    NO(US_SSN, "000-12-3456", "area 000"),
    NO(US_SSN, "912-70-1234", "area 9xx is ITIN space"),
    NO(US_SSN, "536-00-4399", "group 00"),
    NO(US_SSN, "536-90-0000", "serial 0000"),
    NO(US_SSN, "078-05-1120", "Woolworth wallet card"),
    NO(US_SSN, "219-09-9999", "SSA pamphlet"),
    NO(US_SSN, "123-45-6789", "placeholder"),
    NO(US_SSN, "987-65-4321", "advertising block"),
    /* US_ITIN */
    OK(US_ITIN, "912-90-3456", "group 90"),
    OK(US_ITIN, "900-70-0000", "group 70"),
    OK(US_ITIN, "999-99-9999", "group 99"),
    NO(US_ITIN, "912-93-4567", "group 93"),
    NO(US_ITIN, "912-89-4567", "group 89"),
    NO(US_ITIN, "912-69-4567", "group 69"),
    NO(US_ITIN, "812-90-3456", "not 9xx"),
    NO(US_ITIN, "9129-03456", "separator out of place"),
    /* US_PASSPORT */
    OK(US_PASSPORT, "123456789", "book, 9 digits"),
    OK(US_PASSPORT, "A12345678", "next generation"),
    NO(US_PASSPORT, "AB1234567", "two letters"),
    NO(US_PASSPORT, "12345678", "8 digits"),
    NO(US_PASSPORT, "1234567890", "10 digits"),
    /* US_DRIVER_LICENSE (any state; per-state cases below) */
    OK(US_DRIVER_LICENSE, "A1234567", "California shape"),
    OK(US_DRIVER_LICENSE, "A123-4567-8901-2", "Florida shape"),
    OK(US_DRIVER_LICENSE, "12345678", "8 digits"),
    OK(US_DRIVER_LICENSE, "WDL1A2B3C4D5", "Washington WDL"),
    OK(US_DRIVER_LICENSE, "12ABC34567", "New Hampshire"),
    NO(US_DRIVER_LICENSE, "ABCDEFGH", "letters only"),
    NO(US_DRIVER_LICENSE, "123456", "6 digits"),
    NO(US_DRIVER_LICENSE, "123456789012345", "15 digits"),
    NO(US_DRIVER_LICENSE, "A1B2C", "5 characters"),
    NO(US_DRIVER_LICENSE, "A1B2C3D4", "no state's shape"),
    /* US_NPI */
    OK(US_NPI, "1234567893", "CMS example"),
    NO(US_NPI, "1234567890", "check digit off"),
    NO(US_NPI, "3234567891", "must start 1 or 2"),
    NO(US_NPI, "123456789", "9 digits"),
    /* MEDICAL_LICENSE (DEA) */
    OK(MEDICAL_LICENSE, "AB1234563", "practitioner"),
    OK(MEDICAL_LICENSE, "m91234563", "business, lower case"),
    NO(MEDICAL_LICENSE, "AB1234564", "check digit off"),
    NO(MEDICAL_LICENSE, "QB1234563", "no registrant type Q"),
    NO(MEDICAL_LICENSE, "A11234563", "second place digit other than 9"),
    NO(MEDICAL_LICENSE, "AB123456", "too short"),
    /* US_MBI */
    OK(US_MBI, "1EG4-TE5-MK73", "CMS example"),
    OK(US_MBI, "9AA0A00AA00", "all-letter AN places"),
    NO(US_MBI, "0EG4TE5MK73", "first digit 0"),
    NO(US_MBI, "1SG4TE5MK73", "S is excluded"),
    NO(US_MBI, "1EG4TE5MK7A", "last place must be a digit"),
    NO(US_MBI, "1EG4TE5MK7", "10 characters"),
    /* UK_NINO */
    OK(UK_NINO, "AB123456C", "plain"),
    OK(UK_NINO, "AB 12 34 56 C", "spaced"),
    NO(UK_NINO, "DA123456C", "first letter D"),
    NO(UK_NINO, "AO123456C", "second letter O"),
    NO(UK_NINO, "BG123456A", "BG prefix"),
    NO(UK_NINO, "AB123456E", "suffix E"),
    NO(UK_NINO, "AB12345C", "5 digits"),
    /* UK_NHS */
    OK(UK_NHS, "943 476 5870", "stdnum example"),
    NO(UK_NHS, "9434765871", "check digit off"),
    NO(UK_NHS, "4444444444", "filler passes MOD 11"),
    NO(UK_NHS, "943476587", "9 digits"),
    /* CA_SIN */
    OK(CA_SIN, "123-456-782", "stdnum example"),
    NO(CA_SIN, "046 454 286", "luhn-valid, 0 is for fictitious SINs"),
    NO(CA_SIN, "123456783", "luhn off"),
    NO(CA_SIN, "12345678Z", "letter"),
    /* AU_TFN */
    OK(AU_TFN, "123 456 782", "stdnum example"),
    OK(AU_TFN, "876 543 210", "stdnum example"),
    NO(AU_TFN, "123456789", "sum not divisible"),
    NO(AU_TFN, "000000000", "zero filler"),
    /* AU_MEDICARE */
    OK(AU_MEDICARE, "2123 45670 1", "10 digits"),
    OK(AU_MEDICARE, "21234567011", "with reference number"),
    NO(AU_MEDICARE, "2123456711", "check digit off"),
    NO(AU_MEDICARE, "7123456701", "first digit 7"),
    /* IN_AADHAAR */
    OK(IN_AADHAAR, "2341 2341 2346", "stdnum example"),
    NO(IN_AADHAAR, "234123412347", "verhoeff off"),
    NO(IN_AADHAAR, "123412341234", "starts with 1"),
    NO(IN_AADHAAR, "222226622222", "verhoeff-valid palindrome"),
    /* IN_PAN */
    OK(IN_PAN, "ABCPD1234E", "individual"),
    OK(IN_PAN, "aakfd7113k", "firm, lower case"),
    NO(IN_PAN, "ABCXD1234E", "no holder type X"),
    NO(IN_PAN, "ABCPD0000E", "serial 0000"),
    NO(IN_PAN, "ABCPD1234", "9 characters"),
    /* NL_BSN */
    OK(NL_BSN, "1112.22.333", "dotted"),
    OK(NL_BSN, "10000008", "8 digits"),
    NO(NL_BSN, "111252333", "elfproef fails"),
    NO(NL_BSN, "000000000", "zero"),
    NO(NL_BSN, "1112223334", "10 digits"),
    /* ES_NIF */
    OK(ES_NIF, "54362315-K", "DNI"),
    OK(ES_NIF, "M-1234567-L", "M form"),
    NO(ES_NIF, "54362315Z", "wrong letter"),
    NO(ES_NIF, "54362315", "no letter"),
    NO(ES_NIF, "X5253868R", "an NIE is ES_NIE"),
    NO(ES_NIF, "B64717838", "company CIF"),
    /* ES_NIE */
    OK(ES_NIE, "x-2482300w", "X, lower case"),
    OK(ES_NIE, "Y1234567X", "Y"),
    OK(ES_NIE, "Z7654321H", "Z"),
    NO(ES_NIE, "X2482300A", "wrong letter"),
    NO(ES_NIE, "A2482300W", "prefix A"),
    /* IT_FISCAL_CODE */
    OK(IT_FISCAL_CODE, "MRTNTN23M02D969P", "man"),
    OK(IT_FISCAL_CODE, "CNTCHR83T41D969D", "woman, day + 40"),
    OK(IT_FISCAL_CODE, "RSSMRAQRCMNFNLRG", "full omocodia"),
    OK(IT_FISCAL_CODE, "RSSMRA00B29F205B", "29 Feb 2000"),
    OK(IT_FISCAL_CODE, "00743110157", "numeric code"),
    NO(IT_FISCAL_CODE, "RSSMRA01B29F205C", "29 Feb 2001"),
    NO(IT_FISCAL_CODE, "FOXDRA26C24H872A", "check letter off"),
    NO(IT_FISCAL_CODE, "CSTNGL22I10D086I", "no month I"),
    NO(IT_FISCAL_CODE, "CNTCHR83T32D969H", "day 32"),
    NO(IT_FISCAL_CODE, "00743110158", "numeric, luhn off"),
    /* PL_PESEL */
    OK(PL_PESEL, "44051401359", "1944"),
    OK(PL_PESEL, "02270803624", "2002, month + 20"),
    NO(PL_PESEL, "44051401358", "check digit off"),
    NO(PL_PESEL, "02381307589", "month 38"),
    /* FR_NIR */
    OK(FR_NIR, "2 95 10 99 126 111 93", "spaced"),
    OK(FR_NIR, "253072B07300470", "Haute-Corse"),
    OK(FR_NIR, "253072A07300443", "Corse-du-Sud"),
    NO(FR_NIR, "253072C07300443", "no department 2C"),
    NO(FR_NIR, "295109912611199", "key off"),
    /* DE_TAX_ID */
    OK(DE_TAX_ID, "36 574 261 809", "one digit twice"),
    OK(DE_TAX_ID, "11234567890", "one digit twice, leading"),
    OK(DE_TAX_ID, "11123456786", "one digit thrice"),
    NO(DE_TAX_ID, "12345678903", "no digit repeated"),
    NO(DE_TAX_ID, "11112345678", "a digit four times"),
    NO(DE_TAX_ID, "11223456785", "two digits repeated"),
    NO(DE_TAX_ID, "01234567896", "leading zero"),
    NO(DE_TAX_ID, "36574261890", "check digit off"),
    /* SE_PERSONNUMMER */
    OK(SE_PERSONNUMMER, "880320-0016", "dash"),
    OK(SE_PERSONNUMMER, "880320+0016", "centenarian plus"),
    OK(SE_PERSONNUMMER, "198803200016", "12 digits"),
    OK(SE_PERSONNUMMER, "8803-20-0016", "odd dashes in the date"),
    OK(SE_PERSONNUMMER, "880380-0021", "samordningsnummer, day + 60"),
    OK(SE_PERSONNUMMER, "000229-1235", "29 Feb 2000"),
    NO(SE_PERSONNUMMER, "000229+1235", "29 Feb 1900"),
    NO(SE_PERSONNUMMER, "880320-0018", "luhn off"),
    NO(SE_PERSONNUMMER, "8899200425", "month 99"),
    NO(SE_PERSONNUMMER, "19670-19-9535", "11 digits"),
    NO(SE_PERSONNUMMER, "880320/0016", "slash is no sign"),
    /* FI_PERSONAL_IDENTITY_CODE */
    OK(FI_PERSONAL_IDENTITY_CODE, "131052-308T", "1900s"),
    OK(FI_PERSONAL_IDENTITY_CODE, "131052a308t", "2000s, lower case"),
    OK(FI_PERSONAL_IDENTITY_CODE, "131052Y308T", "2023 sign Y (1900s)"),
    OK(FI_PERSONAL_IDENTITY_CODE, "290200A1239", "29 Feb 2000"),
    NO(FI_PERSONAL_IDENTITY_CODE, "290200-1239", "29 Feb 1900"),
    NO(FI_PERSONAL_IDENTITY_CODE, "131052-308U", "control off"),
    NO(FI_PERSONAL_IDENTITY_CODE, "131052/308T", "slash is no sign"),
    NO(FI_PERSONAL_IDENTITY_CODE, "131052308T", "sign missing"),
    NO(FI_PERSONAL_IDENTITY_CODE, "131052-901X", "temporary number"),
    NO(FI_PERSONAL_IDENTITY_CODE, "010190-001P", "individual 001"),
    /* BR_CPF */
    OK(BR_CPF, "390.533.447-05", "formatted"),
    NO(BR_CPF, "231.002.999-00", "check digits off"),
    NO(BR_CPF, "111.111.111-11", "filler passes both digits"),
    NO(BR_CPF, "390.533.447=05", "stray byte"),
    /* DK_CPR */
    OK(DK_CPR, "211062-5629", "1962"),
    OK(DK_CPR, "290200-4000", "29 Feb 2000 (digit 4, year <= 36)"),
    OK(DK_CPR, "010158-5000", "1858 (digit 5, year >= 58)"),
    NO(DK_CPR, "290200-0000", "29 Feb 1900"),
    NO(DK_CPR, "511062-5629", "day 51"),
    NO(DK_CPR, "2110525629", "born 2052"),
    /* NO_FODSELSNUMMER */
    OK(NO_FODSELSNUMMER, "151086 95088", "1986"),
    OK(NO_FODSELSNUMMER, "41048744794", "D-number"),
    OK(NO_FODSELSNUMMER, "15054600035", "H-number"),
    NO(NO_FODSELSNUMMER, "15108695077", "check digits off"),
    NO(NO_FODSELSNUMMER, "81048700039", "FH-number"),
    NO(NO_FODSELSNUMMER, "01013950187", "born 2039"),
    NO(NO_FODSELSNUMMER, "01014550050", "no century for 500-749 in '45"),
};

/* test_case - one named case through pg_engine_validate() */
static void test_case(void **state)
{
    const struct vcase *c = *state;
    bool got = pg_engine_validate(c->entity, c->value, strlen(c->value));

    if (got != c->valid)
        print_error("%s: '%s' should be %s\n", pg_validator_for(c->entity)
                        ? c->name : "(no validator)",
                    c->value, c->valid ? "valid" : "invalid");
    assert_int_equal(got, c->valid);
}

struct gcase {
    const char *name;
    bool (*fn)(const char *, size_t);
    const char *value;
    bool valid;
};

static const struct gcase generic[] = {
    {"luhn 79927398713", pg_luhn, "79927398713", true},
    {"luhn 79927398710", pg_luhn, "79927398710", false},
    {"luhn empty", pg_luhn, "", false},
    {"luhn non-digit", pg_luhn, "7992739871A", false},
    {"verhoeff 2363", pg_verhoeff, "2363", true},
    {"verhoeff 2364", pg_verhoeff, "2364", false},
    {"mod97 IBAN body", pg_mod97_10, "WEST12345698765432GB82", true},
    {"mod97 lower case", pg_mod97_10, "west12345698765432gb82", false},
    {"mod97 empty", pg_mod97_10, "", false},
    {"mod11,10 794623", pg_mod11_10, "794623", true},
    {"mod11,10 794624", pg_mod11_10, "794624", false},
    {"mod11-2 079X", pg_mod11_2, "079X", true},
    {"mod11-2 X inside", pg_mod11_2, "07X9", false},
};

/* test_generic - the check-digit functions on the bytes as given */
static void test_generic(void **state)
{
    const struct gcase *c = *state;

    assert_int_equal(c->fn(c->value, strlen(c->value)), c->valid);
}

struct dlcase {
    const char *state;
    const char *value;
    bool valid;
};

static const struct dlcase dl[] = {
    {"CA", "A1234567", true},       {"CA", "12345678", false},
    {"CA", "A12345678", false},     {"NY", "123456789", true},
    {"NY", "A1234567", true},       {"NY", "A123456789012345678", true},
    {"TX", "12345678", true},       {"TX", "A1234567", false},
    {"FL", "A123456789012", true},  {"FL", "A12345678", false},
    {"IL", "A12345678901", true},   {"IL", "A1234567890", false},
    {"WA", "WDL1A2B3C4D5", true},   {"WA", "SMITHJD123AB", true},
    {"WA", "12345678", false},      {"PA", "12345678", true},
    {"PA", "1234567", false},       {"OH", "AB123456", true},
    {"OH", "A1234", true},          {"OH", "ABC12345", false},
    {"MI", "A1234567890", true},    {"MI", "A123456789012", true},
    {"MI", "A12345678901", false},  {"NJ", "A12345678901234", true},
    {"NJ", "A1234567890123", false}, {"MO", "A123456R", true},
    {"ZZ", "A1234567", false},      {"ca", "A1234567", false},
};

/* test_dl_states - pg_us_dl_state_format() per state */
static void test_dl_states(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof dl / sizeof dl[0]; i++) {
        bool got = pg_us_dl_state_format(dl[i].state, dl[i].value,
                                         strlen(dl[i].value));

        if (got != dl[i].valid)
            print_error("%s '%s' should be %s\n", dl[i].state, dl[i].value,
                        dl[i].valid ? "valid" : "invalid");
        assert_int_equal(got, dl[i].valid);
    }
}

/* test_bounds - refusals that come before any validator runs */
static void test_bounds(void **state)
{
    char big[4096];

    (void)state;
    memset(big, '4', sizeof big);
    assert_false(pg_engine_validate(PG_ENT_CREDIT_CARD, big, sizeof big));
    assert_false(pg_engine_validate(PG_ENT_CREDIT_CARD, NULL, 0));
    assert_false(pg_engine_validate(PG_ENT_CREDIT_CARD, "", 0));
    assert_false(pg_engine_validate(PG_ENT_CREDIT_CARD, "   ", 3));
    assert_false(pg_engine_validate(PG_ENT_EMAIL_ADDRESS, "a@b.c", 5));
    assert_false(pg_engine_validate(PG_ENT_COUNT, "4111111111111111", 16));
    assert_null(pg_validator_for(PG_ENT_PERSON));
    assert_null(pg_validator_for(PG_ENT_COUNT));
    for (int e = 0; e <= PG_ENT_NO_FODSELSNUMMER; e++) {
        assert_non_null(pg_validator_for((pg_entity)e));
        /* Every validator refuses an over-long compact form by length. */
        assert_false(pg_validator_for((pg_entity)e)(big, sizeof big));
        assert_false(pg_validator_for((pg_entity)e)(big, 0));
    }
}

/* test_compact - separators dropped, case folded, other bytes refused */
static void test_compact(void **state)
{
    char out[8];

    (void)state;
    assert_int_equal(pg_validate_compact(out, sizeof out, "a-b c.d/e", 9), 5);
    assert_memory_equal(out, "ABCDE", 5);
    assert_int_equal(pg_validate_compact(out, sizeof out, "12_3", 4),
                     (size_t)-1);
    assert_int_equal(pg_validate_compact(out, sizeof out, "123456789", 9),
                     (size_t)-1);
    assert_int_equal(pg_validate_compact(out, sizeof out, "12345678", 8), 8);
    /* CRYPTO keeps case; FI keeps its sign; SSN checks the grouping. */
    assert_int_equal(pg_validate_prepare(out, sizeof out, PG_ENT_CRYPTO,
                                         " aB c ", 6), 3);
    assert_memory_equal(out, "aBc", 3);
    assert_int_equal(pg_validate_prepare(out, sizeof out,
                                         PG_ENT_FI_PERSONAL_IDENTITY_CODE,
                                         "1a-", 3), 3);
    assert_memory_equal(out, "1A-", 3);
    assert_int_equal(pg_validate_prepare(out, sizeof out, PG_ENT_US_SSN,
                                         "12-3", 4), (size_t)-1);
}

/* main - one cmocka test per named case, then the smaller tables */
int main(void)
{
    enum { NCASES = sizeof cases / sizeof cases[0],
           NGEN = sizeof generic / sizeof generic[0] };
    struct CMUnitTest tests[NCASES + NGEN + 3];
    size_t k = 0;

    for (size_t i = 0; i < NCASES; i++)
        tests[k++] = (struct CMUnitTest){cases[i].name, test_case, NULL, NULL,
                                         (void *)&cases[i]};
    for (size_t i = 0; i < NGEN; i++)
        tests[k++] = (struct CMUnitTest){generic[i].name, test_generic, NULL,
                                         NULL, (void *)&generic[i]};
    tests[k++] = (struct CMUnitTest){"dl per state", test_dl_states, NULL,
                                     NULL, NULL};
    tests[k++] = (struct CMUnitTest){"bounds", test_bounds, NULL, NULL, NULL};
    tests[k++] = (struct CMUnitTest){"compact", test_compact, NULL, NULL,
                                     NULL};
    return _cmocka_run_group_tests("validators", tests, k, NULL, NULL);
}
