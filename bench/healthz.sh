#!/usr/bin/env bash
# bench/healthz.sh: what does a trip through innkeep cost next to nginx alone?
#
# Starts its own stack (private PostgreSQL 15, an optimised innkeep built in
# build-bench/ with CFLAGS=-O2, two nginx instances in front of the same innkeep
# socket: one with upstream keepalive KEEPALIVE, one without, and a third in front
# of bench/fcgi_static.c, a libfcgi program that only answers the /healthz bytes),
# then measures in ONE run, with the same wrk settings, ROUNDS times alternating:
#   static     nginx serving a static file with exactly the bytes of the /healthz body
#   hello      the same bytes from the bare libfcgi program (keepalive KEEPALIVE):
#              the floor of any libfcgi application behind this nginx
#   healthz    GET /healthz through nginx -> innkeep (keepalive KEEPALIVE)
#   healthz-0  GET /healthz through nginx -> innkeep (no keepalive)
# and prints every rate, the medians, and the ratios to static.
#
#   bench/healthz.sh
#   DURATION=10s CONNECTIONS=32 WRK_THREADS=2 ROUNDS=3 KEEPALIVE=32 THREADS=48 bench/healthz.sh
#   BIN=path/to/innkeep bench/healthz.sh     (measure that binary; no build)
#
# See docs/benchmarks.md. Compare numbers only within one run.
set -euo pipefail

# shellcheck source=../script/lib/bench.sh
source "$(dirname "${BASH_SOURCE[0]}")/../script/lib/bench.sh"

stack_pg_start
STACK_THREADS=$THREADS stack_innkeep_start "$bin"

# The static twin of /healthz: the same body bytes, served by nginx from a copy of
# static/ (shared by both nginx instances).
body=$STACK_RUN_DIR/healthz.body
static=$STACK_RUN_DIR/bench-static
mkdir -p "$static"
cp -r static/. "$static/"
chmod -R a+rX "$static"

export STACK_NGINX_ACCESS_LOG=off   # logging costs the same on both sides; leave it out
stack_nginx_start "$KEEPALIVE" ka "$static"
URL_KA=$STACK_BASE_URL
curl -fsS -o "$body" "$URL_KA/healthz"
cp "$body" "$static/healthz.txt"
chmod a+r "$static/healthz.txt"
size=$(stat -c %s "$body")
stack_nginx_start 0 noka "$static"
URL_NOKA=$STACK_BASE_URL

# The bare libfcgi program answering the same bytes, on its own socket, with
# the same number of threads.
hello=$STACK_RUN_DIR/fcgi_static
# shellcheck disable=SC2046
gcc -O2 -std=c17 -pthread -o "$hello" bench/fcgi_static.c $(pkg-config --cflags --libs fcgi)
hello_sock=$STACK_RUN_DIR/hello.sock
(umask 0; exec "$hello" "$hello_sock" "$THREADS" "$body") &
hello_pid=$!
trap 'kill "$hello_pid" 2>/dev/null; stack_cleanup' EXIT
stack_wait_for 10 test -S "$hello_sock" || { echo "fcgi_static did not start" >&2; exit 1; }
innkeep_sock=$STACK_INNKEEP_SOCKET
STACK_INNKEEP_SOCKET=$hello_sock stack_nginx_start "$KEEPALIVE" hello "$static"
STACK_INNKEEP_SOCKET=$innkeep_sock
URL_HELLO=$STACK_BASE_URL

# the copy the nginx workers serve may be a second copy (see stack_nginx_start)
for u in "$URL_KA/static/healthz.txt" "$URL_NOKA/static/healthz.txt"; do
	if ! curl -fsS "$u" | cmp -s - "$body"; then
		# stack_nginx_start copied static/ into its prefix before healthz.txt existed
		for p in "$STACK_RUN_DIR"/nginx-*/static; do
			[ -d "$p" ] && cp "$body" "$p/healthz.txt" && chmod a+r "$p/healthz.txt"
		done
	fi
	curl -fsS "$u" | cmp -s - "$body" || { echo "static twin not served at $u" >&2; exit 1; }
done

echo
echo "innkeep: $bin, threads $THREADS; nginx: 1 worker"
echo "body of /healthz: $size bytes; wrk -t$WRK_THREADS -c$CONNECTIONS -d$DURATION; $ROUNDS rounds"
echo "machine: $(nproc) CPUs, $(uname -r)"
echo

rate() { bench_rate "$1"; }

declare -A RATES=()
for r in $(seq 1 "$ROUNDS"); do
	s=$(rate "$URL_KA/static/healthz.txt")
	l=$(rate "$URL_HELLO/healthz")
	h=$(rate "$URL_KA/healthz")
	z=$(rate "$URL_NOKA/healthz")
	RATES[static]+="$s " RATES[hello]+="$l " RATES[healthz]+="$h " RATES[healthz0]+="$z "
	printf 'round %d: static %6.0f   hello %6.0f   healthz (keepalive %d) %6.0f   healthz (keepalive 0) %6.0f req/s\n' \
		"$r" "$s" "$l" "$KEEPALIVE" "$h" "$z"
done

ms=$(echo "${RATES[static]}" | median)
ml=$(echo "${RATES[hello]}" | median)
mh=$(echo "${RATES[healthz]}" | median)
mz=$(echo "${RATES[healthz0]}" | median)
echo
printf 'median: static %.0f, hello %.0f, healthz keepalive %d %.0f, healthz keepalive 0 %.0f req/s\n' \
	"$ms" "$ml" "$KEEPALIVE" "$mh" "$mz"
awk -v s="$ms" -v l="$ml" -v h="$mh" -v z="$mz" -v k="$KEEPALIVE" 'BEGIN {
	printf "ratio healthz/static: %.2f (keepalive %d), %.2f (keepalive 0); keepalive gain %+.0f %%\n",
		h / s, k, z / s, (h / z - 1) * 100
	printf "ratio hello/static: %.2f; healthz/hello: %.2f (what innkeep keeps of the libfcgi floor)\n",
		l / s, h / l }'

