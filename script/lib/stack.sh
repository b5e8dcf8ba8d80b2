# shellcheck shell=bash
# script/lib/stack.sh: start and stop the real parts of innkeep (PostgreSQL 15,
# innkeep itself, nginx) on this machine, for script/server, script/test and bench/.
#
# Source it, then:
#   trap stack_cleanup EXIT; trap 'exit 130' INT; trap 'exit 143' TERM
#   stack_need_packages $STACK_PKGS_BUILD $STACK_PKGS_RUN
#   stack_build build
#   stack_pg_start                      # STACK_PGHOST STACK_PGPORT STACK_PGDATA STACK_DATABASE_URL
#   stack_innkeep_start build/innkeep   # STACK_INNKEEP_SOCKET STACK_INNKEEP_LOG STACK_INNKEEP_PID
#   stack_nginx_start 2                 # STACK_NGINX_PORT STACK_BASE_URL STACK_NGINX_PREFIX
#
# Everything lives in one temporary folder (STACK_RUN_DIR) that stack_cleanup removes.
# Works as root (PostgreSQL through runuser, nginx workers as nobody) and as a plain
# user (then everything runs as that user). Nothing here touches the system's own
# PostgreSQL cluster or nginx.

STACK_REPO=${STACK_REPO:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
STACK_PGBIN=${STACK_PGBIN:-/usr/lib/postgresql/15/bin}

STACK_PKGS_BUILD="autoconf automake pkgconf make gcc libfcgi-dev libpq-dev libsodium-dev libxml2-dev libjansson-dev check"
STACK_PKGS_RUN="postgresql-15 nginx libfcgi-bin curl"
STACK_PKGS_TEST="python3 clang libclang-rt-14-dev valgrind openssl"
STACK_PKGS_BROWSER="chromium"   # plus nodejs npm when no node/npm is on PATH
STACK_PKGS_BENCH="wrk"

STACK_RUN_DIR=${STACK_RUN_DIR:-}
STACK_INNKEEP_PIDS=()
STACK_NGINX_PIDS=()
STACK_PG_STARTED=()

stack_log() { printf '%s\n' "stack: $*" >&2; }
stack_die() { printf '%s\n' "stack: error: $*" >&2; exit 1; }

# ---------------------------------------------------------------- packages

# stack_need_packages PKG...: install the Debian packages that are missing.
stack_need_packages() {
	local missing=() p installed
	[ $# -gt 0 ] || return 0
	# one dpkg-query for all packages; keep the names of the installed ones
	installed=" $(dpkg-query -W -f='${Package} ${db:Status-Status}\n' "$@" 2>/dev/null \
		| awk '$2 == "installed" {print $1}' | tr '\n' ' ') "
	for p in "$@"; do
		[[ $installed == *" $p "* ]] || missing+=("$p")
	done
	[ ${#missing[@]} -eq 0 ] && return 0
	if [ "$(id -u)" -ne 0 ]; then
		stack_log "missing Debian packages: ${missing[*]}"
		printf 'run:  sudo apt-get update && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends %s\n' "${missing[*]}" >&2
		exit 2
	fi
	stack_log "installing: ${missing[*]}"
	if [ -z "${STACK_APT_UPDATED:-}" ]; then
		DEBIAN_FRONTEND=noninteractive apt-get update -q >&2 || stack_die "apt-get update failed"
		STACK_APT_UPDATED=1
	fi
	DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}" >&2 \
		|| stack_die "apt-get install ${missing[*]} failed"
}

# stack_need_node: node and npm, from Debian unless some node+npm is already on PATH
# (a NodeSource nodejs ships its own npm and conflicts with Debian's npm package).
stack_need_node() {
	if command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1; then
		return 0
	fi
	stack_need_packages nodejs npm
}

# ---------------------------------------------------------------- build

# stack_build DIR [configure args...]: out-of-tree build of the repository in DIR.
stack_build() {
	local dir=$1; shift
	local src=$STACK_REPO f regen=0
	case $dir in /*) ;; *) dir=$src/$dir ;; esac
	if [ -e "$src/config.status" ]; then
		stack_die "$src is configured in-tree; run 'make distclean' there first (builds are out-of-tree: build/, build-san/)"
	fi
	if [ ! -x "$src/configure" ]; then
		regen=1
	else
		for f in configure.ac Makefile.am sql/sql.mk tests/fuzz/fuzz.mk; do
			if [ -e "$src/$f" ] && [ "$src/$f" -nt "$src/configure" ]; then regen=1; fi
		done
		[ -e "$src/Makefile.in" ] || regen=1
		if [ -e "$src/Makefile.in" ] && [ "$src/Makefile.am" -nt "$src/Makefile.in" ]; then regen=1; fi
	fi
	if [ $regen = 1 ]; then
		stack_log "autoreconf -fi in $src"
		(cd "$src" && autoreconf -fi) || return 1
	fi
	mkdir -p "$dir"
	local args="--enable-werror $*"
	if [ ! -e "$dir/Makefile" ] || [ ! -e "$dir/config.status" ] \
		|| [ "$src/configure" -nt "$dir/config.status" ] \
		|| [ "$(cat "$dir/.stack-configure-args" 2>/dev/null)" != "$args" ]; then
		stack_log "configure $args (in $dir)"
		rm -f "$dir/.stack-configure-args"
		# shellcheck disable=SC2086
		(cd "$dir" && "$src/configure" --enable-werror "$@") || return 1
		printf '%s' "$args" >"$dir/.stack-configure-args"
	fi
	make -C "$dir" -j"${STACK_JOBS:-2}"
}

# ---------------------------------------------------------------- helpers

# stack_free_port: print a TCP port on 127.0.0.1 that nothing listens on now.
stack_free_port() {
	if command -v python3 >/dev/null 2>&1; then
		python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
		return
	fi
	local p i
	for i in $(seq 1 200); do
		p=$((20000 + RANDOM % 40000))
		if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
			echo "$p"; return 0
		fi
	done
	stack_die "no free port found"
}

# stack_run_dir: the temporary folder of this run (created on first use, 0755 so
# that nginx workers running as nobody can reach the innkeep socket and static files).
stack_run_dir() {
	if [ -z "$STACK_RUN_DIR" ] || [ ! -d "$STACK_RUN_DIR" ]; then
		STACK_RUN_DIR=$(mktemp -d "${TMPDIR:-/tmp}/innkeep-stack.XXXXXX")
		chmod 0755 "$STACK_RUN_DIR"
		STACK_RUN_DIR_OWNED=1
		export STACK_RUN_DIR
	fi
}

# stack_as_pg_owner CMD...: run CMD as the PostgreSQL owner (postgres when root).
stack_as_pg_owner() {
	if [ "$(id -u)" -eq 0 ]; then
		(cd / && runuser -u postgres -- "$@")
	else
		(cd / && "$@")
	fi
}

# stack_alive PID: the process runs (a zombie child awaiting `wait` does not count).
stack_alive() {
	local st
	st=$(awk '{print $3}' "/proc/$1/stat" 2>/dev/null) || return 1
	[ -n "$st" ] && [ "$st" != Z ] && [ "$st" != X ]
}

# stack_wait_for TIMEOUT_S CMD...: retry CMD every 0.1 s until it succeeds.
stack_wait_for() {
	local t=$(( $1 * 10 )); shift
	while [ $t -gt 0 ]; do
		"$@" && return 0
		sleep 0.1; t=$((t - 1))
	done
	return 1
}

# ---------------------------------------------------------------- PostgreSQL

# stack_pg_start: a private PostgreSQL 15 cluster on a unix socket, with database innkeep.
stack_pg_start() {
	stack_run_dir
	local base=$STACK_RUN_DIR/pg
	local port; port=$(stack_free_port)
	mkdir -p "$base/data" "$base/sock"
	if [ "$(id -u)" -eq 0 ]; then chown -R postgres: "$base"; fi
	chmod 0700 "$base/data"
	stack_as_pg_owner "$STACK_PGBIN/initdb" -D "$base/data" -U postgres -A trust -E UTF8 \
		--locale=C.UTF-8 --no-sync >"$STACK_RUN_DIR/initdb.log" 2>&1 \
		|| { cat "$STACK_RUN_DIR/initdb.log" >&2; stack_die "initdb failed"; }
	# The settings go in the data folder so that a plain `pg_ctl start` (script/lib/pg,
	# the tests' restarts) comes back on the same socket.
	stack_as_pg_owner tee -a "$base/data/postgresql.conf" >/dev/null <<EOF

# private cluster of innkeep's script/lib/stack.sh
listen_addresses = ''
port = $port
unix_socket_directories = '$base/sock'
fsync = off
synchronous_commit = off
full_page_writes = off
max_connections = 200
log_min_messages = warning
EOF
	STACK_PGDATA=$base/data
	STACK_PGHOST=$base/sock
	STACK_PGPORT=$port
	STACK_PG_STARTED+=("$STACK_PGDATA")
	"$STACK_REPO/script/lib/pg" start "$STACK_PGDATA" || stack_die "PostgreSQL did not start"
	"$STACK_PGBIN/createdb" -h "$STACK_PGHOST" -p "$STACK_PGPORT" -U postgres innkeep \
		|| stack_die "createdb innkeep failed"
	STACK_DATABASE_URL="postgresql://postgres@/innkeep?host=$STACK_PGHOST&port=$STACK_PGPORT"
	export STACK_PGDATA STACK_PGHOST STACK_PGPORT STACK_DATABASE_URL
	stack_log "PostgreSQL 15 on $STACK_PGHOST port $STACK_PGPORT"
}

# stack_psql ARGS...: psql on the private cluster's innkeep database.
stack_psql() {
	"$STACK_PGBIN/psql" -X -q -v ON_ERROR_STOP=1 -h "$STACK_PGHOST" -p "$STACK_PGPORT" -U postgres -d innkeep "$@"
}

stack_pg_stop() {
	local d
	for d in "${STACK_PG_STARTED[@]}"; do
		[ -e "$d/postmaster.pid" ] && "$STACK_REPO/script/lib/pg" stop "$d" >/dev/null 2>&1
	done
	STACK_PG_STARTED=()
	return 0
}

# ---------------------------------------------------------------- innkeep

# stack_innkeep_start BIN: `BIN migrate`, then `BIN serve` in the background.
# Knobs (environment): STACK_THREADS (8), STACK_TEST_ROUTES (false),
# STACK_MAX_BODY (unset: innkeep's default), STACK_INNKEEP_EXTRA_ENV (words VAR=value).
stack_innkeep_start() {
	local bin=$1
	case $bin in /*) ;; *) bin=$PWD/$bin ;; esac
	[ -x "$bin" ] || stack_die "no innkeep binary at $bin"
	[ -n "${STACK_DATABASE_URL:-}" ] || stack_die "stack_innkeep_start needs stack_pg_start first"
	stack_run_dir
	local dir; dir=$(mktemp -d "$STACK_RUN_DIR/innkeep.XXXXXX")
	chmod 0755 "$dir"
	local sock=$dir/innkeep.sock log=$dir/innkeep.log
	local envs=(
		INNKEEP_DATABASE_URL="$STACK_DATABASE_URL"
		INNKEEP_LISTEN="unix:$sock"
		INNKEEP_SQL_DIR="$STACK_REPO/sql"
		INNKEEP_TEMPLATES_DIR="$STACK_REPO/templates"
		INNKEEP_THREADS="${STACK_THREADS:-8}"
		INNKEEP_TEST_ROUTES="${STACK_TEST_ROUTES:-false}"
		ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1}"
		UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"
	)
	[ -n "${STACK_MAX_BODY:-}" ] && envs+=(INNKEEP_MAX_BODY_BYTES="$STACK_MAX_BODY")
	# shellcheck disable=SC2206
	[ -n "${STACK_INNKEEP_EXTRA_ENV:-}" ] && envs+=($STACK_INNKEEP_EXTRA_ENV)
	if ! env "${envs[@]}" "$bin" -c /dev/null migrate >>"$log" 2>&1; then
		tail -n 40 "$log" >&2
		stack_die "innkeep migrate failed (log: $log)"
	fi
	# umask 000: nginx workers (nobody, when nginx starts as root) must write the socket.
	( umask 000; exec env "${envs[@]}" "$bin" -c /dev/null serve ) >>"$log" 2>&1 &
	local pid=$!
	STACK_INNKEEP_PIDS+=("$pid")
	local t=$(( ${STACK_START_TIMEOUT:-30} * 10 ))
	while [ ! -S "$sock" ]; do
		if ! stack_alive "$pid" || [ $t -le 0 ]; then
			stack_log "innkeep serve did not create $sock; last lines of $log:"
			tail -n 40 "$log" >&2
			return 1
		fi
		sleep 0.1; t=$((t - 1))
	done
	chmod 0666 "$sock" 2>/dev/null || true
	STACK_INNKEEP_SOCKET=$sock STACK_INNKEEP_LOG=$log STACK_INNKEEP_PID=$pid
	export STACK_INNKEEP_SOCKET STACK_INNKEEP_LOG STACK_INNKEEP_PID
	stack_log "innkeep serve (pid $pid) on $sock, log $log"
}

# stack_innkeep_stop [PID]: SIGTERM, wait up to STACK_STOP_TIMEOUT (10 s), then SIGKILL.
stack_innkeep_stop() {
	local pids=("$@") pid t rest=()
	[ $# -gt 0 ] || pids=("${STACK_INNKEEP_PIDS[@]}")
	for pid in "${pids[@]}"; do
		[ -n "$pid" ] || continue
		kill -TERM "$pid" 2>/dev/null || continue
		t=$(( ${STACK_STOP_TIMEOUT:-10} * 10 ))
		while stack_alive "$pid" && [ $t -gt 0 ]; do sleep 0.1; t=$((t - 1)); done
		if stack_alive "$pid"; then
			stack_log "innkeep $pid did not stop on SIGTERM: SIGKILL"
			kill -KILL "$pid" 2>/dev/null
		fi
		wait "$pid" 2>/dev/null
	done
	for pid in "${STACK_INNKEEP_PIDS[@]}"; do
		case " ${pids[*]} " in *" $pid "*) ;; *) rest+=("$pid") ;; esac
	done
	STACK_INNKEEP_PIDS=("${rest[@]}")
	return 0
}

# stack_sanitizer_report LOG: print sanitizer reports found in LOG; false when any.
stack_sanitizer_report() {
	local log=$1
	[ -e "$log" ] || return 0
	if grep -En 'ERROR: (AddressSanitizer|LeakSanitizer)|WARNING: ThreadSanitizer|runtime error:|UndefinedBehaviorSanitizer|SUMMARY: (Address|Undefined|Leak|Thread)' "$log" >/dev/null; then
		echo "---- sanitizer report in $log ----" >&2
		grep -En -A40 'ERROR: (AddressSanitizer|LeakSanitizer)|WARNING: ThreadSanitizer|runtime error:|UndefinedBehaviorSanitizer' "$log" | head -n 300 >&2
		return 1
	fi
	return 0
}

# ---------------------------------------------------------------- nginx

# stack_nginx_start [KEEPALIVE] [NAME] [STATIC_DIR]: nginx under its own prefix on
# 127.0.0.1:free port (or $PORT for the first one), proxying to STACK_INNKEEP_SOCKET.
# Knobs: STACK_MAX_BODY (10485760), STACK_NGINX_ACCESS_LOG (on|off).
stack_nginx_start() {
	local ka=${1:-2} name=${2:-main} static=${3:-$STACK_REPO/static}
	[ -n "${STACK_INNKEEP_SOCKET:-}" ] || stack_die "stack_nginx_start needs stack_innkeep_start first"
	stack_run_dir
	local prefix=$STACK_RUN_DIR/nginx-$name
	mkdir -p "$prefix/conf" "$prefix/logs"
	chmod 0755 "$prefix"
	if [ "$(id -u)" -eq 0 ] && ! runuser -u nobody -- test -r "$static/robots.txt" 2>/dev/null; then
		# workers run as nobody and cannot read the repository: serve a copy
		rm -rf "$prefix/static"
		cp -r "$static" "$prefix/static"
		chmod -R a+rX "$prefix/static"
		static=$prefix/static
	fi
	local port
	if [ -n "${PORT:-}" ] && [ ${#STACK_NGINX_PIDS[@]} -eq 0 ]; then port=$PORT; else port=$(stack_free_port); fi
	"$STACK_REPO/script/lib/nginx-conf" "$prefix" "$port" "$STACK_INNKEEP_SOCKET" "$static" \
		"$ka" "${STACK_MAX_BODY:-10485760}" "${STACK_NGINX_ACCESS_LOG:-on}" >"$prefix/conf/nginx.conf" \
		|| stack_die "nginx-conf failed"
	if ! nginx -q -t -p "$prefix" -e logs/error.log -c conf/nginx.conf 2>"$prefix/logs/test.log"; then
		cat "$prefix/logs/test.log" >&2
		stack_die "nginx rejects $prefix/conf/nginx.conf"
	fi
	nginx -p "$prefix" -e logs/error.log -c conf/nginx.conf -g 'daemon off;' \
		>>"$prefix/logs/stdout.log" 2>&1 &
	local pid=$!
	STACK_NGINX_PIDS+=("$pid")
	if ! stack_wait_for 15 curl -s -o /dev/null "http://127.0.0.1:$port/static/robots.txt"; then
		tail -n 20 "$prefix/logs/error.log" >&2
		stack_die "nginx did not answer on 127.0.0.1:$port"
	fi
	STACK_NGINX_PORT=$port STACK_NGINX_PREFIX=$prefix STACK_NGINX_PID=$pid
	STACK_BASE_URL=http://127.0.0.1:$port
	export STACK_NGINX_PORT STACK_NGINX_PREFIX STACK_NGINX_PID STACK_BASE_URL
	stack_log "nginx (pid $pid, keepalive $ka) on $STACK_BASE_URL, prefix $prefix"
}

stack_nginx_stop() {
	local pid t
	for pid in "${STACK_NGINX_PIDS[@]}"; do
		kill -QUIT "$pid" 2>/dev/null || continue
		t=50
		while stack_alive "$pid" && [ $t -gt 0 ]; do sleep 0.1; t=$((t - 1)); done
		if stack_alive "$pid"; then kill -TERM "$pid" 2>/dev/null; sleep 1; fi
		kill -KILL "$pid" 2>/dev/null
		wait "$pid" 2>/dev/null
	done
	STACK_NGINX_PIDS=()
	return 0
}

# stack_nginx_check_site FILE: `nginx -t` of a production site file, wrapped in a
# minimal nginx.conf under a temporary prefix; the snakeoil certificate paths are
# pointed at a throw-away self-signed certificate so that no system state matters.
stack_nginx_check_site() {
	local site=$1
	stack_run_dir
	local p=$STACK_RUN_DIR/nginx-check
	mkdir -p "$p/conf" "$p/logs"
	openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=localhost \
		-keyout "$p/conf/test.key" -out "$p/conf/test.pem" >/dev/null 2>&1 \
		|| stack_die "openssl could not make a test certificate"
	sed -e "s#/etc/ssl/certs/ssl-cert-snakeoil.pem#$p/conf/test.pem#" \
		-e "s#/etc/ssl/private/ssl-cert-snakeoil.key#$p/conf/test.key#" \
		"$site" >"$p/conf/site.conf"
	cat >"$p/conf/nginx.conf" <<EOF
pid logs/nginx.pid;
events { worker_connections 64; }
http {
	include /etc/nginx/mime.types;
	client_body_temp_path temp/client_body;
	fastcgi_temp_path temp/fastcgi;
	proxy_temp_path temp/proxy;
	uwsgi_temp_path temp/uwsgi;
	scgi_temp_path temp/scgi;
	access_log logs/access.log;
	include $p/conf/site.conf;
}
EOF
	mkdir -p "$p/temp"
	nginx -t -p "$p" -e logs/error.log -c conf/nginx.conf
}

# ---------------------------------------------------------------- cleanup

# stack_cleanup: stop everything this shell started and remove the run folder.
# Idempotent; meant for `trap stack_cleanup EXIT`.
stack_cleanup() {
	local rc=$?
	set +e
	stack_nginx_stop
	stack_innkeep_stop
	stack_pg_stop
	if [ -n "${STACK_RUN_DIR_OWNED:-}" ] && [ -n "$STACK_RUN_DIR" ] && [ -d "$STACK_RUN_DIR" ] \
		&& [ -z "${STACK_KEEP_RUN_DIR:-}" ]; then
		rm -rf "$STACK_RUN_DIR"
	fi
	STACK_RUN_DIR= STACK_RUN_DIR_OWNED=
	return $rc
}
