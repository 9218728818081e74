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
 */
#include <stdlib.h>
#include <string.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "engine/engine_internal.h"

#define CTX_STRIDE 64

/* A window's bytes, and the zeroed tail that lets index_words() read
 * whole 16-byte blocks. */
#define WINDOW_CAP (2 * PG_MAX_CONTEXT_WINDOW + PG_MAX_MATCH_BYTES)
#define WINDOW_PAD 16

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

/* lower_window - copy [from, to) lower-cased into buf and zero the
 * padding after it; returns the length. ASCII capitals only: a byte of
 * 0x80 or more is never part of a keyword's first byte and never alnum. */
static size_t lower_window(const scan_ctx *ctx, size_t from, size_t to,
                           char *buf, size_t cap)
{
    size_t n = to - from, i = 0;

    if (n > cap)
        n = cap;
#if defined(__SSE2__)
    const __m128i bias = _mm_set1_epi8((char)0x80), a = _mm_set1_epi8('A');
    const __m128i lim = _mm_set1_epi8((char)(0x80 + 26)), bit = _mm_set1_epi8(0x20);
    for (; i + 16 <= n; i += 16) {
        __m128i v = _mm_loadu_si128((const __m128i *)(ctx->s + from + i));
        __m128i up = _mm_cmplt_epi8(_mm_xor_si128(_mm_sub_epi8(v, a), bias), lim);
        _mm_storeu_si128((__m128i *)(buf + i), _mm_or_si128(v, _mm_and_si128(up, bit)));
    }
#endif
    for (; i < n; i++) {
        unsigned char c = (unsigned char)ctx->s[from + i];
        buf[i] = (char)(c | (((unsigned)(c - 'A') < 26u) << 5));
    }
    memset(buf + n, 0, WINDOW_PAD);
    return n;
}

/* A lower-cased window and where its words start, built once per
 * candidate so that each context word costs a few byte compares. */
struct ctx_window {
    char buf[WINDOW_CAP + WINDOW_PAD];
    size_t n;
    uint16_t starts[64];            /* the first 64 words suffice: the
                                       window is at most 2 x 256 bytes of
                                       mostly words of 4+ bytes */
    size_t nstarts;
    uint64_t by_letter[26];         /* bit k: starts[k] begins with 'a'+i */
    /* Per-entity answers for a cluster window: every candidate of a
     * cluster asks the same question, so it is answered once. */
    bool memo_done[PG_ENT_COUNT];
    uint8_t memo_n[PG_ENT_COUNT];
    uint16_t memo_ids[PG_ENT_COUNT][PG_FINDING_MAX_CONTEXT];
};
typedef struct ctx_window ctx_window;

/* engine_window_new - a window cache for a scratch */
struct ctx_window *engine_window_new(void)
{
    return malloc(sizeof(ctx_window));
}

/* add_start - record a word starting at i */
static inline bool add_start(ctx_window *w, size_t i)
{
    unsigned char c = (unsigned char)w->buf[i];

    if (w->nstarts == 64)
        return false;
    if (is_lower(c))
        w->by_letter[c - 'a'] |= 1ull << w->nstarts;
    w->starts[w->nstarts++] = (uint16_t)i;
    return true;
}

/* index_words - record where each word of the window starts. With SSE2
 * the word starts of 16 bytes come from one mask (alnum and not after
 * alnum); the zeroed padding ends the last word. */
static void index_words(ctx_window *w)
{
    w->nstarts = 0;
    memset(w->by_letter, 0, sizeof(w->by_letter));
#if defined(__SSE2__)
    const __m128i bias = _mm_set1_epi8((char)0x80);
    const __m128i a = _mm_set1_epi8('a'), lim_a = _mm_set1_epi8((char)(0x80 + 26));
    const __m128i z = _mm_set1_epi8('0'), lim_z = _mm_set1_epi8((char)(0x80 + 10));
    unsigned carry = 0;
    for (size_t i = 0; i < w->n; i += 16) {
        __m128i v = _mm_loadu_si128((const __m128i *)(w->buf + i));
        __m128i al = _mm_or_si128(
            _mm_cmplt_epi8(_mm_xor_si128(_mm_sub_epi8(v, a), bias), lim_a),
            _mm_cmplt_epi8(_mm_xor_si128(_mm_sub_epi8(v, z), bias), lim_z));
        unsigned m = (unsigned)_mm_movemask_epi8(al);
        unsigned st = m & ~((m << 1) | carry) & 0xFFFFu;
        carry = m >> 15;
        for (; st; st &= st - 1)
            if (!add_start(w, i + (size_t)__builtin_ctz(st)))
                return;
    }
#else
    bool prev = false;
    for (size_t i = 0; i < w->n; i++) {
        unsigned char c = (unsigned char)w->buf[i];
        bool alnum = is_lower(c) || is_digit(c);
        if (alnum && !prev && !add_start(w, i))
            return;
        prev = alnum;
    }
#endif
}

/* word_in - does kw occur in the window as a whole word (or phrase)?
 * Keywords start with a lower-case ASCII letter, so only the words that
 * start with that letter are compared, byte by byte in place: most differ
 * in their second or third byte, and the zeroed padding after the window
 * ends a compare that runs past it (no keyword holds a zero byte). */
static bool word_in(const ctx_window *w, const char *kw)
{
    unsigned char k0 = (unsigned char)kw[0];

    if (!is_lower(k0))
        return false;
    for (uint64_t m = w->by_letter[k0 - 'a']; m; m &= m - 1) {
        const char *p = w->buf + w->starts[__builtin_ctzll(m)];
        size_t k = 1;
        while (kw[k] && p[k] == kw[k])
            k++;
        if (!kw[k] && !is_alnum((unsigned char)p[k]))
            return true;
    }
    return false;
}

/* window - the clipped context window around [start, end) */
static void window(const scan_ctx *ctx, size_t start, size_t end,
                   size_t *from, size_t *to)
{
    size_t w = ctx->engine->opts.context_window;

    *from = start > w ? start - w : 0;
    *to = end + w < ctx->n ? end + w : ctx->n;
}

/* build_window - lower-case, blank [start, end), index the words. The
 * candidate (or its whole cluster) is blanked so that "ssn" inside a token
 * such as an e-mail local part is not context for itself. */
static void build_window(const scan_ctx *ctx, size_t start, size_t end, ctx_window *w)
{
    size_t from, to;

    window(ctx, start, end, &from, &to);
    if (end == start) /* a cluster window: reach its far side too */
        to = ctx->unit_end + ctx->engine->opts.context_window < ctx->n
                 ? ctx->unit_end + ctx->engine->opts.context_window : ctx->n;
    w->n = lower_window(ctx, from, to, w->buf, WINDOW_CAP);
    for (size_t i = start - from; i < end - from && i < w->n; i++)
        w->buf[i] = ' ';
    index_words(w);
}

/* cached_window - the window for a candidate: the cluster's shared one when
 * the candidate lies in the cluster being recognised, else its own */
static ctx_window *cached_window(const scan_ctx *ctx, size_t start, size_t end,
                                 ctx_window *own)
{
    scan_ctx *c = (scan_ctx *)ctx;

    if (c->win && c->unit_end > c->unit_start && start >= c->unit_start &&
        end <= c->unit_end) {
        if (!c->win_valid) {
            /* Nothing is blanked: a cluster may hold its own label
             * ("SSN 536-22-1234" clusters as one run). */
            build_window(ctx, c->unit_start, c->unit_start, c->win);
            memset(c->win->memo_done, 0, sizeof(c->win->memo_done));
            c->win_valid = true;
        }
        return c->win;
    }
    build_window(ctx, start, end, own);
    return own;
}

/* lookup - the context-word ids of one entity in one window */
static unsigned lookup(const ctx_window *w, pg_entity entity, uint16_t *ids)
{
    const char *const *words = ctx_words[entity];
    unsigned found = 0;

    for (unsigned k = 0; words[k] && found < PG_FINDING_MAX_CONTEXT; k++)
        if (word_in(w, words[k]))
            ids[found++] = (uint16_t)(entity * CTX_STRIDE + k);
    return found;
}

/* engine_context - context-word ids for an entity near [start, end) */
unsigned engine_context(const scan_ctx *ctx, pg_entity entity, size_t start,
                        size_t end, uint16_t *ids)
{
    ctx_window own, *w;

    if (!ctx_words[entity])
        return 0;
    w = cached_window(ctx, start, end, &own);
    if (w == &own)
        return lookup(w, entity, ids);
    if (!w->memo_done[entity]) {
        w->memo_n[entity] = (uint8_t)lookup(w, entity, w->memo_ids[entity]);
        w->memo_done[entity] = true;
    }
    memcpy(ids, w->memo_ids[entity], w->memo_n[entity] * sizeof(*ids));
    return w->memo_n[entity];
}

/* engine_words_near - any of these words in [from, to)? */
bool engine_words_near(const scan_ctx *ctx, size_t from, size_t to,
                       const char *const *words)
{
    ctx_window w;

    w.n = lower_window(ctx, from, to, w.buf, WINDOW_CAP);
    index_words(&w);
    for (unsigned k = 0; words[k]; k++)
        if (word_in(&w, words[k]))
            return true;
    return false;
}
