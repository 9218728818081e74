/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * context.c - context words: the words near a candidate that make it
 * likely (or, for context-required types, possible at all).
 *
 * Words are whole-word and case-insensitive, searched in a window of
 * opts.context_window bytes on each side. A context id is
 * entity * CTX_STRIDE + index, so pg_context_word() needs no table of its
 * own. The lists follow Presidio's where Presidio has one, plus the words
 * customer-service mail actually uses.
 *
 * A window is searched in place (context_scan.c): the word starts among
 * its first 64 whose byte begins one of the entity's keywords are found
 * from bit masks, and only those whose second byte fits too are compared
 * with the keywords, byte by byte. The lists are indexed once: the
 * entities' in the engine, engine_words_near()'s in the scratch. The
 * window is what the old copy was, quirks included: a candidate's own
 * window reads the candidate's bytes as spaces (so "ssn" inside an
 * e-mail local part is not context for itself, and the words either
 * side of it start or end there); a cluster's shared window
 * blanks nothing and reaches context_window past the cluster's end; the
 * window is clipped to CTX_WINDOW_CAP bytes and reads as zeros after its
 * end, so a keyword may end there even where the text goes on; and
 * keywords after the 64th word start are not seen.
 */
#include <stdlib.h>
#include <string.h>

#include "engine/context_scan.h"

#define CTX_STRIDE 64

#define W(...) (const char *const[]){__VA_ARGS__, NULL}

static const char *const *const ctx_words[PG_ENT_COUNT] = {
    [PG_ENT_CREDIT_CARD] = W("credit", "card", "visa", "mastercard", "amex",
        "discover", "debit", "cc", "cvv", "expiry", "exp", "payment", "jcb", "maestro"),
    [PG_ENT_IBAN_CODE] = W("iban", "bank", "account", "transfer", "sepa"),
    [PG_ENT_ABA_ROUTING_NUMBER] = W("aba", "routing", "rtn", "transit", "bank",
        "ach", "wire", "routing number"),
    [PG_ENT_US_BANK_NUMBER] = W("bank account", "account number", "acct",
        "checking", "savings", "account no", "account #", "bank", "account"),
    [PG_ENT_SWIFT_CODE] = W("swift", "bic", "bank", "wire", "swift code", "bic code"),
    [PG_ENT_CRYPTO] = W("bitcoin", "btc", "wallet", "crypto", "address"),
    [PG_ENT_US_SSN] = W("ssn", "ssns", "social security", "social", "security number",
        "ss#", "ss #", "ssid", "soc sec"),
    [PG_ENT_US_ITIN] = W("itin", "individual taxpayer", "taxpayer", "tax id", "tin"),
    [PG_ENT_US_PASSPORT] = W("passport", "passport number", "passport no",
        "passport#", "travel document"),
    [PG_ENT_US_DRIVER_LICENSE] = W("driver", "drivers", "driver's", "license",
        "licence", "dl", "dln", "driving", "permit", "lic"),
    [PG_ENT_US_NPI] = W("npi", "national provider", "provider", "prescriber"),
    [PG_ENT_MEDICAL_LICENSE] = W("dea", "medical license", "registration",
        "prescriber", "license"),
    [PG_ENT_US_MBI] = W("mbi", "medicare", "beneficiary", "medicare number"),
    [PG_ENT_UK_NINO] = W("national insurance", "nino", "ni number", "ni no", "nin", "insurance"),
    [PG_ENT_UK_NHS] = W("nhs", "health service", "nhs number", "patient"),
    [PG_ENT_CA_SIN] = W("sin", "social insurance", "nas", "insurance number"),
    [PG_ENT_AU_TFN] = W("tfn", "tax file", "tax file number"),
    [PG_ENT_AU_MEDICARE] = W("medicare", "medicare card", "medicare number"),
    [PG_ENT_IN_AADHAAR] = W("aadhaar", "aadhar", "uidai", "uid"),
    [PG_ENT_IN_PAN] = W("pan", "permanent account", "income tax"),
    [PG_ENT_NL_BSN] = W("bsn", "burgerservicenummer", "sofinummer", "citizen service"),
    [PG_ENT_ES_NIF] = W("nif", "dni", "documento", "identidad"),
    [PG_ENT_ES_NIE] = W("nie", "extranjero", "foreigner"),
    [PG_ENT_IT_FISCAL_CODE] = W("codice fiscale", "fiscal code", "cf", "tax code"),
    [PG_ENT_PL_PESEL] = W("pesel"),
    [PG_ENT_FR_NIR] = W("nir", "insee", "securite sociale", "sécurité sociale",
        "social security", "carte vitale"),
    [PG_ENT_DE_TAX_ID] = W("steuer", "steuerid", "steuer-id", "idnr", "tax id",
        "steueridentifikationsnummer", "identifikationsnummer"),
    [PG_ENT_SE_PERSONNUMMER] = W("personnummer", "personal identity", "pnr"),
    [PG_ENT_FI_PERSONAL_IDENTITY_CODE] = W("hetu", "henkilötunnus",
        "henkilotunnus", "personal identity code", "identity code"),
    [PG_ENT_BR_CPF] = W("cpf", "cadastro"),
    [PG_ENT_DK_CPR] = W("cpr", "personnummer", "cpr-nummer"),
    [PG_ENT_NO_FODSELSNUMMER] = W("fødselsnummer", "fodselsnummer",
        "personnummer", "national identity number"),
    [PG_ENT_EMAIL_ADDRESS] = W("email", "e-mail", "mail"),
    [PG_ENT_PHONE_NUMBER] = W("phone", "telephone", "tel", "cell", "mobile",
        "call", "fax", "contact", "sms", "whatsapp"),
    [PG_ENT_IP_ADDRESS] = W("ip", "ip address", "address", "ipv4", "ipv6"),
    [PG_ENT_DATE_OF_BIRTH] = W("dob", "d.o.b", "birth", "born", "birthday",
        "birthdate", "date of birth", "b-day"),
    /* PERSON has none: its recognizer starts from cues ("Dear", "Mrs.",
     * "my name is", sign-offs), which are its context already, and names
     * are the most frequent finding in support mail, so a context window
     * per name was a fifth of the engine's work. */
    [PG_ENT_PASSWORD] = W("password", "passcode", "pwd", "passwd"),
    [PG_ENT_PIN] = W("pin", "pin code", "pin number"),
    [PG_ENT_PRIVATE_KEY] = W("key"),
    [PG_ENT_API_TOKEN] = W("token", "api", "key", "secret"),
};

/* pg_context_word - the context word with this id */
const char *pg_context_word(uint16_t id)
{
    unsigned e = id / CTX_STRIDE, i = id % CTX_STRIDE;

    if (e >= PG_ENT_COUNT || !ctx_words[e])
        return NULL;
    for (unsigned k = 0; k <= i; k++)
        if (!ctx_words[e][k])
            return NULL;
    return ctx_words[e][i];
}

/* Lists of engine_words_near() whose index the scratch keeps. */
#define CTX_NEAR_LISTS 4

/* A scratch's context state. A cluster's shared window keeps the answer
 * per entity, since every candidate of a cluster asks the same question.
 * The word lists of engine_words_near() are the recognizers' static
 * arrays, a handful of them asked thousands of times a scan, so their
 * indexes are kept too, by address; a list beyond CTX_NEAR_LISTS is
 * indexed on every call. */
struct ctx_window {
    bool memo_done[PG_ENT_COUNT];
    uint8_t memo_n[PG_ENT_COUNT];
    uint16_t memo_ids[PG_ENT_COUNT][PG_FINDING_MAX_CONTEXT];
    unsigned near_n;
    const char *const *near_list[CTX_NEAR_LISTS];
    ctx_index near_index[CTX_NEAR_LISTS];
};
typedef struct ctx_window ctx_window;

/* engine_window_new - a window cache for a scratch */
struct ctx_window *engine_window_new(void)
{
    return calloc(1, sizeof(ctx_window));
}

/* make_query - the window [from, to) clipped to CTX_WINDOW_CAP (and to
 * the view), [blank_from, blank_to) of it read as spaces */
static ctx_query make_query(const scan_ctx *ctx, size_t from, size_t to,
                            size_t blank_from, size_t blank_to)
{
    size_t n = to - from, avail = ctx->n - from;

    if (n > CTX_WINDOW_CAP)
        n = CTX_WINDOW_CAP;
    if (n > avail)
        n = avail;
    if (blank_to < blank_from)
        blank_to = blank_from;
    return (ctx_query){ctx->s + from, n, avail, blank_from, blank_to, 0, NULL};
}

/* window - the clipped context window around [start, end) */
static void window(const scan_ctx *ctx, size_t start, size_t end,
                   size_t *from, size_t *to)
{
    size_t w = ctx->engine->opts.context_window;

    *from = start > w ? start - w : 0;
    *to = end + w < ctx->n ? end + w : ctx->n;
}

/* window_query - the window of [start, end), the candidate blanked; an
 * empty span is a cluster's window, which reaches past the cluster */
static ctx_query window_query(const scan_ctx *ctx, size_t start, size_t end)
{
    size_t from, to;

    window(ctx, start, end, &from, &to);
    if (end == start)
        to = ctx->unit_end + ctx->engine->opts.context_window < ctx->n
                 ? ctx->unit_end + ctx->engine->opts.context_window : ctx->n;
    return make_query(ctx, from, to, start - from, end - from);
}

/* second_class - the by_second slot of a keyword's second byte. Only
 * the five low bits: a collision merely costs a byte compare. */
static inline unsigned second_class(unsigned char c)
{
    return c & 31u;
}

/* index_list - index the first 64 words of a list; a word that does not
 * start with a lower-case ASCII letter is never found. A one-byte word
 * is in every by_second slot, since the byte after it need only end the
 * word; it and a word whose second byte is a space (which a blanked
 * byte reads as) let every byte through the start finders' set. */
static void index_list(const char *const *words, ctx_index *x)
{
    memset(x, 0, sizeof(*x));
    for (unsigned k = 0; words[k] && k < 64; k++) {
        unsigned char c = (unsigned char)words[k][0];
        if (!is_lower(c))
            continue;
        x->letters |= 1u << (c - 'a');
        x->by_letter[c - 'a'] |= 1ull << k;
        unsigned char c1 = (unsigned char)words[k][1];
        if (!c1)
            for (unsigned i = 0; i < 32; i++)
                x->by_second[i] |= 1ull << k;
        else
            x->by_second[second_class(c1)] |= 1ull << k;
        if (!c1 || c1 == ' ')
            memset(x->second, 0xFF, sizeof(x->second));
        else
            x->second[(c1 | 0x20) & 15] |= (uint8_t)(1u << ctx_second_row(c1));
    }
}

/* engine_context_index - each entity's list, indexed once per engine */
void engine_context_index(pg_engine *engine)
{
    for (unsigned e = 0; e < PG_ENT_COUNT; e++)
        if (ctx_words[e])
            index_list(ctx_words[e], &engine->ctx_lists[e]);
}

/* word_at - does kw, whose first byte matched, run on from at to a word's
 * end? Bytes past the window read as zeros, which no keyword holds. */
static bool word_at(const ctx_query *q, size_t at, const char *kw)
{
    size_t k = 1;

    while (kw[k] && ctx_byte(q, at + k) == (unsigned char)kw[k])
        k++;
    return !kw[k] && !is_alnum(ctx_byte(q, at + k));
}

/* words_at - which of the words in want (bit k: words[k]) start at at */
static uint64_t words_at(const ctx_query *q, size_t at, const char *const *words,
                         uint64_t want)
{
    uint64_t hit = 0;

    for (; want; want &= want - 1)
        if (word_at(q, at, words[__builtin_ctzll(want)]))
            hit |= want & -want;
    return hit;
}

/* found_words - which words of the list occur in the window as whole
 * words (bit k: words[k]); with any, the scan stops at the first. The
 * start finder drops starts whose first and second bytes begin no
 * keyword apart (letters, second); a start left is compared only with
 * the words whose first two bytes it has together (by_letter &
 * by_second), which are few. */
static uint64_t found_words(const scan_ctx *ctx, ctx_query *q, const char *const *words,
                            const ctx_index *x, bool any)
{
    uint64_t starts[CTX_WINDOW_BLOCKS], found = 0;

    q->letters = x->letters;
    q->second = x->second;
    if (!q->letters || !q->n)
        return 0;
    size_t nb = ctx_starts_for(ctx->engine->isa)(q, starts);
    for (size_t j = 0; j < nb; j++)
        for (uint64_t m = starts[j]; m; m &= m - 1) {
            size_t at = 64 * j + (size_t)__builtin_ctzll(m);
            uint64_t want = x->by_letter[ctx_byte(q, at) - 'a'] &
                            x->by_second[second_class(ctx_byte(q, at + 1))] & ~found;
            if (!want)
                continue;
            found |= words_at(q, at, words, want);
            if (any && found)
                return found;
        }
    return found;
}

/* lookup - the context-word ids of one entity in one window: the first
 * PG_FINDING_MAX_CONTEXT found, in the entity's list order */
static unsigned lookup(const scan_ctx *ctx, ctx_query *q, pg_entity entity, uint16_t *ids)
{
    uint64_t found = found_words(ctx, q, ctx_words[entity], &ctx->engine->ctx_lists[entity],
                                 false);
    unsigned n = 0;

    for (; found && n < PG_FINDING_MAX_CONTEXT; found &= found - 1)
        ids[n++] = (uint16_t)(entity * CTX_STRIDE + (unsigned)__builtin_ctzll(found));
    return n;
}

/* in_cluster - does [start, end) lie in the cluster being recognised? */
static bool in_cluster(const scan_ctx *ctx, size_t start, size_t end)
{
    return ctx->win && ctx->unit_end > ctx->unit_start && start >= ctx->unit_start &&
           end <= ctx->unit_end;
}

/* cluster_lookup - lookup() in the cluster's shared window, once per
 * entity and cluster. Nothing is blanked: a cluster may hold its own
 * label ("SSN 536-22-1234" clusters as one run). */
static unsigned cluster_lookup(const scan_ctx *ctx, pg_entity entity, uint16_t *ids)
{
    scan_ctx *c = (scan_ctx *)ctx;
    ctx_window *w = c->win;

    if (!c->win_valid) {
        memset(w->memo_done, 0, sizeof(w->memo_done));
        c->win_valid = true;
    }
    if (!w->memo_done[entity]) {
        ctx_query q = window_query(ctx, ctx->unit_start, ctx->unit_start);
        w->memo_n[entity] = (uint8_t)lookup(ctx, &q, entity, w->memo_ids[entity]);
        w->memo_done[entity] = true;
    }
    memcpy(ids, w->memo_ids[entity], w->memo_n[entity] * sizeof(*ids));
    return w->memo_n[entity];
}

/* engine_context - context-word ids for an entity near [start, end) */
unsigned engine_context(const scan_ctx *ctx, pg_entity entity, size_t start,
                        size_t end, uint16_t *ids)
{
    if (!ctx_words[entity])
        return 0;
    if (in_cluster(ctx, start, end))
        return cluster_lookup(ctx, entity, ids);
    ctx_query q = window_query(ctx, start, end);
    return lookup(ctx, &q, entity, ids);
}

/* near_index - the index of a static list: the scratch's copy, made on
 * first use, or x filled when the cache is full */
static const ctx_index *near_index(const scan_ctx *ctx, const char *const *words,
                                   ctx_index *x)
{
    ctx_window *w = ctx->win;

    for (unsigned k = 0; k < w->near_n; k++)
        if (w->near_list[k] == words)
            return &w->near_index[k];
    if (w->near_n < CTX_NEAR_LISTS) {
        x = &w->near_index[w->near_n];
        w->near_list[w->near_n++] = words;
    }
    index_list(words, x);
    return x;
}

/* engine_words_near - any of these words (the first 64 of the static
 * list) in [from, to)? */
bool engine_words_near(const scan_ctx *ctx, size_t from, size_t to,
                       const char *const *words)
{
    ctx_query q = make_query(ctx, from, to, 0, 0);
    ctx_index spare;

    return found_words(ctx, &q, words, near_index(ctx, words, &spare), true) != 0;
}
