/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	policy_util.c - the policy room's arena, string builder, names and
 *	address helpers
 *
 * SUMMARY
 *	void *arena_alloc(policy_arena *a, size_t n);
 *	void arena_free(policy_arena *a);
 *	void sb_init_buf(policy_sb *sb, char *buf, size_t cap, size_t max, bool clip);
 *	void sb_putn(policy_sb *sb, const char *s, size_t n);   (inline, header)
 *	void sb_putu(policy_sb *sb, size_t v);
 *	char *sb_finish(policy_sb *sb, int *err);
 *	const char *pg_action_name(pg_action action);
 *	const char *pg_channel_name(pg_channel channel);
 *	int pg_channel_from_name(pg_channel *out, const char *name);
 *	bool policy_addr_domain(char *out, size_t cap, const char *addr);
 *	bool policy_display_name(char *out, size_t cap, const char *to);
 *	void policy_put_safe_path(policy_sb *sb, const char *path, bool html);
 *
 * DESCRIPTION
 *	The arena exists so that a policy (or a decision) is freed in one
 *	call whatever state it was left in: a load that fails half-way frees
 *	exactly what it allocated and nothing more.
 *
 *	The builder keeps a sticky error (SQLite's StrAccum): after the first
 *	failure every append is a no-op and the caller checks once.
 *
 *	Address helpers never allocate. An address without a domain (a chat
 *	handle, a phone number) has no domain and is therefore external: the
 *	policy fails towards the stricter scope.
 */
#include <assert.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "policy/policy_internal.h"

struct policy_chunk {
    policy_chunk *next;
    size_t size, used;
    _Alignas(max_align_t) unsigned char data[];
};

#define ARENA_CHUNK 8192u
#define ARENA_ALIGN _Alignof(max_align_t)
/* An arena's first chunk, header included, is 1 KiB: a decision's rules,
 * reasons and spans fit in it, and glibc serves a block that small from its
 * per-thread cache. An 8 KiB first chunk went to the main heap on every
 * decision, at about a tenth of the decision's instructions. */
#define ARENA_FIRST_CHUNK (1024u - sizeof(policy_chunk))

/* arena_alloc - n bytes, aligned, from the current chunk or a new one */
void *arena_alloc(policy_arena *a, size_t n)
{
    policy_chunk *c = a->head;
    size_t need = (n + ARENA_ALIGN - 1) & ~(ARENA_ALIGN - 1);

    if (need < n)
        return NULL;
    if (!c || c->size - c->used < need) {
        size_t chunk = c ? ARENA_CHUNK : ARENA_FIRST_CHUNK;
        size_t size = need > chunk ? need : chunk;
        if (size > SIZE_MAX - sizeof(*c))
            return NULL;
        c = malloc(sizeof(*c) + size);
        if (!c)
            return NULL;
        c->size = size;
        c->used = 0;
        c->next = a->head;
        a->head = c;
    }
    void *p = c->data + c->used;
    c->used += need;
    return p;
}

/* arena_calloc - zeroed array of n elements, overflow checked */
void *arena_calloc(policy_arena *a, size_t n, size_t size)
{
    if (size && n > SIZE_MAX / size)
        return NULL;
    size_t total = n * size;
    void *p = arena_alloc(a, total > 0 ? total : 1);
    if (p)
        memset(p, 0, total);
    return p;
}

/* arena_strndup - copy n bytes and a NUL into the arena */
char *arena_strndup(policy_arena *a, const char *s, size_t n)
{
    if (n == SIZE_MAX)
        return NULL;
    char *p = arena_alloc(a, n + 1);
    if (p) {
        memcpy(p, s, n);
        p[n] = '\0';
    }
    return p;
}

/* arena_strdup - copy a string into the arena */
char *arena_strdup(policy_arena *a, const char *s)
{
    return arena_strndup(a, s, strlen(s));
}

/* arena_free - release every chunk; the arena is empty afterwards */
void arena_free(policy_arena *a)
{
    policy_chunk *c = a->head;

    while (c) {
        policy_chunk *next = c->next;
        free(c);
        c = next;
    }
    a->head = NULL;
}

/* sb_init - an empty builder that refuses (or clips) past max bytes */
void sb_init(policy_sb *sb, size_t max, bool clip)
{
    memset(sb, 0, sizeof(*sb));
    sb->max = max;
    sb->clip = clip;
}

/* sb_init_buf - the same, starting in the caller's buffer */
void sb_init_buf(policy_sb *sb, char *buf, size_t cap, size_t max, bool clip)
{
    assert(cap >= 1);
    sb_init(sb, max, clip);
    sb->buf = buf;
    sb->cap = cap;
    buf[0] = '\0';
}

/* sb_reset - empty the builder; its buffer stays */
void sb_reset(policy_sb *sb)
{
    sb->len = 0;
    if (sb->buf)
        sb->buf[0] = '\0';
}

/* sb_reserve - room for n more bytes and a NUL, or a sticky error */
static bool sb_reserve(policy_sb *sb, size_t n)
{
    if (sb->err)
        return false;
    if (n > sb->max - sb->len) {
        if (!sb->clip)
            sb->err = PG_ETOOBIG;
        return false;
    }
    if (sb->len + n + 1 <= sb->cap)
        return true;
    size_t ncap = sb->cap ? sb->cap : 1024;
    while (ncap < sb->len + n + 1)
        ncap *= 2;
    char *p = sb->heap ? realloc(sb->buf, ncap) : malloc(ncap);
    if (!p) {
        sb->err = PG_ENOMEM;
        return false;
    }
    if (!sb->heap && sb->buf)
        memcpy(p, sb->buf, sb->len + 1);
    sb->buf = p;
    sb->cap = ncap;
    sb->heap = true;
    return true;
}

/* sb_putn_slow - append n bytes when sb_putn's fast path cannot: growth,
 * the clip, or a sticky error */
void sb_putn_slow(policy_sb *sb, const char *s, size_t n)
{
    if (sb->clip && !sb->err && n > sb->max - sb->len)
        n = sb->max - sb->len;
    if (n == 0 || !sb_reserve(sb, n))
        return;
    memcpy(sb->buf + sb->len, s, n);
    sb->len += n;
    sb->buf[sb->len] = '\0';
}

/* sb_putu - append a number in decimal: reasons and notices print counts
 * on every decision, and vsnprintf costs more than the rest of a reason */
void sb_putu(policy_sb *sb, size_t v)
{
    char tmp[24];
    size_t i = sizeof(tmp);

    do {
        tmp[--i] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    sb_putn(sb, tmp + i, sizeof(tmp) - i);
}

/* sb_printf - append formatted text; reasons and counts, never values */
void sb_printf(policy_sb *sb, const char *fmt, ...)
{
    char tmp[512];
    va_list ap;

    va_start(ap, fmt);
    int n = vsnprintf(tmp, sizeof(tmp), fmt, ap);
    va_end(ap);
    if (n < 0) {
        sb->err = sb->err ? sb->err : PG_EINTERNAL;
        return;
    }
    sb_putn(sb, tmp, (size_t)n < sizeof(tmp) ? (size_t)n : sizeof(tmp) - 1);
}

/* sb_put_clean - append untrusted text with control bytes as spaces */
void sb_put_clean(policy_sb *sb, const char *s, size_t n)
{
    size_t i = 0;

    while (i < n) {
        size_t j = i;
        while (j < n && (unsigned char)s[j] >= 0x20 && s[j] != 0x7f)
            j++;
        sb_putn(sb, s + i, j - i);
        if (j < n)
            sb_putn(sb, " ", 1);
        i = j + 1;
    }
}

/* html_entity - the escape for one byte, or NULL when it is safe */
static const char *html_entity(unsigned char c)
{
    switch (c) {
    case '<': return "&lt;";
    case '>': return "&gt;";
    case '&': return "&amp;";
    case '"': return "&quot;";
    case '\'': return "&#39;";
    default: return c < 0x20 || c == 0x7f ? " " : NULL;
    }
}

/* sb_put_html - append text escaped for HTML element and attribute content */
void sb_put_html(policy_sb *sb, const char *s, size_t n)
{
    size_t i = 0;

    while (i < n) {
        size_t j = i;
        while (j < n && !html_entity((unsigned char)s[j]))
            j++;
        sb_putn(sb, s + i, j - i);
        if (j < n)
            sb_puts(sb, html_entity((unsigned char)s[j]));
        i = j + 1;
    }
}

/* sb_finish - hand over the string (malloc'd), or NULL and the sticky error */
char *sb_finish(policy_sb *sb, int *err)
{
    char *s = sb->buf;

    if (sb->err) {
        *err = sb->err;
        sb_dispose(sb);
        return NULL;
    }
    if (!sb->heap) { /* nothing appended, or still in the caller's buffer */
        if (!(s = malloc(sb->len + 1))) {
            *err = PG_ENOMEM;
            sb_dispose(sb);
            return NULL;
        }
        memcpy(s, sb->len ? sb->buf : "", sb->len);
        s[sb->len] = '\0';
        sb_dispose(sb);
        return s;
    }
    sb->buf = NULL;
    sb_dispose(sb);
    return s;
}

/* sb_dispose - free whatever the builder holds on the heap */
void sb_dispose(policy_sb *sb)
{
    if (sb->heap)
        free(sb->buf);
    sb->buf = NULL;
    sb->len = sb->cap = 0;
    sb->heap = false;
}

static const char *const action_names[] = {
    "allow", "tag", "redact", "secure", "quarantine", "reject", "tempfail"};

static const char *const channel_names[] = {"email", "chat", "sms"};

/* pg_action_name - "allow", "tag", ...; "unknown" out of range */
const char *pg_action_name(pg_action action)
{
    if ((unsigned)action >= sizeof(action_names) / sizeof(action_names[0]))
        return "unknown";
    return action_names[action];
}

/* pg_channel_name - "email", "chat", "sms"; "unknown" out of range */
const char *pg_channel_name(pg_channel channel)
{
    if ((unsigned)channel >= sizeof(channel_names) / sizeof(channel_names[0]))
        return "unknown";
    return channel_names[channel];
}

/* pg_channel_from_name - parse a channel name, case-sensitive as in YAML */
int pg_channel_from_name(pg_channel *out, const char *name)
{
    for (size_t i = 0; i < sizeof(channel_names) / sizeof(channel_names[0]); i++) {
        if (strcmp(name, channel_names[i]) == 0) {
            *out = (pg_channel)i;
            return 0;
        }
    }
    return PG_ENOTFOUND;
}

/* policy_addr_domain - the lower-cased domain of an address, if any */
bool policy_addr_domain(char *out, size_t cap, const char *addr)
{
    const char *at = addr ? strrchr(addr, '@') : NULL;
    size_t n = 0;

    if (!at || cap == 0)
        return false;
    for (const char *p = at + 1; *p && *p != '>' && !isspace((unsigned char)*p); p++) {
        if (n + 1 >= cap)
            return false;
        out[n++] = (char)tolower((unsigned char)*p);
    }
    while (n > 0 && out[n - 1] == '.')
        n--;
    out[n] = '\0';
    return n > 0;
}

/* policy_domain_match - domain is pattern, or a subdomain of it */
bool policy_domain_match(const char *domain, const char *pattern)
{
    size_t dl = strlen(domain), pl = strlen(pattern);

    if (dl == pl)
        return memcmp(domain, pattern, dl) == 0;
    return dl > pl && domain[dl - pl - 1] == '.' &&
           memcmp(domain + dl - pl, pattern, pl) == 0;
}

/* policy_is_internal - does the address belong to an internal domain? */
bool policy_is_internal(const pg_policy *policy, const char *addr)
{
    char dom[256];

    if (!policy_addr_domain(dom, sizeof(dom), addr))
        return false;
    for (size_t i = 0; i < policy->n_internal; i++)
        if (policy_domain_match(dom, policy->internal[i]))
            return true;
    return false;
}

/* trim_copy - copy [s, e) without surrounding blanks and quotes */
static bool trim_copy(char *out, size_t cap, const char *s, const char *e)
{
    while (s < e && (isspace((unsigned char)*s) || *s == '"'))
        s++;
    while (e > s && (isspace((unsigned char)e[-1]) || e[-1] == '"'))
        e--;
    if (s == e || (size_t)(e - s) >= cap || memchr(s, '@', (size_t)(e - s)))
        return false;
    memcpy(out, s, (size_t)(e - s));
    out[e - s] = '\0';
    for (const char *p = out; *p; p++)
        if (isalpha((unsigned char)*p) || (unsigned char)*p >= 0x80)
            return true;
    return false;
}

/* policy_display_name - "Jane Doe" from `"Jane Doe" <jane@x>, b@y` */
bool policy_display_name(char *out, size_t cap, const char *to_header)
{
    const char *lt, *comma;

    if (!to_header)
        return false;
    lt = strchr(to_header, '<');
    comma = strchr(to_header, ',');
    if (!lt || (comma && comma < lt && to_header[0] != '"'))
        return false;
    return trim_copy(out, cap, to_header, lt);
}

/* digits_in - how many ASCII digits [s, s+n) holds */
static size_t digits_in(const char *s, size_t n)
{
    size_t d = 0;

    for (size_t i = 0; i < n; i++)
        d += isdigit((unsigned char)s[i]) != 0;
    return d;
}

/* policy_put_safe_path - a segment path, clipped, digit-heavy tokens masked */
void policy_put_safe_path(policy_sb *sb, const char *path, bool html)
{
    size_t len = strnlen(path, 160), i = 0;

    while (i < len) {
        size_t j = i;
        while (j < len && (isalnum((unsigned char)path[j]) || path[j] == '-' ||
                           path[j] == ' ' || path[j] == '_' || path[j] == '.'))
            j++;
        if (j == i) {
            if (html)
                sb_put_html(sb, path + i, 1);
            else
                sb_put_clean(sb, path + i, 1);
            i++;
            continue;
        }
        if (digits_in(path + i, j - i) >= 4) {
            for (size_t k = i; k < j; k++)
                sb_putn(sb, isalnum((unsigned char)path[k]) ? "*" : path + k, 1);
        } else {
            sb_putn(sb, path + i, j - i);
        }
        i = j;
    }
    if (strlen(path) > len)
        sb_puts(sb, "...");
}
