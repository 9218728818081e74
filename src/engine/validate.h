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

#endif /* PIIGUARD_ENGINE_VALIDATE_H */
