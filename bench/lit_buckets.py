#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""lit_buckets.py - choose word_lits.c's filter buckets (bucket_keys[]).

The word-literal filter (src/engine/word_lits.c) puts each literal in one
of seven buckets by its first two bytes, lower-cased. A bucket's literals
combine their nibbles, so the choice decides how many word starts pass
the filter without being a literal. This script simulates the filter
over the word starts of a corpus sample and searches (local search from
random starts) for the assignment with the fewest candidates, then
prints it as the C table. Only speed depends on the result.

usage: bench/lit_buckets.py [CORPUS] [MB] [RESTARTS]
       (defaults: bench/out/corpus.txt, 4, 10)
"""
import collections
import random
import re
import sys

HERE = sys.path[0]
WORDS_C = HERE + "/../src/engine/words.c"
BUCKETS = 7  # the eighth is the key block's, which may start anywhere


def literals():
    src = open(WORDS_C, encoding="utf-8").read()
    out = []
    for kind, a, b, w in re.findall(
            r'(LC?)\("((?:[^"\\]|\\.)*)"(?: "([^"]*)")?, (W_\w+)\)', src):
        raw = (a + b).encode().decode("unicode_escape").encode("latin-1")
        if w != "W_KEY_BLOCK":
            out.append((raw, kind == "LC"))
    return out


def forms(c, caseless):
    if caseless and chr(c).isalpha():
        return {ord(chr(c).lower()), ord(chr(c).upper())}
    return {c}


def key(lit):
    fold = lambda c: c | 0x20 if 65 <= c <= 90 else c
    return bytes([fold(lit[0]), fold(lit[1])])


def word_start_trigrams(text):
    alnum = lambda c: 48 <= c <= 57 or 65 <= c <= 90 or 97 <= c <= 122
    tri = collections.Counter()
    for i in range(len(text) - 2):
        if i == 0 or not alnum(text[i - 1]):
            tri[text[i:i + 3]] += 1
    return list(tri.items())


def candidates(assign, lits, tri):
    lo = [[0] * 16 for _ in range(3)]
    hi = [[0] * 16 for _ in range(3)]
    for lit, caseless in lits:
        bit = 1 << assign[key(lit)]
        for j in range(3):
            for c in forms(lit[j], caseless):
                lo[j][c & 15] |= bit
                hi[j][c >> 4] |= bit
    n = 0
    for t, count in tri:
        f = 0xFF
        for j in range(3):
            f &= lo[j][t[j] & 15] & hi[j][t[j] >> 4]
        if f:
            n += count
    return n


def main():
    corpus = sys.argv[1] if len(sys.argv) > 1 else HERE + "/out/corpus.txt"
    mb = float(sys.argv[2]) if len(sys.argv) > 2 else 4
    restarts = int(sys.argv[3]) if len(sys.argv) > 3 else 10
    lits = literals()
    tri = word_start_trigrams(open(corpus, "rb").read(int(mb * 1e6)))
    keys = sorted({key(l) for l, _ in lits})
    rng = random.Random(1)
    best = None
    for _ in range(restarts):
        a = {k: rng.randrange(BUCKETS) for k in keys}
        cost = candidates(a, lits, tri)
        improved = True
        while improved:
            improved = False
            for k in keys:
                for b in range(BUCKETS):
                    old = a[k]
                    if b == old:
                        continue
                    a[k] = b
                    c = candidates(a, lits, tri)
                    if c < cost:
                        cost, improved = c, True
                    else:
                        a[k] = old
        if best is None or cost < best[0]:
            best = (cost, dict(a))
    print(f"/* {best[0]} candidates in {mb:g} MB of {corpus} */")
    items = ", ".join('{"%s", %d}' % (k.decode("latin-1").replace("\n", "\\n"), b)
                      for k, b in sorted(best[1].items()))
    print(items)


if __name__ == "__main__":
    main()
