/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * relay.c - the SMTP client behind 'piiguard quarantine release'.
 *
 * Just enough SMTP (RFC 5321) to hand one message to a local MTA: no TLS,
 * no AUTH, no pipelining; the relay is expected to be a trusted listener
 * on the same host that does not run the piiguard milter again (see
 * docs/store.md). Reply lines are capped at 1000 bytes and replies at 100
 * lines; every socket operation has a timeout. Envelope addresses with
 * control characters or angle brackets are refused before they can split
 * or bend an SMTP command.
 */
#include <errno.h>
#include <netdb.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "cli/relay.h"

#define LINE_MAX_BYTES 1000 /* RFC 5321 4.5.3.1.5: reply lines */
#define REPLY_MAX_LINES 100

struct pg_cli_relay {
    int fd;
    bool in_data;   /* after 354: closing now must not send QUIT */
    bool at_bol;    /* the next data byte starts a line */
    bool prev_cr;   /* the last data byte was CR */
    int timeout_s;
    char where[300];
    char last[200]; /* last reply line, cleaned, for messages */
    char rbuf[4096];
    size_t rlen, rpos;
    char wbuf[16384];
    size_t wlen;
};

/* split_hostport - "host:port", "[v6]:port" or "host" into parts */
static int split_hostport(char *host, size_t hcap, char *port, size_t pcap, const char *s)
{
    const char *colon, *h = s;
    size_t hl;

    if (*s == '[') {
        const char *close = strchr(s, ']');
        if (!close)
            return PG_EINVAL;
        h = s + 1;
        hl = (size_t)(close - h);
        colon = close[1] == ':' ? close + 1 : NULL;
    } else {
        colon = strrchr(s, ':');
        hl = colon ? (size_t)(colon - s) : strlen(s);
    }
    if (hl == 0 || hl >= hcap || (colon && (!colon[1] || strlen(colon + 1) >= pcap)))
        return PG_EINVAL;
    memcpy(host, h, hl);
    host[hl] = '\0';
    snprintf(port, pcap, "%s", colon ? colon + 1 : "25");
    return 0;
}

/* dial - connect to the first address that answers, with timeouts set */
static int dial(pg_cli_relay *r, const char *host, const char *port)
{
    struct addrinfo hints = {.ai_socktype = SOCK_STREAM}, *res, *ai;
    struct timeval tv = {.tv_sec = r->timeout_s};
    int rc = getaddrinfo(host, port, &hints, &res);

    if (rc != 0)
        return pg_error_set(PG_EIO, "cannot resolve relay %s: %s", r->where, gai_strerror(rc));
    for (ai = res; ai; ai = ai->ai_next) {
        r->fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, ai->ai_protocol);
        if (r->fd < 0)
            continue;
        setsockopt(r->fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
        setsockopt(r->fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
        if (connect(r->fd, ai->ai_addr, ai->ai_addrlen) == 0)
            break;
        close(r->fd);
        r->fd = -1;
    }
    freeaddrinfo(res);
    if (r->fd < 0)
        return pg_error_set(PG_EIO, "cannot connect to relay %s: %s; check --relay "
                            "and that the MTA listens there", r->where, strerror(errno));
    return 0;
}

/* io_fail - a socket error or timeout, as a pg_err */
static int io_fail(const pg_cli_relay *r, const char *doing)
{
    if (errno == EAGAIN || errno == EWOULDBLOCK)
        return pg_error_set(PG_ETIMEOUT, "relay %s did not answer while %s within %ds",
                            r->where, doing, r->timeout_s);
    return pg_error_set(PG_EIO, "relay %s: %s failed: %s", r->where, doing,
                        errno ? strerror(errno) : "connection closed");
}

/* flush - send what is buffered */
static int flush(pg_cli_relay *r)
{
    size_t off = 0;

    while (off < r->wlen) {
        ssize_t n = send(r->fd, r->wbuf + off, r->wlen - off, MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return io_fail(r, "sending");
        off += (size_t)n;
    }
    r->wlen = 0;
    return 0;
}

/* put - buffer bytes, flushing when full */
static int put(pg_cli_relay *r, const char *s, size_t n)
{
    while (n > 0) {
        size_t room = sizeof(r->wbuf) - r->wlen, k = n < room ? n : room;
        int err;
        memcpy(r->wbuf + r->wlen, s, k);
        r->wlen += k;
        s += k;
        n -= k;
        if (r->wlen == sizeof(r->wbuf) && (err = flush(r)) < 0)
            return err;
    }
    return 0;
}

/* read_line - one CRLF-terminated line, without the terminator */
static int read_line(pg_cli_relay *r, char *line, size_t cap)
{
    size_t n = 0;

    for (;;) {
        if (r->rpos == r->rlen) {
            ssize_t got = recv(r->fd, r->rbuf, sizeof(r->rbuf), 0);
            if (got <= 0) {
                if (got == 0)
                    errno = 0;
                return io_fail(r, "reading a reply");
            }
            r->rlen = (size_t)got;
            r->rpos = 0;
        }
        char c = r->rbuf[r->rpos++];
        if (c == '\n')
            break;
        if (n + 1 >= cap)
            return pg_error_set(PG_EIO, "relay %s sent a reply line over %d bytes",
                                r->where, LINE_MAX_BYTES);
        line[n++] = c;
    }
    if (n > 0 && line[n - 1] == '\r')
        n--;
    line[n] = '\0';
    return 0;
}

/* reply - read a whole (maybe multi-line) reply; its code in *code */
static int reply(pg_cli_relay *r, int *code)
{
    char line[LINE_MAX_BYTES + 2];
    int err;

    for (int i = 0; i < REPLY_MAX_LINES; i++) {
        if ((err = read_line(r, line, sizeof(line))) < 0)
            return err;
        if (strlen(line) < 3 || strspn(line, "0123456789") < 3 ||
            (line[3] && line[3] != ' ' && line[3] != '-'))
            return pg_error_set(PG_EIO, "relay %s does not speak SMTP", r->where);
        for (char *p = line; *p; p++)
            if ((unsigned char)*p < 0x20 || *p == 0x7f)
                *p = '?';
        snprintf(r->last, sizeof(r->last), "%.*s", (int)sizeof(r->last) - 1, line);
        if (line[3] != '-') {
            *code = atoi(line);
            return 0;
        }
    }
    return pg_error_set(PG_EIO, "relay %s sent a reply of over %d lines", r->where,
                        REPLY_MAX_LINES);
}

/* expect - read a reply and require its first digit */
static int expect(pg_cli_relay *r, int digit, const char *what)
{
    int code = 0, err = reply(r, &code);

    if (err < 0)
        return err;
    if (code / 100 != digit)
        return pg_error_set(PG_EIO, "relay %s refused %s: %s", r->where, what, r->last);
    return 0;
}

/* command - send one command line and flush it */
static int command(pg_cli_relay *r, const char *fmt, ...)
{
    char line[1024];
    va_list ap;
    int n, err;

    va_start(ap, fmt);
    n = vsnprintf(line, sizeof(line) - 2, fmt, ap);
    va_end(ap);
    if (n < 0 || (size_t)n >= sizeof(line) - 2)
        return pg_error_set(PG_EINVAL, "an SMTP command would be too long");
    memcpy(line + n, "\r\n", 2);
    if ((err = put(r, line, (size_t)n + 2)) < 0)
        return err;
    return flush(r);
}

/* pg_cli_relay_open - connect, greeting, EHLO (HELO if EHLO is refused) */
int pg_cli_relay_open(pg_cli_relay **out, const char *hostport, const char *helo,
                      int timeout_s)
{
    char host[256], port[16];
    pg_cli_relay *r;
    int err, code = 0;

    if (split_hostport(host, sizeof(host), port, sizeof(port), hostport) < 0)
        return pg_error_set(PG_EINVAL, "--relay wants HOST:PORT, not '%.60s'", hostport);
    if (!(r = calloc(1, sizeof(*r))))
        return PG_ENOMEM;
    r->fd = -1;
    r->timeout_s = timeout_s;
    snprintf(r->where, sizeof(r->where), "%s", hostport);
    *out = r;
    if ((err = dial(r, host, port)) < 0 || (err = expect(r, 2, "the connection")) < 0 ||
        (err = command(r, "EHLO %s", helo)) < 0 || (err = reply(r, &code)) < 0)
        return err;
    if (code / 100 == 2)
        return 0;
    if ((err = command(r, "HELO %s", helo)) < 0)
        return err;
    return expect(r, 2, "HELO");
}

/* safe_path - an address that can sit inside <...> on a command line */
static bool safe_path(const char *s)
{
    for (; *s; s++)
        if ((unsigned char)*s < 0x21 || *s == 0x7f || *s == '<' || *s == '>')
            return false;
    return true;
}

/* pg_cli_relay_envelope - MAIL FROM, RCPT TO each, DATA */
int pg_cli_relay_envelope(pg_cli_relay *r, const pg_store_envelope *env)
{
    const char *from = env->sender ? env->sender : "";
    int err;

    if (!safe_path(from))
        return pg_error_set(PG_EINVAL, "the stored sender cannot be sent over SMTP");
    if ((err = command(r, "MAIL FROM:<%s>", from)) < 0 ||
        (err = expect(r, 2, "the sender")) < 0)
        return err;
    for (size_t i = 0; i < env->n_recipients; i++) {
        if (!safe_path(env->recipients[i]))
            return pg_error_set(PG_EINVAL, "stored recipient %zu cannot be sent over "
                                "SMTP", i + 1);
        if ((err = command(r, "RCPT TO:<%s>", env->recipients[i])) < 0)
            return err;
        if ((err = expect(r, 2, "a recipient")) < 0) {
            char why[300]; /* pg_error_set must not read the buffer it writes */
            snprintf(why, sizeof(why), "%s", pg_error_last());
            return pg_error_set(err, "%s (recipient %zu of %zu); nothing was delivered",
                                why, i + 1, env->n_recipients);
        }
    }
    if ((err = command(r, "DATA")) < 0 || (err = expect(r, 3, "DATA")) < 0)
        return err;
    r->in_data = true;
    r->at_bol = true;
    return 0;
}

/* pg_cli_relay_data - CRLF line ends and dot-stuffing, byte by byte */
int pg_cli_relay_data(pg_cli_relay *r, const char *data, size_t len)
{
    int err = 0;

    for (size_t i = 0; i < len && err == 0; i++) {
        char c = data[i];
        if (r->at_bol && c == '.')
            err = put(r, ".", 1);
        if (err == 0 && c == '\n' && !r->prev_cr)
            err = put(r, "\r", 1);
        if (err == 0)
            err = put(r, &c, 1);
        r->prev_cr = c == '\r';
        r->at_bol = c == '\n';
    }
    return err;
}

/* pg_cli_relay_finish - the final dot, the verdict on the message, QUIT */
int pg_cli_relay_finish(pg_cli_relay *r)
{
    int err, code;

    if ((!r->at_bol && (err = put(r, "\r\n", 2)) < 0) || (err = put(r, ".\r\n", 3)) < 0 ||
        (err = flush(r)) < 0)
        return err;
    r->in_data = false;
    if ((err = expect(r, 2, "the message")) < 0)
        return err;
    if (command(r, "QUIT") == 0)
        reply(r, &code);
    close(r->fd);
    r->fd = -1;
    return 0;
}

/* pg_cli_relay_close - drop the connection; inside DATA that aborts the message */
void pg_cli_relay_close(pg_cli_relay *r)
{
    if (!r)
        return;
    if (r->fd >= 0) {
        if (!r->in_data) /* best effort, and without touching pg_error_last() */
            (void)!send(r->fd, "QUIT\r\n", 6, MSG_NOSIGNAL | MSG_DONTWAIT);
        close(r->fd);
    }
    free(r);
}
