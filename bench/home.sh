#!/usr/bin/env bash
# bench/home.sh: what does the home page (rendered from templates/) cost next to
# nginx serving the same bytes from a file?
#
# Starts its own stack (private PostgreSQL 15, an optimised innkeep built in
# build-bench/ with CFLAGS=-O2, nginx with upstream keepalive KEEPALIVE in front
# of innkeep, and a second nginx in front of bench/fcgi_static.c, a libfcgi program
# that answers every request with the bytes of one file), fetches the home page
# once as a browser asks for it, and then measures in ONE run, with the same wrk
# settings and the same Accept header, ROUNDS times alternating:
#   static  nginx serving a static file with exactly the bytes of the home page
#   floor   the same bytes from the bare libfcgi program (keepalive KEEPALIVE): the
#           floor of any libfcgi application with this body behind this nginx
#   home    GET / (HTML) through nginx -> innkeep (keepalive KEEPALIVE): routing,
#           the view, the template render, the ETag, logging
# and prints every rate, the medians and the ratios. The issue's goal is
# home/static >= 0.45.
#
#   bench/home.sh
#   DURATION=10s CONNECTIONS=32 WRK_THREADS=2 ROUNDS=3 KEEPALIVE=32 THREADS=48 bench/home.sh
#   BIN=path/to/innkeep bench/home.sh     (measure that binary; no build)
#
# See docs/benchmarks.md. Compare numbers only within one run.
set -euo pipefail

# shellcheck source=../script/lib/bench.sh
source "$(dirname "${BASH_SOURCE[0]}")/../script/lib/bench.sh"

GOAL=0.45
# What a browser sends for a page (wrk sends no Accept header of its own).
ACCEPT='text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8'

stack_pg_start
STACK_THREADS=$THREADS stack_innkeep_start "$bin"

static=$STACK_RUN_DIR/bench-static
mkdir -p "$static"
cp -r static/. "$static/"
chmod -R a+rX "$static"

export STACK_NGINX_ACCESS_LOG=off   # logging costs the same on both sides; leave it out
stack_nginx_start "$KEEPALIVE" ka "$static"
URL_HOME=$STACK_BASE_URL

# The page, once, as a browser asks for it; it must be the same bytes every time.
body=$STACK_RUN_DIR/home.body
headers=$STACK_RUN_DIR/home.headers
curl -fsS -H "Accept: $ACCEPT" -D "$headers" -o "$body" "$URL_HOME/"
if ! grep -qi '^content-type: text/html' "$headers"; then
	cat "$headers" >&2
	echo "GET / did not answer HTML" >&2
	exit 1
fi
if ! curl -fsS -H "Accept: $ACCEPT" "$URL_HOME/" | cmp -s - "$body"; then
	echo "warning: two fetches of / gave different bytes (something per request on the page)" >&2
fi
size=$(stat -c %s "$body")
etag=$(awk 'tolower($1) == "etag:" {print $2}' "$headers" | tr -d '\r')

# The bare libfcgi program with the page's bytes, on its own socket, same threads.
floor=$STACK_RUN_DIR/fcgi_static
# shellcheck disable=SC2046
gcc -O2 -std=c17 -pthread -o "$floor" bench/fcgi_static.c $(pkg-config --cflags --libs fcgi)
floor_sock=$STACK_RUN_DIR/floor.sock
(umask 0; exec "$floor" "$floor_sock" "$THREADS" "$body") &
floor_pid=$!
trap 'kill "$floor_pid" 2>/dev/null; stack_cleanup' EXIT
stack_wait_for 10 test -S "$floor_sock" || { echo "fcgi_static did not start" >&2; exit 1; }
innkeep_sock=$STACK_INNKEEP_SOCKET
STACK_INNKEEP_SOCKET=$floor_sock stack_nginx_start "$KEEPALIVE" floor "$static"
STACK_INNKEEP_SOCKET=$innkeep_sock
URL_FLOOR=$STACK_BASE_URL

# The static twin: nginx may serve its own copy of the static folder (workers run as
# nobody when started as root), made before home.html existed: put it in every copy.
for d in "$static" "$STACK_RUN_DIR"/nginx-*/static; do
	[ -d "$d" ] || continue
	cp "$body" "$d/home.html"
	chmod a+r "$d/home.html"
done
for u in "$URL_HOME/static/home.html" "$URL_FLOOR/"; do
	curl -fsS -H "Accept: $ACCEPT" "$u" | cmp -s - "$body" \
		|| { echo "not the same bytes at $u" >&2; exit 1; }
done

echo
echo "innkeep: $bin, threads $THREADS; nginx: 1 worker, upstream keepalive $KEEPALIVE"
echo "body of / (HTML): $size bytes, ETag $etag; wrk -t$WRK_THREADS -c$CONNECTIONS -d$DURATION; $ROUNDS rounds"
echo "machine: $(nproc) CPUs, $(uname -r)"
echo

rate() { bench_rate "$1" -H "Accept: $ACCEPT"; }

declare -A RATES=()
for r in $(seq 1 "$ROUNDS"); do
	s=$(rate "$URL_HOME/static/home.html")
	f=$(rate "$URL_FLOOR/")
	h=$(rate "$URL_HOME/")
	RATES[static]+="$s " RATES[floor]+="$f " RATES[home]+="$h "
	printf 'round %d: static %6.0f   floor (libfcgi, same bytes) %6.0f   home %6.0f req/s\n' \
		"$r" "$s" "$f" "$h"
done

ms=$(echo "${RATES[static]}" | median)
mf=$(echo "${RATES[floor]}" | median)
mh=$(echo "${RATES[home]}" | median)
echo
printf 'median: static %.0f, floor %.0f, home %.0f req/s\n' "$ms" "$mf" "$mh"
awk -v s="$ms" -v f="$mf" -v h="$mh" -v g="$GOAL" 'BEGIN {
	printf "ratio home/static: %.2f (goal >= %.2f: %s)\n", h / s, g,
		(h / s >= g) ? "met" : "NOT met"
	printf "ratio floor/static: %.2f; home/floor: %.2f (what innkeep keeps of the libfcgi floor)\n",
		f / s, h / f }'
