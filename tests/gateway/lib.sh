# SPDX-License-Identifier: GPL-3.0-or-later
#
# lib.sh - a private Postfix on loopback, for the gateway test and bench.
#
# Sourced, not run. gw_setup builds an instance under a fixed root
# (/tmp/piiguard-gw/NAME): its own config_directory, queue_directory and
# data_directory, every service unchrooted, listening only on 127.0.0.1.
# Mail for anywhere is relayed to a sink on a loopback port ("the
# internet"); mail that the milter marks with the secure-route header goes
# to a second sink ("the encryption gateway"). Nothing touches the
# machine's own Postfix except one line: the fixed root's etc/ is added to
# alternate_config_directories of /etc/postfix/main.cf, which `postfix -c`
# and `postqueue -c` require (the file is created if the package was
# installed with "No configuration").
#
# Every wait is bounded; gw_cleanup stops what gw_* started, by pid.

GW_PIDS=""
# The system python: a version-manager shim in PATH can cost seconds a call.
if [ -x /usr/bin/python3 ]; then GW_PY=/usr/bin/python3; else GW_PY=$(command -v python3); fi

gw_die() { echo "gateway: $*" >&2; exit 1; }

# gw_require - the tools the harness needs, with what to do if missing
gw_require() {
    local t
    for t in postfix postconf postqueue postsuper swaks python3 ss; do
        command -v "$t" >/dev/null 2>&1 || [ -x "/usr/sbin/$t" ] ||
            gw_die "$t is not installed; run scripts/install-deps.sh"
    done
    [ "$(id -u)" -eq 0 ] || gw_die "a private Postfix needs root (postfix start-fg)"
}

# gw_scenario T WAIT BASE - what every gateway scenario script starts
# with: ok/not_ok/check reporting (FAILED counts failures), cleanup of the
# private Postfix in T on exit, the lock that keeps two scenarios off the
# shared /tmp tree (waiting WAIT seconds), and SMTP, SINK, SECURE and MPORT
# set to free loopback ports from BASE up.
gw_scenario() {
    START=$(date +%s)
    FAILED=0
    trap "gw_postfix_stop $1; gw_cleanup" EXIT
    exec 9>/tmp/piiguard-gw.test.lock
    flock -w "$2" 9 || gw_die "another gateway test holds the lock"
    gw_free_port SMTP "$3"
    gw_free_port SINK "$3"
    gw_free_port SECURE "$3"
    gw_free_port MPORT "$3"
}
ok() { echo "ok   - $* [$(( $(date +%s) - START ))s]"; }
not_ok() { echo "FAIL - $*"; FAILED=$((FAILED + 1)); }
check() { local name=$1; shift; if "$@"; then ok "$name"; else not_ok "$name"; fi; }

# gw_free_port VAR LOW - set VAR to a loopback port nobody listens on (or
# was given out before), from LOW upwards
GW_TAKEN=""
gw_free_port() {
    local p=$2 used
    used=" $(ss -Htan | awk '{print $4}' | sed 's/.*://' | sort -u | tr '\n' ' ') $GW_TAKEN "
    while case "$used" in *" $p "*) true ;; *) false ;; esac; do
        p=$((p + 1))
    done
    GW_TAKEN="$GW_TAKEN $p"
    printf -v "$1" '%s' "$p"
}

# gw_wait_port PORT SECONDS - until something listens there
gw_wait_port() {
    local _
    for _ in $(seq 1 $(($2 * 10))); do
        ss -Hltn "sport = :$1" | grep -q . && return 0
        sleep 0.1
    done
    return 1
}

# gw_allow_config_dir DIR - list DIR in the default main.cf, idempotently
gw_allow_config_dir() {
    local cur
    [ -f /etc/postfix/main.cf ] || {
        printf '%s\n' "# Created by piiguard tests/gateway so that private test" \
            "# instances may run; the system Postfix is not configured." \
            "compatibility_level = 3.6" > /etc/postfix/main.cf
    }
    cur=$(postconf -h alternate_config_directories 2>/dev/null)
    case " $(echo "$cur" | tr ',' ' ') " in
        *" $1 "*) ;;
        *) postconf -e "alternate_config_directories = ${cur:+$cur, }$1" ;;
    esac
}

# gw_write_master DIR SMTPPORT - only the services a relay needs, unchrooted
gw_write_master() {
    cat > "$1/master.cf" <<EOF
127.0.0.1:$2 inet n - n - - smtpd
pickup    unix  n - n 60 1 pickup
cleanup   unix  n - n -  0 cleanup
qmgr      unix  n - n 300 1 qmgr
rewrite   unix  - - n -  - trivial-rewrite
bounce    unix  - - n -  0 bounce
defer     unix  - - n -  0 bounce
trace     unix  - - n -  0 bounce
verify    unix  - - n -  1 verify
flush     unix  n - n 1000? 0 flush
proxymap  unix  - - n -  - proxymap
smtp      unix  - - n -  - smtp
relay     unix  - - n -  - smtp
showq     unix  n - n -  - showq
error     unix  - - n -  - error
retry     unix  - - n -  - error
discard   unix  - - n -  - discard
anvil     unix  - - n -  1 anvil
scache    unix  - - n -  1 scache
postlog   unix-dgram n - n - 1 postlogd
EOF
}

# gw_write_main DIR ROOT SINKPORT SECUREPORT MILTER - main.cf of the
# instance; MILTER is "inet:127.0.0.1:PORT" or "" for none
gw_write_main() {
    cat > "$1/main.cf" <<EOF
compatibility_level = 3.6
queue_directory = $2/spool
data_directory = $2/data
mail_owner = postfix
setgid_group = postdrop
inet_interfaces = 127.0.0.1
inet_protocols = ipv4
myhostname = gw.piiguard.test
mydomain = piiguard.test
myorigin = \$mydomain
mydestination =
local_transport = error:no local delivery here
relayhost = [127.0.0.1]:$3
mynetworks = 127.0.0.0/8
smtpd_relay_restrictions = permit_mynetworks, reject
alias_maps =
alias_database =
biff = no
maillog_file = /dev/stdout
smtp_tls_security_level = none
smtpd_tls_security_level = none
default_destination_concurrency_limit = 50
smtp_connection_cache_on_demand = yes
# The milter (piiguard): fail closed when it is down or slow.
smtpd_milters = $5
non_smtpd_milters = $5
milter_default_action = tempfail
milter_protocol = 6
# The secure route: the header piiguard adds sends the message through
# the encryption gateway instead of the internet.
milter_header_checks = regexp:$1/milter_header_checks
EOF
    printf '/^X-PIIGuard-Route: *secure/ FILTER smtp:[127.0.0.1]:%s\n' "$4" \
        > "$1/milter_header_checks"
}

# gw_setup ROOT SMTPPORT SINKPORT SECUREPORT MILTER - a fresh instance
gw_setup() {
    local root=$1
    case "$root" in /tmp/piiguard-gw/*) ;; *) gw_die "unexpected root $root" ;; esac
    rm -rf "$root"
    mkdir -p "$root/etc" "$root/spool" "$root/data" "$root/sink" "$root/secure"
    chown postfix "$root/data"
    gw_allow_config_dir "$root/etc"
    gw_write_master "$root/etc" "$2"
    gw_write_main "$root/etc" "$root" "$3" "$4" "$5"
}

# gw_bg LOGFILE CMD... - start CMD in the background; its pid is GW_LAST
gw_bg() {
    local log=$1
    shift
    "$@" >"$log" 2>&1 &
    GW_LAST=$!
    GW_PIDS="$GW_LAST $GW_PIDS"
}

# gw_queue_create ROOT - the queue directories, owned as Postfix wants.
# This is the part of `postfix check` a fresh instance needs; the rest
# (permission checks of the whole installation) takes ten seconds on a
# slow file system and finds nothing new, so start-fg is told to skip it
# (quick-start).
gw_queue_create() {
    local pf=/usr/lib/postfix/sbin
    [ -x "$pf/post-install" ] || pf=$(postconf -h daemon_directory)
    MAIL_CONFIG="$1/etc" sh "$pf/post-install" config_directory="$1/etc" \
        meta_directory="$(postconf -h meta_directory)" \
        command_directory="$(postconf -h command_directory)" daemon_directory="$pf" \
        queue_directory="$1/spool" mail_owner=postfix setgid_group=postdrop \
        create-missing >/dev/null 2>&1 || return 1
    touch "$1/spool/quick-start"
}

# gw_postfix_start ROOT - start-fg, logging to ROOT/postfix.log; see
# gw_postfix_wait
gw_postfix_start() {
    gw_queue_create "$1" || postfix -c "$1/etc" check || gw_die "postfix check failed"
    gw_bg "$1/postfix.log" postfix -c "$1/etc" start-fg
    GW_POSTFIX_PID=$GW_LAST
}

# gw_postfix_wait ROOT SMTPPORT - until the instance takes connections
gw_postfix_wait() {
    gw_wait_port "$2" 20 || { cat "$1/postfix.log" >&2; gw_die "postfix did not start"; }
}

# gw_postfix_stop ROOT - stop the instance and wait for its master
gw_postfix_stop() {
    postfix -c "$1/etc" stop >/dev/null 2>&1 || true
    [ -n "${GW_POSTFIX_PID:-}" ] && gw_wait_gone "$GW_POSTFIX_PID" 10
}

# gw_sink_start DIR PORT - the python sink writing into DIR (in the
# background: gw_wait_port PORT before use)
gw_sink_start() {
    gw_bg "$1.log" "$GW_PY" "$(dirname "${BASH_SOURCE[0]}")/smtp_sink.py" "$2" "$1"
}

# gw_wait_gone PID SECONDS - until the process has exited
gw_wait_gone() {
    local _
    for _ in $(seq 1 $(($2 * 10))); do
        kill -0 "$1" 2>/dev/null || return 0
        sleep 0.1
    done
    return 1
}

# gw_wait_files DIR N SECONDS - until DIR holds at least N .eml files
gw_wait_files() {
    local _
    for _ in $(seq 1 $(($3 * 20))); do
        [ "$(find "$1" -name '*.eml' 2>/dev/null | wc -l)" -ge "$2" ] && return 0
        sleep 0.05
    done
    return 1
}

# gw_wait_grep DIR TEXT SECONDS - until a .eml in DIR contains TEXT; prints it
gw_wait_grep() {
    local _ f
    for _ in $(seq 1 $(($3 * 10))); do
        f=$(grep -lF -- "$2" "$1"/*.eml 2>/dev/null | head -1)
        [ -n "$f" ] && { echo "$f"; return 0; }
        sleep 0.1
    done
    return 1
}

# gw_wait_log FILE REGEX SECONDS - until FILE has a line matching REGEX
gw_wait_log() {
    local _
    for _ in $(seq 1 $(($3 * 10))); do
        grep -Eq -- "$2" "$1" 2>/dev/null && return 0
        sleep 0.1
    done
    return 1
}

# gw_first_held BIN STATE_DIR OUT - the id of the first held message in the
# store's quarantine (empty when none); OUT keeps the list for the log
gw_first_held() {
    "$1" quarantine list --state-dir "$2" --format json > "$3" 2>&1
    "$GW_PY" -c 'import json,sys
for l in open(sys.argv[1]):
    l = l.strip()
    if l.startswith("{"):
        d = json.loads(l)
        if d.get("state") == "held": print(d["id"]); break' "$3" 2>/dev/null
}

# gw_cleanup - stop everything gw_bg started (by pid), newest first
gw_cleanup() {
    local p
    for p in $GW_PIDS; do kill "$p" 2>/dev/null || true; done
    for p in $GW_PIDS; do gw_wait_gone "$p" 5 || kill -9 "$p" 2>/dev/null || true; done
}
