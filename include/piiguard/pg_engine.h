/* SPDX-License-Identifier: GPL-3.0-or-later */
/**
 * @file pg_engine.h
 * @brief The detection engine: where in this text is customer PII, of which
 *        kind, and how sure are we?
 *
 * A pg_engine is compiled once from options and is then immutable: any
 * number of threads may scan with it at once, each with its own pg_scratch.
 * Scanning is linear in the input and allocates nothing per byte; the
 * scratch grows only when one buffer holds more candidates than it has seen
 * before. The engine is pure: no I/O, no logging, no globals.
 *
 * Offsets in findings are byte offsets into the buffer exactly as given,
 * even though matching runs on a normalised view (NFKC digits, no
 * zero-width characters, plain dashes and spaces).
 */
#ifndef PIIGUARD_PG_ENGINE_H
#define PIIGUARD_PG_ENGINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "pg_base.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Entity classes, as the policy groups them. */
typedef enum pg_entity_class {
    PG_CLASS_FINANCIAL = 0,
    PG_CLASS_GOVERNMENT_ID = 1,
    PG_CLASS_HEALTH = 2,
    PG_CLASS_CREDENTIALS = 3,
    PG_CLASS_CONTACT = 4,
    PG_CLASS_COUNT = 5
} pg_entity_class;

/**
 * Every entity type: X(symbol, class). Names follow Presidio's where
 * Presidio has one. Order is ABI: append only.
 */
#define PG_ENTITY_LIST(X)                        \
    X(CREDIT_CARD, FINANCIAL)                    \
    X(IBAN_CODE, FINANCIAL)                      \
    X(ABA_ROUTING_NUMBER, FINANCIAL)             \
    X(US_BANK_NUMBER, FINANCIAL)                 \
    X(SWIFT_CODE, FINANCIAL)                     \
    X(CRYPTO, FINANCIAL)                         \
    X(US_SSN, GOVERNMENT_ID)                     \
    X(US_ITIN, GOVERNMENT_ID)                    \
    X(US_PASSPORT, GOVERNMENT_ID)                \
    X(US_DRIVER_LICENSE, GOVERNMENT_ID)          \
    X(US_NPI, HEALTH)                            \
    X(MEDICAL_LICENSE, HEALTH)                   \
    X(US_MBI, HEALTH)                            \
    X(UK_NINO, GOVERNMENT_ID)                    \
    X(UK_NHS, HEALTH)                            \
    X(CA_SIN, GOVERNMENT_ID)                     \
    X(AU_TFN, GOVERNMENT_ID)                     \
    X(AU_MEDICARE, HEALTH)                       \
    X(IN_AADHAAR, GOVERNMENT_ID)                 \
    X(IN_PAN, GOVERNMENT_ID)                     \
    X(NL_BSN, GOVERNMENT_ID)                     \
    X(ES_NIF, GOVERNMENT_ID)                     \
    X(ES_NIE, GOVERNMENT_ID)                     \
    X(IT_FISCAL_CODE, GOVERNMENT_ID)             \
    X(PL_PESEL, GOVERNMENT_ID)                   \
    X(FR_NIR, GOVERNMENT_ID)                     \
    X(DE_TAX_ID, GOVERNMENT_ID)                  \
    X(SE_PERSONNUMMER, GOVERNMENT_ID)            \
    X(FI_PERSONAL_IDENTITY_CODE, GOVERNMENT_ID)  \
    X(BR_CPF, GOVERNMENT_ID)                     \
    X(DK_CPR, GOVERNMENT_ID)                     \
    X(NO_FODSELSNUMMER, GOVERNMENT_ID)           \
    X(EMAIL_ADDRESS, CONTACT)                    \
    X(PHONE_NUMBER, CONTACT)                     \
    X(IP_ADDRESS, CONTACT)                       \
    X(DATE_OF_BIRTH, CONTACT)                    \
    X(PERSON, CONTACT)                           \
    X(PASSWORD, CREDENTIALS)                     \
    X(PIN, CREDENTIALS)                          \
    X(PRIVATE_KEY, CREDENTIALS)                  \
    X(API_TOKEN, CREDENTIALS)

/** Entity type identifiers, PG_ENT_<symbol>. */
typedef enum pg_entity {
#define PG_X_ENUM(sym, cls) PG_ENT_##sym,
    PG_ENTITY_LIST(PG_X_ENUM)
#undef PG_X_ENUM
    PG_ENT_COUNT
} pg_entity;

/** The recommended --min-score: below it, findings are mostly noise. */
#define PG_ENGINE_DEFAULT_MIN_SCORE 0.5f

/** Most context words recorded per finding. */
#define PG_FINDING_MAX_CONTEXT 4

/** One detected entity. */
typedef struct pg_finding {
    pg_entity entity;
    size_t start;      /**< first byte, in the buffer as given */
    size_t end;        /**< one past the last byte */
    float score;       /**< 0..1 */
    bool validated;    /**< a checksum or structure check passed */
    uint8_t n_context; /**< how many of context[] are set */
    uint16_t context[PG_FINDING_MAX_CONTEXT]; /**< see pg_context_word() */
} pg_finding;

/** Options fixed when the engine is compiled. */
typedef struct pg_engine_opts {
    uint64_t entities;       /**< bit (1 << pg_entity); 0 means all */
    float min_score;         /**< findings below are not reported */
    uint32_t context_window; /**< bytes searched for context words on each side */
} pg_engine_opts;

typedef struct pg_engine pg_engine;   /**< immutable, thread-shared */
typedef struct pg_scratch pg_scratch; /**< per thread */
typedef struct pg_stream pg_stream;   /**< chunked scanning of large input */

/** Called once per finding, in start order; return non-zero to stop. */
typedef int (*pg_finding_cb)(const pg_finding *finding, void *payload);

/** Fill @p opts with defaults: all entities, the default threshold, 64 bytes. */
void pg_engine_opts_init(pg_engine_opts *opts);

/**
 * Compile an engine. @p opts may be NULL for defaults.
 * @return 0, PG_ENOMEM, PG_EINVAL (bad option) or PG_EINTERNAL (pattern
 *         compilation failed; pg_error_last() says which).
 */
int pg_engine_new(pg_engine **out, const pg_engine_opts *opts);

/** Free an engine; NULL is allowed. No scratch may be in use. */
void pg_engine_free(pg_engine *engine);

/** Allocate scratch for one thread. @return 0 or PG_ENOMEM. */
int pg_scratch_new(pg_scratch **out, const pg_engine *engine);

/** Free scratch; NULL is allowed. */
void pg_scratch_free(pg_scratch *scratch);

/**
 * Scan @p len bytes of UTF-8 (invalid bytes act as separators, NUL bytes
 * are allowed). Findings are delivered in start order, overlaps resolved.
 * @return 0, PG_ENOMEM, or the callback's non-zero value.
 */
int pg_engine_scan(const pg_engine *engine, pg_scratch *scratch,
                   const char *buf, size_t len,
                   pg_finding_cb cb, void *payload);

/**
 * Start a stream: input of any size in bounded memory. A match that
 * straddles two pg_stream_feed() calls is still found. Finding offsets are
 * absolute offsets into the whole stream.
 */
int pg_stream_new(pg_stream **out, const pg_engine *engine,
                  pg_finding_cb cb, void *payload);

/**
 * Feed the next bytes. Findings are reported once no later byte can change
 * them. @return 0, PG_ENOMEM or the callback's value.
 */
int pg_stream_feed(pg_stream *stream, const char *buf, size_t len);

/**
 * The bytes of a finding, valid only inside the stream's callback (the
 * window that holds them moves on afterwards). @return NULL when the
 * finding is not in the current window.
 */
const char *pg_stream_match(const pg_stream *stream, const pg_finding *finding);

/** Flush the tail. @return as pg_stream_feed(). */
int pg_stream_finish(pg_stream *stream);

/** Free a stream; NULL is allowed. */
void pg_stream_free(pg_stream *stream);

/**
 * Validate one candidate as @p entity would: separators and case are
 * ignored as the entity's format allows. Lets tests and tools ask the
 * engine's validators directly. @return true when valid.
 */
bool pg_engine_validate(pg_entity entity, const char *value, size_t len);

/** "US_SSN" for PG_ENT_US_SSN; NULL when out of range. */
const char *pg_entity_name(pg_entity entity);

/** Parse an entity name; @return 0 or PG_ENOTFOUND. */
int pg_entity_from_name(pg_entity *out, const char *name);

/** The entity's policy class. */
pg_entity_class pg_entity_class_of(pg_entity entity);

/** "financial", "government_id", ... */
const char *pg_entity_class_name(pg_entity_class cls);

/** The context word with id @p id (as stored in pg_finding.context). */
const char *pg_context_word(uint16_t id);

#ifdef __cplusplus
}
#endif
#endif /* PIIGUARD_PG_ENGINE_H */
