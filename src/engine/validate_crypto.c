/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	validate_crypto - Bitcoin addresses (base58check and bech32/bech32m)
 * SUMMARY
 *	bool pg_validate_crypto(const char *s, size_t n);
 * DESCRIPTION
 *	The CRYPTO entity is a Bitcoin mainnet address in one of two forms:
 *
 *	- base58check, P2PKH ('1', version byte 0x00) or P2SH ('3', 0x05): the
 *	  string decodes to exactly 25 bytes, with one leading '1' per leading
 *	  zero byte, and the last 4 bytes are the first 4 of SHA-256(SHA-256(
 *	  the first 21)). SHA-256 is libsodium's crypto_hash_sha256(), which
 *	  has a single portable implementation and so needs no sodium_init().
 *	- segwit (BIP 173 / BIP 350): "bc1", data in the bech32 alphabet, one
 *	  case throughout; witness version 0 takes a bech32 checksum and a 20-
 *	  or 32-byte program, versions 1-16 a 2-40-byte program with a bech32m
 *	  checksum. Versions 1-16 also pass with a plain bech32 checksum, the
 *	  BIP 173 rule that python-stdnum 1.18 and its test vectors still use.
 *
 *	Unlike every other validator this one takes the *raw* candidate:
 *	base58 is case-sensitive, so the compact form (upper-cased) would break
 *	it. pg_validate_prepare() hands it the trimmed bytes with spaces
 *	removed. Inputs longer than 90 bytes (the bech32 ceiling) are refused
 *	before any loop.
 */
#include <sodium.h>
#include <stdint.h>
#include <string.h>

#include "engine/validate.h"

#define B58_BYTES 25   /* version + 20-byte hash + 4-byte checksum */
#define B58_MAX 35     /* 25 bytes never take more base58 digits */
#define BECH32_MAX 90  /* BIP 173 length ceiling */
#define BECH32_CONST 1u
#define BECH32M_CONST 0x2bc830a3u

static const char b58_alphabet[] =
    "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";
static const char b32_alphabet[] = "qpzry9x8gf2tvdw0s3jn54khce6mua7l";

/* b58_value - the digit value of c, or -1 */
static int b58_value(char c)
{
    const char *p = c ? strchr(b58_alphabet, c) : NULL;

    return p ? (int)(p - b58_alphabet) : -1;
}

/* b58_decode - big-endian base58 into exactly B58_BYTES, no overflow */
static bool b58_decode(unsigned char out[B58_BYTES], const char *s, size_t n)
{
    memset(out, 0, B58_BYTES);
    for (size_t i = 0; i < n; i++) {
        int v = b58_value(s[i]);
        unsigned carry;

        if (v < 0)
            return false;
        carry = (unsigned)v;
        for (size_t j = B58_BYTES; j-- > 0;) {
            carry += 58u * out[j];
            out[j] = (unsigned char)(carry & 0xff);
            carry >>= 8;
        }
        if (carry != 0)
            return false; /* more than 25 bytes */
    }
    return true;
}

/* base58check - P2PKH / P2SH address with a valid double-SHA-256 tail */
static bool base58check(const char *s, size_t n)
{
    unsigned char raw[B58_BYTES], h[crypto_hash_sha256_BYTES];
    size_t ones = 0, zeros = 0;

    if (n > B58_MAX || !b58_decode(raw, s, n))
        return false;
    /* Canonical encoding: each leading zero byte is exactly one '1'. */
    while (ones < n && s[ones] == '1')
        ones++;
    while (zeros < B58_BYTES && raw[zeros] == 0)
        zeros++;
    if (ones != zeros)
        return false;
    if (raw[0] != (s[0] == '1' ? 0x00 : 0x05))
        return false;
    crypto_hash_sha256(h, raw, B58_BYTES - 4);
    crypto_hash_sha256(h, h, sizeof h);
    return memcmp(h, raw + B58_BYTES - 4, 4) == 0;
}

/* bech32_polymod - the BCH checksum over 5-bit values */
static uint32_t bech32_polymod(uint32_t chk, const unsigned char *v, size_t n)
{
    static const uint32_t gen[5] = {0x3b6a57b2u, 0x26508e6du, 0x1ea119fau,
                                    0x3d4233ddu, 0x2a1462b3u};

    for (size_t i = 0; i < n; i++) {
        uint32_t top = chk >> 25;

        chk = ((chk & 0x1ffffffu) << 5) ^ v[i];
        for (int b = 0; b < 5; b++)
            if ((top >> b) & 1u)
                chk ^= gen[b];
    }
    return chk;
}

/* one_case - no mix of lower- and upper-case letters (BIP 173) */
static bool one_case(const char *s, size_t n)
{
    bool lower = false, upper = false;

    for (size_t i = 0; i < n; i++) {
        lower |= s[i] >= 'a' && s[i] <= 'z';
        upper |= s[i] >= 'A' && s[i] <= 'Z';
    }
    return !(lower && upper);
}

/* bech32_values - map data characters to 5-bit values, either case */
static bool bech32_values(unsigned char *v, const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        char c = s[i] >= 'A' && s[i] <= 'Z' ? (char)(s[i] - 'A' + 'a') : s[i];
        const char *p = c ? strchr(b32_alphabet, c) : NULL;

        if (p == NULL)
            return false;
        v[i] = (unsigned char)(p - b32_alphabet);
    }
    return true;
}

/* program_bytes - witness program bytes in 5-bit groups; 0 if badly padded */
static size_t program_bytes(const unsigned char *v, size_t groups)
{
    size_t bits = groups * 5;

    /* Leftover bits must be fewer than 5 and all zero. */
    if (bits % 8 >= 5 || (v[groups - 1] & ((1u << (bits % 8)) - 1)) != 0)
        return 0;
    return bits / 8;
}

/* segwit - bc1 address: checksum constant matches version, program sized */
static bool segwit(const char *s, size_t n)
{
    /* hrp "bc" expanded: high bits, a zero, low bits */
    static const unsigned char hrp[5] = {3, 3, 0, 2, 3};
    unsigned char v[BECH32_MAX];
    size_t dn = n - 3, prog;
    uint32_t chk;

    /* 14 = "bc1" + version + 4 groups (2 bytes) + 6 checksum groups */
    if (n < 14 || n > BECH32_MAX || !one_case(s, n) ||
        !bech32_values(v, s + 3, dn) || v[0] > 16)
        return false;
    chk = bech32_polymod(bech32_polymod(1, hrp, sizeof hrp), v, dn);
    prog = program_bytes(v + 1, dn - 7);
    if (v[0] == 0)
        return chk == BECH32_CONST && (prog == 20 || prog == 32);
    return (chk == BECH32M_CONST || chk == BECH32_CONST) && prog >= 2 &&
           prog <= 40;
}

/* pg_validate_crypto - a Bitcoin address, raw (case-preserving) form */
bool pg_validate_crypto(const char *s, size_t n)
{
    if (n < 14 || n > BECH32_MAX)
        return false;
    if (s[0] == '1' || s[0] == '3')
        return base58check(s, n);
    if ((s[0] == 'b' || s[0] == 'B') && (s[1] == 'c' || s[1] == 'C') &&
        s[2] == '1')
        return segwit(s, n);
    return false;
}
