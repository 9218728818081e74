/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	policy_util.c - the policy room's arena, string builder, names and
 *	address helpers
 *
 * SUMMARY
 *	void *arena_alloc(policy_arena *a, size_t n);
 *	void arena_free(policy_arena *a);
 *	void sb_putn(policy_sb *sb, const char *s, size_t n);
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

/* arena_alloc - n bytes, aligned, from the current chunk or a new one */
void *arena_alloc(policy_arena *a, size_t n)
{
    policy_chunk *c = a->head;
    size_t need = (n + ARENA_ALIGN - 1) & ~(ARENA_ALIGN - 1);

    if (need < n)
        return NULL;
    if (!c || c->size - c->used < need) {
        size_t size = need > ARENA_CHUNK ? need : ARENA_CHUNK;
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
    char *p = realloc(sb->buf, ncap);
    if (!p) {
        sb->err = PG_ENOMEM;
        return false;
    }
    sb->buf = p;
    sb->cap = ncap;
    return true;
}

/* sb_putn - append n bytes (clipped at max when the builder clips) */
void sb_putn(policy_sb *sb, const char *s, size_t n)
{
    if (sb->clip && !sb->err && n > sb->max - sb->len)
        n = sb->max - sb->len;
    if (n == 0 || !sb_reserve(sb, n))
        return;
    memcpy(sb->buf + sb->len, s, n);
    sb->len += n;
    sb->buf[sb->len] = '\0';
}

/* sb_puts - append a NUL-terminated string */
void sb_puts(policy_sb *sb, const char *s)
{
    sb_putn(sb, s, strlen(s));
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

/* sb_finish - hand over the string, or NULL and the sticky error */
char *sb_finish(policy_sb *sb, int *err)
{
    if (sb->err) {
        *err = sb->err;
        sb_dispose(sb);
        return NULL;
    }
    if (!sb->buf && !sb_reserve(sb, 0)) {
        *err = sb->err ? sb->err : PG_ENOMEM;
        return NULL;
    }
    sb->buf[sb->len] = '\0';
    char *s = sb->buf;
    sb->buf = NULL;
    return s;
}

/* sb_dispose - free whatever the builder holds */
void sb_dispose(policy_sb *sb)
{
    free(sb->buf);
    sb->buf = NULL;
    sb->len = sb->cap = 0;
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
