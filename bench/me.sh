#!/usr/bin/env bash
# bench/me.sh: what does loading a session cost? GET /me with a session cookie
# next to the anonymous home page, in one run.
#
# Starts its own stack (private PostgreSQL 15, an optimised innkeep built in
# build-bench/ with CFLAGS=-O2, nginx with upstream keepalive KEEPALIVE), signs a
# user up with curl (JSON POST /signup; the answer's Set-Cookie is the session),
# and then measures in ONE run, with the same wrk settings, ROUNDS times
# alternating:
#   home      GET / (HTML), anonymous: routing, view, template, ETag, logging
#   me-html   GET /me (HTML) with the cookie: the same plus loading the session
#             (one indexed statement) and the user, the profile page and its form
#   me-json   GET /me (JSON) with the cookie: session + user, no template
# and prints every rate, the medians and the ratios me/home. The issue wants
# loading a session not to halve the rate: me-html/home >= 0.5.
#
#   bench/me.sh
#   DURATION=10s CONNECTIONS=32 WRK_THREADS=2 ROUNDS=3 KEEPALIVE=32 THREADS=48 bench/me.sh
#   BIN=path/to/innkeep bench/me.sh     (measure that binary; no build)
#
# The session's last_seen_at is written at most every 5 minutes, so a run shorter
# than that measures reads only (the first request may write once). wrk sends the
# same cookie on every request, as a browser would. See docs/benchmarks.md.
set -euo pipefail

# shellcheck source=../script/lib/bench.sh
source "$(dirname "${BASH_SOURCE[0]}")/../script/lib/bench.sh"

GOAL=0.5
ACCEPT_HTML='text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8'
ACCEPT_JSON='application/json'

stack_pg_start
STACK_THREADS=$THREADS stack_innkeep_start "$bin"
static=$STACK_RUN_DIR/bench-static
mkdir -p "$static"
cp -r static/. "$static/"
chmod -R a+rX "$static"
export STACK_NGINX_ACCESS_LOG=off
stack_nginx_start "$KEEPALIVE" ka "$static"
URL=$STACK_BASE_URL

# A user, signed up through the API; its session cookie from the answer.
user=bench$(od -An -N4 -tx1 /dev/urandom | tr -d ' \n')
headers=$STACK_RUN_DIR/signup.headers
curl -fsS -o "$STACK_RUN_DIR/signup.body" -D "$headers" \
	-H 'Accept: application/json' -H 'Content-Type: application/json' \
	--data "{\"username\":\"$user\",\"email\":\"$user@example.org\",\"password\":\"bench-password-1\",\"display_name\":\"Bench Mark\"}" \
	"$URL/signup"
cookie=$(awk 'tolower($1) == "set-cookie:" {print $2}' "$headers" | tr -d '\r' | sed 's/;$//' | grep -E '^(__Host-)?session=' | tail -n 1)
[ -n "$cookie" ] || { cat "$headers" >&2; echo "POST /signup set no session cookie" >&2; exit 1; }

# Each URL once, checked: 200, the right type, the user on the page.
check() {   # check ACCEPT COOKIE_OR_EMPTY PATH TYPE
	local h=$STACK_RUN_DIR/check.headers b=$STACK_RUN_DIR/check.body
	local args=(-fsS -H "Accept: $1" -D "$h" -o "$b")
	[ -n "$2" ] && args+=(-H "Cookie: $2")
	curl "${args[@]}" "$URL$3"
	grep -qi "^content-type: $4" "$h" || { cat "$h" >&2; echo "GET $3: not $4" >&2; exit 1; }
	if [ -n "$2" ]; then
		grep -q "$user" "$b" || { echo "GET $3 with the cookie does not show $user" >&2; exit 1; }
	fi
	stat -c %s "$b"
}
size_home=$(check "$ACCEPT_HTML" "" / text/html)
size_me_html=$(check "$ACCEPT_HTML" "$cookie" /me text/html)
size_me_json=$(check "$ACCEPT_JSON" "$cookie" /me application/json)

echo
echo "innkeep: $bin, threads $THREADS; nginx: 1 worker, upstream keepalive $KEEPALIVE"
echo "bodies: home $size_home bytes, /me HTML $size_me_html bytes, /me JSON $size_me_json bytes"
echo "wrk -t$WRK_THREADS -c$CONNECTIONS -d$DURATION; $ROUNDS rounds; machine: $(nproc) CPUs, $(uname -r)"
echo

# rate ACCEPT COOKIE_OR_EMPTY URL
rate() {
	if [ -n "$2" ]; then bench_rate "$3" -H "Accept: $1" -H "Cookie: $2"; else bench_rate "$3" -H "Accept: $1"; fi
}

declare -A RATES=()
for r in $(seq 1 "$ROUNDS"); do
	h=$(rate "$ACCEPT_HTML" "" "$URL/")
	mh=$(rate "$ACCEPT_HTML" "$cookie" "$URL/me")
	mj=$(rate "$ACCEPT_JSON" "$cookie" "$URL/me")
	RATES[home]+="$h " RATES[me_html]+="$mh " RATES[me_json]+="$mj "
	printf 'round %d: home %6.0f   me-html %6.0f   me-json %6.0f req/s\n' "$r" "$h" "$mh" "$mj"
done

mh=$(echo "${RATES[home]}" | median)
mmh=$(echo "${RATES[me_html]}" | median)
mmj=$(echo "${RATES[me_json]}" | median)
echo
printf 'median: home %.0f, me-html %.0f, me-json %.0f req/s\n' "$mh" "$mmh" "$mmj"
awk -v h="$mh" -v a="$mmh" -v j="$mmj" -v g="$GOAL" 'BEGIN {
	printf "ratio me-html/home: %.2f (goal >= %.2f: %s)\n", a / h, g,
		(a / h >= g) ? "met" : "NOT met"
	printf "ratio me-json/home: %.2f\n", j / h }'
