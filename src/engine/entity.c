/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * entity.c - entity names and classes, from the one PG_ENTITY_LIST.
 */
#include <string.h>

#include "piiguard/pg_engine.h"

static const char *const entity_names[PG_ENT_COUNT] = {
#define PG_X_NAME(sym, cls) #sym,
    PG_ENTITY_LIST(PG_X_NAME)
#undef PG_X_NAME
};

static const pg_entity_class entity_classes[PG_ENT_COUNT] = {
#define PG_X_CLASS(sym, cls) PG_CLASS_##cls,
    PG_ENTITY_LIST(PG_X_CLASS)
#undef PG_X_CLASS
};

static const char *const class_names[PG_CLASS_COUNT] = {
    "financial", "government_id", "health", "credentials", "contact",
};

_Static_assert(PG_ENT_COUNT <= 64, "entity masks are 64-bit");

/* pg_entity_name - the entity's Presidio-style name */
const char *pg_entity_name(pg_entity entity)
{
    if ((unsigned)entity >= PG_ENT_COUNT)
        return NULL;
    return entity_names[entity];
}

/* pg_entity_from_name - parse an entity name (exact, upper case) */
int pg_entity_from_name(pg_entity *out, const char *name)
{
    for (unsigned i = 0; i < PG_ENT_COUNT; i++) {
        if (strcmp(entity_names[i], name) == 0) {
            *out = (pg_entity)i;
            return 0;
        }
    }
    return PG_ENOTFOUND;
}

/* pg_entity_class_of - the entity's policy class */
pg_entity_class pg_entity_class_of(pg_entity entity)
{
    if ((unsigned)entity >= PG_ENT_COUNT)
        return PG_CLASS_CONTACT;
    return entity_classes[entity];
}

/* pg_entity_class_name - "financial", "government_id", ... */
const char *pg_entity_class_name(pg_entity_class cls)
{
    if ((unsigned)cls >= PG_CLASS_COUNT)
        return NULL;
    return class_names[cls];
}
