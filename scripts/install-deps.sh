#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
#
# install-deps.sh - install every Debian package piiguard needs to build,
# test, benchmark and run.
#
# Idempotent: packages already installed are left alone, and apt-get update
# runs only when something is missing, so a second run costs a dpkg query.
# Non-interactive: postfix is preseeded to "No configuration" so the private
# test instance (tests/gateway) owns its own config directory.
set -eu

PKGS="
build-essential cmake pkg-config git ca-certificates iproute2
libvectorscan-dev
libgmime-3.0-dev libglib2.0-dev
libxml2-dev libarchive-dev libpoppler-glib-dev
libutf8proc-dev libyaml-dev libjansson-dev
libsqlite3-dev sqlite3 libpq-dev libsodium-dev
libmilter-dev libmicrohttpd-dev libcmocka-dev
postfix swaks curl
python3 python3-stdnum libpython3.11-testsuite
valgrind ripgrep wrk hyperfine time openssl
clang libfuzzer-14-dev libclang-rt-14-dev
prometheus
"

if [ "$(id -u)" -ne 0 ] && [ -z "${PIIGUARD_NO_SUDO:-}" ]; then
    SUDO=sudo
else
    SUDO=
fi

missing=""
for p in $PKGS; do
    status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
    case "$status" in
        *"install ok installed"*) ;;
        *) missing="$missing $p" ;;
    esac
done

# The corpus fetch (scripts/fetch-corpus.sh) needs npm; a machine that
# already has Node.js from elsewhere keeps it, since Debian's npm conflicts.
command -v npm >/dev/null 2>&1 || missing="$missing npm"

if [ -n "$missing" ]; then
    echo "install-deps: installing:$missing" >&2
    echo "postfix postfix/main_mailer_type select No configuration" \
        | $SUDO debconf-set-selections
    export DEBIAN_FRONTEND=noninteractive
    $SUDO apt-get update -q
    # shellcheck disable=SC2086
    $SUDO apt-get install -y -q --no-install-recommends $missing
fi

# The daemons drop root to this user once their sockets are bound.
if ! getent passwd piiguard >/dev/null 2>&1; then
    $SUDO useradd --system --no-create-home --home-dir /nonexistent \
        --shell /usr/sbin/nologin piiguard 2>/dev/null || true
fi
exit 0
