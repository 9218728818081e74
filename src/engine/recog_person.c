/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	recog_person - names, from cues and from the given-name dictionary
 * SUMMARY
 *	void recog_person_cue(scan_ctx *ctx, const word_hit *h, word_kind kind);
 *	size_t recog_person_word(scan_ctx *ctx, size_t b, size_t e);
 * DESCRIPTION
 *	Two ways in, both from the word pass (words.c):
 *
 *	Cues. A name is one to three capitalised words (initials allowed)
 *	right after a salutation ("Dear"), a title ("Mrs."), "my name is", a
 *	"Name:" field, or alone on the line after a sign-off ("Regards,").
 *
 *	Sweep. After the Hyperscan pass, name_sweep.c hands every
 *	capitalised word of three letters or more (ASCII or a two-byte
 *	UTF-8 capital) to recog_person_word(): the word is looked up in the
 *	hashed names.c dictionary, and words that are not given names are
 *	checked for a surname ending. A name right after a cue is left to
 *	the cue recognizer.
 *
 *	Dictionary. A given name of names.c, written capitalised as a whole
 *	word, followed on the same line by a capitalised surname-like word
 *	(an initial and lower-case particles such as "van der" may come
 *	between; a second surname and a suffix such as "Jr." may follow) is
 *	a name: score 0.7. A given name alone scores 0.5, the engine's
 *	default threshold, unless names.c marks it as also a word or a
 *	place ("May", "Paris"), in which case it needs the surname.
 *	Capitalised words that follow names without being surnames (street
 *	types, weekdays, "The") are listed in not_surname[].
 *
 *	Surname endings. A capitalised word ending like a surname of many
 *	languages ("-sson", "-ová", "-ski", ...) after a capitalised word or
 *	an initial is a name (0.7); with an "alone" ending it is one by
 *	itself (0.5).
 *
 *	Addresses and firms are not people: a name with a house number or a
 *	street word before it, or a street, firm or number word after it, is
 *	dropped (in_address()).
 *
 *	Names score below validated numbers: the policy uses them for
 *	combinations (name + ID), rarely alone.
 * BUGS
 *	Surnames on their own ("Jensen said") and names written in lower
 *	case are not found: without a cue nothing tells them from words.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "engine/span.h"
#include "engine/words.h"

#define NAME_FULL 0.7f
#define NAME_GIVEN 0.5f

/* Capitalised words that follow a given name without being a surname.
 * Street words that are also surnames ("Hill", "Park") are not here:
 * surname_after() weighs them with place_after[] and also_surname[]. */
static const char *const not_surname[] = {
    "The", "And", "Or", "But", "If", "Then", "So", "I", "I'm", "I'd", "I'll",
    "I've", "You", "We", "He", "She", "They", "It", "This", "That", "My", "Your",
    "Our", "His", "Her", "Their", "In", "On", "At", "To", "For", "Of", "From",
    "With", "By", "As", "Is", "Was", "Are", "Has", "Had", "Have", "Do", "Did",
    "Not", "No", "Yes", "Please", "Thanks", "Thank", "Hi", "Hello", "Dear",
    "Regards", "Best", "Cheers", "Mr", "Mrs", "Ms", "Dr", "Street", "St", "Road",
    "Rd", "Avenue", "Ave", "Drive", "Close", "Court", "Place", "Square",
    "Bay", "City", "County", "State", "Country", "Club",
    "University", "College", "School", "Hospital", "Church", "Bank", "Inc", "Ltd",
    "Corp", "Company", "Group", "Hotel", "Airport", "Station", "Center", "Centre",
    "Museum", "Boulevard", "Terrace", "Gardens", "Crescent", "Beach", "Island",
    "Lake", "Valley", "Village", "Town", "Team", "Support", "Service", "Office",
    "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday",
    "January", "February", "March", "April", "May", "June", "July", "August",
    "September", "October", "November", "December", "Phone", "Email", "Address",
    "Name", "Date", "Mobile", "Fax", "Tel", "Account", "Card", "North", "South",
    "East", "West", "Jr", "Sr", NULL};

/* Capitalised words right after a cue that are not a name ("Hello I"). */
static const char *const not_name_after_cue[] = {"I", "I'm", "I'd", "I'll", "I've",
    "You", "We", "He", "She", "They", "It", "The", "This", "That", "My", "Your",
    "Our", "All", "Sir", "Madam", "Team", "Customer", "Valued", "Everyone",
    "Mr", "Mrs", "Ms", "Dr", "Miss", "Mister", NULL};

/* Words after a name that make it part of an address or a firm. */
static const char *const place_after[] = {"Street", "St", "St.", "Road", "Rd",
    "Rd.", "Avenue", "Ave", "Ave.", "Lane", "Ln", "Drive", "Close", "Court", "Place",
    "Square", "Way", "Park", "Bay", "Hill", "Boulevard", "Blvd", "Terrace",
    "Gardens", "Crescent", "Loop", "Flat", "Flats", "Pass", "Bypass", "Cliffs",
    "Union", "Lodge", "Parks", "Forges", "Lines", "Inc", "Inc.", "Ltd", "Ltd.",
    "LLC", "Corp", "Corp.", "Company", "Group", "Research", "Investments",
    "Capital", "Bank", "Hotel", "University", "College", "School", "Hospital",
    "Church", "Airport", "Station", "Center", "Centre", "Museum", "Sons",
    "Brothers", "Partners", "Associates", "Foundation", "Institute", "Trust",
    "Holdings", "Industries", "Technologies", "Solutions", "Systems", "Media",
    "Highway", "Parkway", "Row", "Walk", "Mews", "Grove", "Rise", "Heights",
    "Green", "Circle", "Plaza", "Ridge", "Trail", "Island", "Point", "Port",
    "Creek", "River", "Lake", "Mount", "Valley", "Springs", "Falls", "Beach",
    "Village", "Estate", "Manor", "Meadows", "Mill", "Junction", "Crossing",
    "Summit", "Gateway", "Haven", "Landing", "Route", "Run", "Shore", "Tunnel",
    "Port", "u.", "utca", "tér", "út", "ulica", "gade", "vej", "gatan", "vägen",
    "straße", "strasse", "weg", "laan", "straat", "katu", "tie", "Rue", "Mall",
    "Greens", "Prairie", "Bridge", "Bridges", "Fields", "Orchard", "Cove", "Hollow",
    "Woods", "Plains", NULL};

/* Place words that are also common surnames ("Nora Hill"): a surname
 * after a given name, a place word only after a whole name. */
static const char *const also_surname[] = {"Hill", "Park", "Green", "Woods",
    "Fields", "Bridges", "Mill", "Lane", "Grove", "Ridge", "Beach", "Port",
    "Rowe", "Way", "Wood", "Banks", NULL};

/* Words before a name that make it a street ("Rua Ana ...", "St. John"). */
static const char *const place_before[] = {"Rua", "Avenida", "Av.", "Rue", "Via",
    "Calle", "Avenue", "Street", "St.", "ul.", "Praça", "Largo", "Travessa",
    "Viale", "Piazza", "Corso", "Plaza", "Paseo", "Camino", "Carrer", "Boulevard",
    "Chemin", "Allée", "Route", "Strada", "Cite", "Cité", "Point", "Saint", "San",
    "Santa", "São", "Fort", "Port", "Lake", "Mount", "USNV", "USNS", "USS", NULL};

/* Everyday words that end like surnames ("-son"). */
static const char *const not_son[] = {"person", "season", "reason", "lesson",
    "poison", "prison", "comparison", "crimson", "treason", "garrison", "unison",
    "venison", "liaison", "caparison", NULL};

/* Lower-case particles inside surnames: "van der Berg", "da Silva". */
static const char *const particles[] = {"van", "von", "de", "da", "di", "del",
    "della", "der", "den", "du", "la", "le", "dos", "das", "bin", "ibn", "al",
    "el", "ter", "ten", "zu", "y", NULL};

/* Suffixes after a full name. */
static const char *const suffixes[] = {"Jr.", "Jr", "Sr.", "Sr", "II", "III", "IV", NULL};

/* upper_len - bytes of the upper-case letter at i (ASCII, Latin-1,
 * Latin Extended-A, Greek, Cyrillic), or 0 */
static size_t upper_len(const scan_ctx *ctx, size_t i)
{
    const unsigned char *s = (const unsigned char *)ctx->s;

    if (i >= ctx->n)
        return 0;
    if (is_upper(s[i]))
        return 1;
    if (i + 1 >= ctx->n || (s[i + 1] & 0xC0) != 0x80)
        return 0;
    unsigned cp = ((s[i] & 0x1Fu) << 6) | (s[i + 1] & 0x3Fu);
    if (s[i] < 0xC3 || s[i] > 0xD0)
        return 0;
    if ((cp >= 0xC0 && cp <= 0xDE && cp != 0xD7) || (cp >= 0x391 && cp <= 0x3A9) ||
        (cp >= 0x386 && cp <= 0x38F) || (cp >= 0x400 && cp <= 0x42F))
        return 2;
    if (cp >= 0x100 && cp <= 0x17F) /* pairs: upper even, except 0139-0148 and 0179-017E */
        return ((cp >= 0x139 && cp <= 0x148) || cp >= 0x179) ? (cp & 1) * 2 : !(cp & 1) * 2;
    return 0;
}

/* word_char - a byte that makes the word longer than what was matched */
static bool word_char(unsigned char c)
{
    return is_alnum(c) || c >= 0x80 || c == '_' || c == '@';
}

/* The lists in_list() consults, by id. */
enum name_list {
    NL_NOT_SURNAME, NL_NOT_NAME_AFTER_CUE, NL_PLACE_AFTER, NL_ALSO_SURNAME,
    NL_PLACE_BEFORE, NL_PARTICLES, NL_COUNT
};
static const char *const *const name_lists[NL_COUNT] = {
    not_surname, not_name_after_cue, place_after, also_surname, place_before, particles,
};
_Static_assert(NL_COUNT == ENGINE_NAME_LISTS, "engine_internal.h sizes the filters");

/* bloom_bit - a word's bit in an 8,192-bit filter: its length and its
 * first, second and last bytes, mixed */
static unsigned bloom_bit(const char *w, size_t len)
{
    uint32_t x = (uint32_t)len ^ (uint32_t)(unsigned char)w[0] << 8 ^
                 (uint32_t)(unsigned char)(len > 1 ? w[1] : 0) << 16 ^
                 (uint32_t)(unsigned char)w[len - 1] << 24;
    return (x * 2654435761u) >> 19;
}

static void bloom_add(uint64_t *bloom, unsigned bit) { bloom[bit >> 6] |= 1ull << (bit & 63); }

/* in_list - is [i, e) one of the words of list l? The filter answers no
 * for most capitalised words of a text without reading the list. */
static bool in_list(const scan_ctx *ctx, size_t i, size_t e, enum name_list l)
{
    size_t len = e - i;
    const char *w = ctx->s + i;

    if (len == 0 || !bloom_has(ctx->engine->name_list_bloom[l], bloom_bit(w, len)))
        return false;
    for (const char *const *k = name_lists[l]; *k; k++)
        if ((*k)[0] == w[0] && strncmp(*k, w, len) == 0 && (*k)[len] == '\0')
            return true;
    return false;
}

/* surname_end - end of a capitalised surname-like word at i, or 0:
 * a capital, then letters (inner capitals as in "McDonald"), with
 * "O'Brien" and "Smith-Jones" joins; at least one lower-case letter */
static size_t surname_end(const scan_ctx *ctx, size_t i)
{
    size_t u = upper_len(ctx, i), e, lower = 0;

    if (!u)
        return 0;
    for (e = i + u; e < ctx->n && e - i < NAME_MAX_WORD; e++) {
        unsigned char c = (unsigned char)ctx->s[e];
        if (letter_byte(c))
            lower += !is_upper(c);
        else if ((c == '\'' || c == '-') && upper_len(ctx, e + 1))
            continue;
        else
            break;
    }
    if (!lower || (e < ctx->n && word_char((unsigned char)ctx->s[e])))
        return 0;
    return in_list(ctx, i, e, NL_NOT_SURNAME) ? 0 : e;
}

/* lower_word_end - end of the lower-case word at i, or 0 */
static size_t lower_word_end(const scan_ctx *ctx, size_t i)
{
    size_t e = i;

    while (e < ctx->n && is_lower((unsigned char)ctx->s[e]) && e - i < 8)
        e++;
    return e > i && e < ctx->n && ctx->s[e] == ' ' ? e : 0;
}

/* skip_particles - past "van der ", "da " and the like (none: i) */
static size_t skip_particles(const scan_ctx *ctx, size_t i)
{
    for (int k = 0; k < 2; k++) {
        size_t e = lower_word_end(ctx, i);
        if (!e || !in_list(ctx, i, e, NL_PARTICLES))
            break;
        i = e + 1;
    }
    return i;
}

/* initial_end - past "M. " or "M " (a middle initial), else i */
static size_t initial_end(const scan_ctx *ctx, size_t i)
{
    size_t u = upper_len(ctx, i), e = i + u;

    if (!u || e >= ctx->n)
        return i;
    if (ctx->s[e] == '.')
        e++;
    return e < ctx->n && ctx->s[e] == ' ' ? e + 1 : i;
}

/* surname_after - the end of the surname part after a given name that
 * ends at e, or 0 when no surname follows */
static size_t surname_after(const scan_ctx *ctx, size_t e)
{
    if (e + 1 >= ctx->n || ctx->s[e] != ' ')
        return 0;
    size_t i = skip_particles(ctx, initial_end(ctx, e + 1));
    size_t end = surname_end(ctx, i);
    if (!end || (in_list(ctx, i, end, NL_PLACE_AFTER) && !in_list(ctx, i, end, NL_ALSO_SURNAME)))
        return 0; /* "Mathias Pass", "Wolfram Research" */
    size_t more = end + 1 < ctx->n && ctx->s[end] == ' ' ? surname_end(ctx, end + 1) : 0;
    if (more)
        end = more;
    for (int k = 0; suffixes[k] && end + 1 < ctx->n && ctx->s[end] == ' '; k++) {
        size_t l = strlen(suffixes[k]);
        if (end + 1 + l <= ctx->n && memcmp(ctx->s + end + 1, suffixes[k], l) == 0 &&
            (end + 1 + l == ctx->n || !word_char((unsigned char)ctx->s[end + 1 + l])))
            return end + 1 + l;
    }
    return end;
}

/* bounded - is [start, e) a whole word, not part of a token? */
static bool bounded(const scan_ctx *ctx, size_t start, size_t e)
{
    const unsigned char *s = (const unsigned char *)ctx->s;

    if (start > 0 && (word_char(s[start - 1]) || s[start - 1] == '-' ||
                      s[start - 1] == '\'' || s[start - 1] == '/'))
        return false;
    if (e >= ctx->n)
        return true;
    if (word_char(s[e]))
        return false;
    return !((s[e] == '.' || s[e] == '-') && e + 1 < ctx->n && is_alnum(s[e + 1]) &&
             !upper_len(ctx, e + 1));
}

/* word_before - start of the word that ends one space before i, or i */
static size_t word_before(const scan_ctx *ctx, size_t i)
{
    if (i < 2 || ctx->s[i - 1] != ' ')
        return i;
    size_t b = i - 1;
    while (b > 0 && b + NAME_MAX_WORD > i && ctx->s[b - 1] != ' ' && ctx->s[b - 1] != '\n')
        b--;
    return b;
}

/* cap_word_before - does a capitalised word end one space before i? */
static bool cap_word_before(const scan_ctx *ctx, size_t i)
{
    size_t b = word_before(ctx, i); /* i itself when there is none */

    return b < i && upper_len(ctx, b);
}

/* word_after - end of the word that starts one space after e, or e */
static size_t word_after(const scan_ctx *ctx, size_t e)
{
    if (e + 1 >= ctx->n || ctx->s[e] != ' ')
        return e;
    size_t a = e + 1;
    while (a < ctx->n && a - e < NAME_MAX_WORD && !strchr(" \n\r\t,.;:?!)", ctx->s[a]))
        a++;
    return a;
}

/* in_address - is the name at [start, end) part of an address or a firm:
 * a house number or street word before, a street or firm word or a
 * number after? */
static bool in_address(const scan_ctx *ctx, size_t start, size_t end)
{
    size_t b = word_before(ctx, start), a = word_after(ctx, end);

    if (b < start && (is_digit((unsigned char)ctx->s[b]) ||
                      in_list(ctx, b, start - 1, NL_PLACE_BEFORE)))
        return true;
    if (a > end + 1 && (is_digit((unsigned char)ctx->s[end + 1]) ||
                        in_list(ctx, end + 1, a, NL_PLACE_AFTER)))
        return true;
    return false;
}

/* emit_name - offer a name unless it sits in an address */
static void emit_name(scan_ctx *ctx, size_t start, size_t end, float score)
{
    if (!in_address(ctx, start, end))
        engine_emit(ctx, PG_ENT_PERSON, start, end, score, false, 0);
}

/* A given name of the hashed dictionary, in one 16-byte slot so that a
 * lookup reads one cache line: the name's bytes zero-padded in w[0] and
 * the low six bytes of w[1], its length in byte 14, NAME_ALSO_WORD in
 * byte 15. A slot whose length byte is zero is empty. The slots used to
 * hold a tag and an index into the list of names, whose string was then
 * read: three dependent loads, which the text streaming through the
 * caches had evicted (given_name() was a quarter of the name sweep). */
struct name_slot {
    uint64_t w[2];
};

/* Bytes a slot holds: names.c has none longer (engine_names_index()
 * checks), so a longer word is no given name. */
#define NAME_KEY_MAX 14
#define NAME_KEY_HI 0x00FFFFFFFFFFFFFFull /* w[1]: bytes and length */
#define NAME_ALSO_WORD 1u

/* What given_name() found. */
enum given { GIVEN_NONE, GIVEN_NAME, GIVEN_ALSO_WORD };

/* name_key - the word [w, w + wl), wl <= NAME_KEY_MAX, as a slot holds
 * it (without the flag byte); avail is how many bytes may be read at w.
 * Two 8-byte loads and masks: a byte loop mispredicted its exit once per
 * capitalised word. */
static void name_key(const char *w, size_t wl, size_t avail, uint64_t k[2])
{
    k[0] = k[1] = 0;
    if (avail >= 16) {
        memcpy(k, w, 16);
        k[0] &= wl >= 8 ? ~0ull : ~(~0ull << (8 * wl));
        k[1] &= wl <= 8 ? 0 : ~(~0ull << (8 * (wl - 8)));
    } else {
        memcpy(k, w, wl);
    }
    k[1] |= (uint64_t)wl << 48;
}

/* key_hash - a slot index for a key, before masking */
static uint32_t key_hash(const uint64_t k[2])
{
    uint64_t h = k[0] * 0x9E3779B97F4A7C15ull ^ k[1] * 0xC2B2AE3D27D4EB4Full;

    h ^= h >> 29;
    h *= 0xBF58476D1CE4E5B9ull;
    return (uint32_t)(h >> 32);
}

static int index_cues(pg_engine *e);

/* engine_names_index - hash the given-name dictionary once per engine: a
 * lookup was a binary search of 4,300 names for every capitalised word;
 * and fill the filters of the word lists and endings, and the cue index */
int engine_names_index(pg_engine *e)
{
    size_t slots = 1;
    int rc = index_cues(e);

    if (rc < 0)
        return rc;
    /* load about one half: a miss probes ~3 slots, most in one line */
    while (slots < engine_n_given_names + engine_n_given_names / 2)
        slots *= 2;
    if (!(e->name_slots = calloc(slots, sizeof(*e->name_slots))))
        return PG_ENOMEM;
    e->name_mask = (uint32_t)(slots - 1);
    for (int l = 0; l < NL_COUNT; l++)
        for (const char *const *k = name_lists[l]; *k; k++)
            bloom_add(e->name_list_bloom[l], bloom_bit(*k, strlen(*k)));
    if (engine_n_surname_endings > ENGINE_MAX_ENDINGS)
        return pg_error_set(PG_EINTERNAL, "more than %d surname endings", ENGINE_MAX_ENDINGS);
    for (size_t k = 0; k < engine_n_surname_endings; k++) {
        const surname_ending *se = &engine_surname_endings[k];
        bloom_add(e->ending_bloom, ending_bit(se->ending, se->len));
        e->ending_at[(unsigned char)se->ending[se->len - 1] + 1]++;
    }
    for (unsigned c = 0; c < 256; c++)
        e->ending_at[c + 1] = (uint8_t)(e->ending_at[c + 1] + e->ending_at[c]);
    uint8_t fill[256];
    memcpy(fill, e->ending_at, sizeof(fill));
    for (size_t k = 0; k < engine_n_surname_endings; k++)
        e->ending_ids[fill[(unsigned char)engine_surname_endings[k].ending[engine_surname_endings[k].len - 1]]++] = (uint8_t)k;
    for (size_t i = 0; i < engine_n_given_names; i++) {
        const char *en = engine_given_names[i];
        size_t len = strcspn(en, "*");
        uint64_t k[2];
        if (len == 0 || len > NAME_KEY_MAX)
            return pg_error_set(PG_EINTERNAL, "given name %zu is not 1-%d bytes long", i,
                                NAME_KEY_MAX);
        name_key(en, len, len, k);
        uint32_t h = key_hash(k) & e->name_mask;
        while (e->name_slots[h].w[1])
            h = (h + 1) & e->name_mask;
        e->name_slots[h].w[0] = k[0];
        e->name_slots[h].w[1] = k[1] | (uint64_t)(en[len] == '*' ? NAME_ALSO_WORD : 0) << 56;
        if (len >= 3) /* shorter names skip the filter */
            bloom_add(e->given_bloom, given_bit(en, len));
    }
    return 0;
}

/* maybe_given - might [w, w + wl) be a given name? Most capitalised words
 * of a text are not, and the filter says so from L1. */
static bool maybe_given(const scan_ctx *ctx, const char *w, size_t wl)
{
    return wl < 3 || bloom_has(ctx->engine->given_bloom, given_bit(w, wl));
}

/* given_name - is the word a given name of the dictionary, and is it
 * also a word or a place ("May", "Paris")? */
static enum given given_name(const scan_ctx *ctx, const char *w, size_t wl)
{
    const pg_engine *e = ctx->engine;
    uint64_t k[2];

    if (wl > NAME_KEY_MAX || !maybe_given(ctx, w, wl))
        return GIVEN_NONE;
    name_key(w, wl, (size_t)(ctx->s + ctx->n - w), k);
    for (uint32_t h = key_hash(k) & e->name_mask; e->name_slots[h].w[1]; h = (h + 1) & e->name_mask) {
        const struct name_slot *sl = &e->name_slots[h];
        if (sl->w[0] == k[0] && (sl->w[1] & NAME_KEY_HI) == k[1])
            return sl->w[1] >> 56 & NAME_ALSO_WORD ? GIVEN_ALSO_WORD : GIVEN_NAME;
    }
    return GIVEN_NONE;
}

/* ending_of - the surname ending the word [w, w + wl) has, or NULL */
static const surname_ending *ending_of(const scan_ctx *ctx, const char *w, size_t wl)
{
    const pg_engine *e = ctx->engine;

    if (wl < 2 || !bloom_has(e->ending_bloom, ending_bit(w, wl)))
        return NULL;
    unsigned char last = (unsigned char)w[wl - 1];
    /* only the endings with the word's last byte, in list order */
    for (unsigned k = e->ending_at[last]; k < e->ending_at[last + 1]; k++) {
        const surname_ending *se = &engine_surname_endings[e->ending_ids[k]];
        size_t l = se->len;
        if (l < wl && memcmp(w + wl - l, se->ending, l) == 0)
            return se;
    }
    return NULL;
}

/* A literal with its length, for the cue checks that run per name. */
typedef struct lit {
    const char *s;
    size_t len;
} lit;
#define LIT(x) {x, sizeof(x) - 1}

/* ends_with - does the view hold l just before position i? */
static bool ends_with(const scan_ctx *ctx, size_t i, const lit *l)
{
    if (i < l->len)
        return false;
    /* backwards: the sign-offs share their last byte, not their last few */
    for (size_t k = 1; k <= l->len; k++)
        if (ctx->s[i - k] != l->s[l->len - k])
            return false;
    return true;
}

/* Cues end in a space and are compared by the byte before it; sign-offs
 * end a line. */
static const lit cues[] = {LIT("Dear"), LIT("Hello"), LIT("\nHi"), LIT("Mr."),
    LIT("Mrs."), LIT("Ms."), LIT("Dr."), LIT("Mrs"), LIT("Miss"), LIT("name is"),
    LIT("I'm"), LIT("name:"), LIT("Name:")};
static const lit signoffs[] = {LIT("Regards,"), LIT("regards,"), LIT("Sincerely,"),
    LIT("Thanks,"), LIT("Thank you,"), LIT("Best,"), LIT("Cheers,"), LIT("Best wishes,")};
#define NCUES (sizeof(cues) / sizeof(cues[0]))
#define NSIGNOFFS (sizeof(signoffs) / sizeof(signoffs[0]))

/* tail_key - the index key of the two bytes before i (i >= 2): the cue
 * lists are looked up by it, so that a word is compared only with the
 * cues that end as it does. */
static unsigned tail_key(const char *s, size_t i)
{
    return ((unsigned)(unsigned char)s[i - 1] * 7u + (unsigned char)s[i - 2]) & 255u;
}

/* index_tails - bit k of keys[tail_key()] for each literal k of l */
static int index_tails(uint16_t *keys, const lit *l, size_t n)
{
    if (n > 16)
        return pg_error_set(PG_EINTERNAL, "more than 16 person cues in one list");
    for (size_t k = 0; k < n; k++) {
        if (l[k].len < 2)
            return pg_error_set(PG_EINTERNAL, "a person cue shorter than two bytes");
        keys[tail_key(l[k].s, l[k].len)] |= (uint16_t)(1u << k);
    }
    return 0;
}

/* ends_any - does one of the literals l, indexed in keys, end just
 * before i? */
static bool ends_any(const scan_ctx *ctx, size_t i, const lit *l, const uint16_t *keys)
{
    if (i < 2)
        return false;
    for (unsigned m = keys[tail_key(ctx->s, i)]; m; m &= m - 1)
        if (ends_with(ctx, i, &l[__builtin_ctz(m)]))
            return true;
    return false;
}

/* index_cues - the cue and sign-off lists by their last two bytes */
static int index_cues(pg_engine *e)
{
    int rc = index_tails(e->cue_tails, cues, NCUES);

    return rc < 0 ? rc : index_tails(e->signoff_tails, signoffs, NSIGNOFFS);
}

/* cue_before - does a cue of the word pass end right before start? Then
 * recog_person_cue() reports the name and the sweep need not. */
static bool cue_before(const scan_ctx *ctx, size_t start)
{
    if (start == 0)
        return false;
    if (ctx->s[start - 1] == ' ' && ends_any(ctx, start - 1, cues, ctx->engine->cue_tails))
        return true;
    size_t i = start;
    while (i > 0 && (ctx->s[i - 1] == ' ' || ctx->s[i - 1] == '>'))
        i--;
    if (i == 0 || ctx->s[i - 1] != '\n')
        return false;
    i--;
    while (i > 0 && (ctx->s[i - 1] == ' ' || ctx->s[i - 1] == '\r'))
        i--;
    return ends_any(ctx, i, signoffs, ctx->engine->signoff_tails);
}

/* dictionary_name - a given name at [b, e): with a surname after it 0.7,
 * alone 0.5 (unless it is also a word); returns where the name ends */
static size_t dictionary_name(scan_ctx *ctx, size_t b, size_t e, bool word_only)
{
    if (e + 1 < ctx->n && ctx->s[e] == '-' && surname_end(ctx, e + 1))
        e = surname_end(ctx, e + 1); /* "Anna-Lena", "Jean-Pierre" */
    size_t full = surname_after(ctx, e);
    if (cue_before(ctx, b))
        return full ? full : e;
    if (full)
        emit_name(ctx, b, full, NAME_FULL);
    else if (!word_only)
        emit_name(ctx, b, e, NAME_GIVEN);
    return full ? full : e;
}

/* name_word_before - start of a capitalised name word or initial ending
 * one space before i, or i when there is none */
static size_t name_word_before(const scan_ctx *ctx, size_t i)
{
    size_t b = word_before(ctx, i);

    if (b == i || !upper_len(ctx, b))
        return i;
    size_t e = i - 1;
    if (e - b <= 2 && (e - b == upper_len(ctx, b) || ctx->s[e - 1] == '.'))
        return b; /* an initial */
    if (surname_end(ctx, b) != e || in_list(ctx, b, e, NL_NOT_NAME_AFTER_CUE) ||
        in_list(ctx, b, e, NL_NOT_SURNAME))
        return i;
    return b;
}

/* ending_name - a capitalised word [b, e) with a surname ending: with a
 * capitalised word (or initial) before it 0.7, alone 0.5 if the ending
 * allows */
static void ending_name(scan_ctx *ctx, size_t b, size_t e, const surname_ending *se)
{
    if (surname_end(ctx, b) != e || is_upper((unsigned char)ctx->s[b + 1]))
        return; /* "SAdev" is a code, not a surname */
    for (int k = 0; se->ending[0] == 's' && not_son[k]; k++) {
        size_t l = strlen(not_son[k]);
        if (e - b >= l && strncasecmp(ctx->s + e - l, not_son[k], l) == 0)
            return; /* "Salesperson", "Season" */
    }
    size_t first = name_word_before(ctx, b);
    if (first < b && name_word_before(ctx, first) < first)
        first = name_word_before(ctx, first); /* "Erlendur G. Hafliðason" */
    if (first < b && !cue_before(ctx, first))
        emit_name(ctx, first, e, NAME_FULL);
    else if (first == b && se->alone && e - b >= 5 && !cue_before(ctx, b))
        emit_name(ctx, b, e, NAME_GIVEN);
}

/* hyphen_end - end of "-ho" in "Ji-ho", "-Pierre" in "Jean-Pierre", or e */
static size_t hyphen_end(const scan_ctx *ctx, size_t e)
{
    size_t h = e + 1;

    if (h >= ctx->n || ctx->s[e] != '-' || !letter_byte((unsigned char)ctx->s[h]))
        return e;
    while (h < ctx->n && letter_byte((unsigned char)ctx->s[h]) && h - e < NAME_MAX_WORD)
        h++;
    return h;
}

/* recog_person_word - names starting with the capitalised word at
 * [b, e) (name_sweep.c finds them); returns where the sweep goes on. A
 * hyphenated given name ("Ji-ho", "Jean-Pierre") is looked up whole first. */
size_t recog_person_word(scan_ctx *ctx, size_t b, size_t e)
{
    size_t h = hyphen_end(ctx, e);
    enum given g;

    if (!upper_len(ctx, b))
        return e;
    if (h > e && (g = given_name(ctx, ctx->s + b, h - b)) && bounded(ctx, b, h))
        return dictionary_name(ctx, b, h, g == GIVEN_ALSO_WORD);
    if (e - b < 3)
        return e;
    /* The filters behind given_name() and ending_of() turn away most
     * words; only a word that might be a name pays for bounded(). */
    g = given_name(ctx, ctx->s + b, e - b);
    const surname_ending *se = g ? NULL : ending_of(ctx, ctx->s + b, e - b);
    if ((!g && !se) || !bounded(ctx, b, e))
        return e;
    if (g)
        return dictionary_name(ctx, b, e, g == GIVEN_ALSO_WORD);
    /* an ending needs five letters or a capitalised word before it */
    if (e - b >= 5 || cap_word_before(ctx, b))
        ending_name(ctx, b, e, se);
    return e;
}

/* name_word_end - end of a capitalised word or initial at i, or 0 */
static size_t name_word_end(const scan_ctx *ctx, size_t i)
{
    if (i >= ctx->n)
        return 0;
    unsigned char c = (unsigned char)ctx->s[i];
    if (!(is_upper(c) || c >= 0xC0))
        return 0;
    size_t e = i + 1;
    while (e < ctx->n && e - i < NAME_MAX_WORD) {
        unsigned char d = (unsigned char)ctx->s[e];
        if (is_lower(d) || d >= 0x80 || d == '\'' ||
            (d == '-' && e + 1 < ctx->n && is_upper((unsigned char)ctx->s[e + 1])))
            e++;
        else
            break;
    }
    if (e < ctx->n && ctx->s[e] == '.' && e - i == 1)
        e++; /* an initial: "J." */
    if (e < ctx->n && is_alnum((unsigned char)ctx->s[e]))
        return 0;
    return e;
}

/* name_at - one to three name words starting at i; returns end or 0 */
static size_t name_at(const scan_ctx *ctx, size_t i, int max_words)
{
    size_t end = 0;

    for (int w = 0; w < max_words; w++) {
        size_t e = name_word_end(ctx, i);
        if (!e || (w == 0 && in_list(ctx, i, e, NL_NOT_NAME_AFTER_CUE)))
            break;
        end = e;
        if (e >= ctx->n || ctx->s[e] != ' ')
            break;
        i = e + 1;
    }
    while (end && ctx->s[end - 1] == '.' && end >= 2 && !is_upper((unsigned char)ctx->s[end - 2]))
        end--;
    return end;
}

/* after_signoff - the name on the line after "Regards," */
static void after_signoff(scan_ctx *ctx, size_t i)
{
    while (i < ctx->n && (ctx->s[i] == ' ' || ctx->s[i] == '\r'))
        i++;
    if (i >= ctx->n || ctx->s[i] != '\n')
        return;
    i++;
    while (i < ctx->n && (ctx->s[i] == ' ' || ctx->s[i] == '>'))
        i++;
    size_t e = name_at(ctx, i, 3);
    if (e && (e == ctx->n || ctx->s[e] == '\n' || ctx->s[e] == '\r'))
        engine_emit(ctx, PG_ENT_PERSON, i, e, 0.6f, false, 0);
}

/* recog_person_cue - a name after a cue */
void recog_person_cue(scan_ctx *ctx, const word_hit *h, word_kind kind)
{
    size_t i = h->end, e;

    if (h->start > 0 && is_alnum((unsigned char)ctx->s[h->start - 1]))
        return;
    if (kind == W_SIGNOFF) {
        after_signoff(ctx, i);
        return;
    }
    while (i < ctx->n && ctx->s[i] == ' ')
        i++;
    e = name_at(ctx, i, 3);
    if (!e)
        return;
    float score = kind == W_TITLE || kind == W_NAME_FIELD ? 0.7f : 0.6f;
    engine_emit(ctx, PG_ENT_PERSON, i, e, score, false, 0);
}
