/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * test_mime_encrypt.c - encryption is decided by the bytes, not the label.
 *
 * A table of the messages in tests/message/data (made with openssl and gpg,
 * see data/README): real S/MIME enveloped data (DER and streamed BER), PGP/MIME,
 * inline PGP and a binary .gpg attachment are encrypted; signatures are
 * not, and their content is read (or, compressed inside a signed PGP
 * message, listed as unreadable); fakes - a pkcs7 label over plain text,
 * "PGP MESSAGE" armour around base64 text, a signature part holding text -
 * are read and their PII found; an encrypted part beside a clear one leaves
 * the message unencrypted and is listed as uninspectable.
 */
#include "message/mime_testutil.h"

struct crypt_case {
    const char *file;
    bool encrypted;
    const char *pii_path; /* where an SSN must be found, or NULL: no finding */
    const char *unins;    /* a reason that must be listed, or NULL: none */
};

static const struct crypt_case cases[] = {
    {"smime_enveloped.eml", true, NULL, NULL},
    {"smime_enveloped_ber.eml", true, NULL, NULL},
    {"smime_fake.eml", false, "1", NULL},
    {"smime_mixed.eml", false, "1", "encrypted part (S/MIME) beside clear parts"},
    {"smime_opaque.eml", false, "1/1", NULL},
    {"smime_opaque_ber.eml", false, "1/1", NULL},
    {"smime_detached.eml", false, "1", NULL},
    {"pgp_mime.eml", true, NULL, NULL},
    {"pgp_mime_fake.eml", false, "2/attachment:encrypted.asc", NULL},
    {"pgp_inline.eml", true, NULL, NULL},
    {"pgp_inline_mixed.eml", false, "1", NULL},
    {"pgp_inline_fake.eml", false, "1/pgp-armour", NULL},
    {"pgp_signed_inline.eml", false, NULL, "PGP data that is not encrypted could not be read"},
    {"pgp_binary.eml", true, NULL, NULL},
    {"pgp_signed.eml", false, "1", NULL},
    {"pgp_signed_fake.eml", false, "2/attachment:signature.asc", NULL},
    {"pgp_clearsigned.eml", false, "1", NULL},
};

/* check - one file against its row */
static bool check(void **state, const struct crypt_case *c)
{
    size_t len;
    char *raw = tm_read(c->file, &len);
    pg_msg *m = tm_parse_n(raw, len, NULL);
    bool ok = true;

    tm_scan(m, state);
    if (pg_msg_encrypted(m) != c->encrypted) {
        print_error("%s: encrypted should be %d\n", c->file, c->encrypted);
        ok = false;
    }
    size_t ssn = 0;
    for (size_t i = 0; i < pg_msg_finding_count(m); i++)
        ssn += pg_msg_finding_at(m, i)->f.entity == PG_ENT_US_SSN;
    if (c->pii_path ? !tm_find(m, c->pii_path, PG_ENT_US_SSN) : ssn != 0) {
        print_error("%s: SSN expected %s%s\n", c->file, c->pii_path ? "in " : "nowhere",
                    c->pii_path ? c->pii_path : "");
        ok = false;
    }
    if (c->unins ? !tm_unins(m, NULL, c->unins) : pg_msg_uninspectable_count(m) != 0) {
        print_error("%s: uninspectable should be %s\n", c->file, c->unins ? c->unins : "empty");
        ok = false;
    }
    if (!ok)
        tm_dump(m);
    pg_msg_free(m);
    free(raw);
    return ok;
}

/* test_files - the whole table */
static void test_files(void **state)
{
    int failed = 0;

    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
        failed += !check(state, &cases[i]);
    assert_int_equal(failed, 0);
}

/* test_subject_still_read - an encrypted body leaves the Subject readable */
static void test_subject_still_read(void **state)
{
    size_t len;
    char *raw = tm_read("pgp_mime.eml", &len);
    char *old = strstr(raw, "Subject: pgp/mime\n");
    char *msg = malloc(len + 64);

    assert_non_null(old);
    assert_non_null(msg);
    int n = snprintf(msg, len + 64, "%.*sSubject: my SSN 536-22-1234\n%s", (int)(old - raw),
                     raw, old + strlen("Subject: pgp/mime\n"));
    pg_msg *m = tm_parse_n(msg, (size_t)n, NULL);
    tm_scan(m, state);
    assert_true(pg_msg_encrypted(m));
    assert_non_null(tm_find(m, "header:subject", PG_ENT_US_SSN));
    pg_msg_free(m);
    free(msg);
    free(raw);
}

/* test_cms_kinds - the DER decides, whatever the label says */
static void test_cms_kinds(void **state)
{
    static const char fake_der[] =
        "Subject: x\nContent-Type: application/pkcs7-mime; smime-type=enveloped-data\n"
        "Content-Transfer-Encoding: base64\n\n"
        "MBIGCSqGSIb3DQEHA6AFMAMCAQA=\n"; /* SEQUENCE{envelopedData,[0]{SEQ{INT 0}}} */
    static const char not_cms[] =
        "Subject: x\nContent-Type: application/pkcs7-mime; smime-type=enveloped-data\n"
        "Content-Transfer-Encoding: base64\n\nMAMCAQA=\n"; /* SEQUENCE{INT 0} */
    static const char clear_in_envelope[] = /* enveloped data holding text */
        "Subject: x\nContent-Type: application/pkcs7-mime; smime-type=enveloped-data\n"
        "Content-Transfer-Encoding: base64\n\n"
        "MIFhBgkqhkiG9w0BBwOgVDBSAgEABE1DdXN0b21lciByZWNvcmQ6IFNTTiA1MzYtMjItMTIzNCwgY2Fy"
        "ZCA0MTExIDExMTEgMTExMSAxMTExLCBjYWxsIGJhY2sgcGxlYXNlLg==\n";
    static const char trailing_text[] = /* a tiny envelope, then clear text */
        "Subject: x\nContent-Type: application/pkcs7-mime; smime-type=enveloped-data\n"
        "Content-Transfer-Encoding: base64\n\n"
        "MBIGCSqGSIb3DQEHA6AFMAMCAQBTU04gNTM2LTIyLTEyMzQ=\n";
    pg_msg *m = tm_parse(fake_der);

    (void)state;
    assert_true(pg_msg_encrypted(m)); /* structurally enveloped data: believed */
    pg_msg_free(m);
    m = tm_parse(not_cms);
    assert_false(pg_msg_encrypted(m));
    pg_msg_free(m);
    m = tm_parse(clear_in_envelope); /* not believed; not readable either */
    assert_false(pg_msg_encrypted(m));
    assert_true(pg_msg_uninspectable_count(m) > 0);
    pg_msg_free(m);
    m = tm_parse(trailing_text);
    assert_false(pg_msg_encrypted(m));
    pg_msg_free(m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_files),
        cmocka_unit_test(test_subject_still_read),
        cmocka_unit_test(test_cms_kinds),
    };

    return cmocka_run_group_tests(tests, tm_setup, tm_teardown);
}
