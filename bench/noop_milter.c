/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *   noop_milter.c - the baseline for bench/gateway_bench.sh: a libmilter
 *   filter that does what every content milter must (take the headers and
 *   body into memory) and nothing else, then accepts.
 *
 * SUMMARY
 *   noop_milter inet:PORT@127.0.0.1
 *
 * DESCRIPTION
 *   It negotiates the same steps and "no reply" flags as piiguard's milter
 *   (src/milter/callbacks.c), so the difference between the two in the
 *   benchmark is the check itself, not the protocol. Each session's buffer
 *   hangs on smfi_setpriv; SIGTERM stops it (libmilter's own handling).
 *   A bench tool, not part of piiguard: statics and fatal exits are fine.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libmilter/mfapi.h>

#define STEPS (SMFIP_NOCONNECT | SMFIP_NOHELO | SMFIP_NOUNKNOWN | SMFIP_NODATA | \
               SMFIP_NR_HDR | SMFIP_NR_EOH | SMFIP_NR_BODY)

typedef struct buf {
    char *p;
    size_t len, cap;
    unsigned long steps;
} buf;

/* get - this session's buffer, made on first use */
static buf *get(SMFICTX *ctx)
{
    buf *b = smfi_getpriv(ctx);

    if (!b) {
        if (!(b = calloc(1, sizeof(*b))))
            abort();
        smfi_setpriv(ctx, b);
    }
    return b;
}

/* put - append bytes, growing by doubling */
static void put(buf *b, const void *p, size_t n)
{
    if (b->len + n > b->cap) {
        size_t cap = b->cap ? b->cap : 65536;
        while (cap < b->len + n)
            cap *= 2;
        if (!(b->p = realloc(b->p, cap)))
            abort();
        b->cap = cap;
    }
    memcpy(b->p + b->len, p, n);
    b->len += n;
}

/* reply - SMFIS_NOREPLY when the step was negotiated so */
static sfsistat reply(const buf *b, unsigned long step)
{
    return (b->steps & step) ? SMFIS_NOREPLY : SMFIS_CONTINUE;
}

static sfsistat nm_negotiate(SMFICTX *ctx, unsigned long f0, unsigned long f1,
                             unsigned long f2, unsigned long f3,
                             unsigned long *pf0, unsigned long *pf1,
                             unsigned long *pf2, unsigned long *pf3)
{
    buf *b = get(ctx);

    (void)f2, (void)f3;
    *pf0 = f0 & (SMFIF_ADDHDRS | SMFIF_CHGHDRS | SMFIF_CHGBODY | SMFIF_QUARANTINE);
    *pf1 = b->steps = f1 & STEPS;
    *pf2 = *pf3 = 0;
    return SMFIS_CONTINUE;
}

static sfsistat nm_header(SMFICTX *ctx, char *name, char *value)
{
    buf *b = get(ctx);

    put(b, name, strlen(name));
    put(b, ": ", 2);
    put(b, value, strlen(value));
    put(b, "\r\n", 2);
    return reply(b, SMFIP_NR_HDR);
}

static sfsistat nm_eoh(SMFICTX *ctx)
{
    buf *b = get(ctx);

    put(b, "\r\n", 2);
    return reply(b, SMFIP_NR_EOH);
}

static sfsistat nm_body(SMFICTX *ctx, unsigned char *p, size_t n)
{
    buf *b = get(ctx);

    put(b, p, n);
    return reply(b, SMFIP_NR_BODY);
}

static sfsistat nm_eom(SMFICTX *ctx)
{
    get(ctx)->len = 0;
    return SMFIS_CONTINUE;
}

static sfsistat nm_abort(SMFICTX *ctx)
{
    get(ctx)->len = 0;
    return SMFIS_CONTINUE;
}

static sfsistat nm_close(SMFICTX *ctx)
{
    buf *b = smfi_getpriv(ctx);

    if (b) {
        free(b->p);
        free(b);
        smfi_setpriv(ctx, NULL);
    }
    return SMFIS_CONTINUE;
}

int main(int argc, char **argv)
{
    struct smfiDesc desc = {
        .xxfi_name = "noop",
        .xxfi_version = SMFI_VERSION,
        .xxfi_flags = SMFIF_ADDHDRS | SMFIF_CHGHDRS | SMFIF_CHGBODY | SMFIF_QUARANTINE,
        .xxfi_header = nm_header,
        .xxfi_eoh = nm_eoh,
        .xxfi_body = nm_body,
        .xxfi_eom = nm_eom,
        .xxfi_abort = nm_abort,
        .xxfi_close = nm_close,
        .xxfi_negotiate = nm_negotiate,
    };

    if (argc != 2) {
        fprintf(stderr, "usage: noop_milter inet:PORT@127.0.0.1\n");
        return 2;
    }
    if (smfi_setconn(argv[1]) != MI_SUCCESS || smfi_register(desc) != MI_SUCCESS ||
        smfi_opensocket(1) != MI_SUCCESS) {
        fprintf(stderr, "noop_milter: cannot listen on %s\n", argv[1]);
        return 2;
    }
    return smfi_main() == MI_SUCCESS ? 0 : 2;
}
