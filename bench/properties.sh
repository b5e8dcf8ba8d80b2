#!/usr/bin/env bash
# bench/properties.sh: what do search and the listing page cost at 10k and at 1M
# listings, next to PostgreSQL running the same SQL through pgbench?
#
# Starts its own stack (private PostgreSQL 15 with shared_buffers
# PG_SHARED_BUFFERS, an optimised innkeep built in build-bench/ with CFLAGS=-O2
# and test_routes on, nginx with upstream keepalive KEEPALIVE). For each size N
# in SIZES: a new database, `innkeep migrate`, N listings and N x
# BOOKINGS_PER_LISTING bookings from bench/gendata.sh (seed SEED), then, ROUNDS
# times alternating, with the same concurrency on both sides (wrk -t WRK_THREADS
# -c CONNECTIONS --latency; pgbench -c CONNECTIONS -j WRK_THREADS):
#   search-json, search-html  GET /properties?city=C&guests=2&check_in=D&check_out=D+3
#                             &max_price=200 (a city of ~2.5 % of the listings,
#                             dates a month ahead; 20 results, default sort)
#   worst-json, worst-html    the largest city over its "hot week", where gendata
#                             booked 98 % of the listings: almost nothing is free
#   detail-json, detail-html  GET /properties/{id}, a random id per request (Lua)
#   and for each, pgbench with the same SQL:
#   - a search: the statement and parameters innkeep runs, from
#     GET /_test/search-sql?<same query> (test_routes), its $n as pgbench
#     variables given with -D, run with pgbench -M prepared: prepared once per
#     connection and run with out-of-line parameters, as innkeep runs it (its
#     per-connection cache of search statements, db_prepare_sql in src/db.c);
#   - the detail: the prepared statement property_get (and, for the HTML page,
#     property_calendar too: the page shows the next 3 months), printed from
#     src/db_stmt.c by bench/stmt_sql.c, run with pgbench -M prepared and
#     \set id random(first, last).
# Prints requests/s and p99 (wrk) per round, then a table of medians with the
# ratio innkeep/pgbench and the issue's goals: ratio >= 0.7; p99 <= 10 ms at 1M
# listings, <= 20 ms for the worst case. Also prints the plan of each search
# (EXPLAIN ANALYZE, BUFFERS) and flags sequential scans; the plans, scripts and
# wrk outputs stay in build-bench/properties/ for reading.
#
#   bench/properties.sh
#   SIZES=10000 DURATION=5s ROUNDS=1 bench/properties.sh      (quick)
#   BIN=path/to/innkeep bench/properties.sh    (that binary; its folder needs config.h)
#
# Knobs (environment, with defaults): SIZES="10000 1000000", BOOKINGS_PER_LISTING=10,
# SEED=42, PG_SHARED_BUFFERS=2GB, WARMUP=3s, and those of script/lib/bench.sh
# (DURATION=10s CONNECTIONS=32 WRK_THREADS=2 ROUNDS=3 KEEPALIVE=32 THREADS=48).
# The load at 1M listings / 10M bookings takes several minutes (docs/benchmarks.md).
set -euo pipefail

# shellcheck source=../script/lib/bench.sh
source "$(dirname "${BASH_SOURCE[0]}")/../script/lib/bench.sh"

SIZES=${SIZES:-"10000 1000000"}
BOOKINGS_PER_LISTING=${BOOKINGS_PER_LISTING:-10}
SEED=${SEED:-42}
PG_SHARED_BUFFERS=${PG_SHARED_BUFFERS:-2GB}
WARMUP=${WARMUP:-3s}
GOAL_RATIO=0.7
GOAL_P99=10
GOAL_P99_WORST=20
ACCEPT_HTML='text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8'
ACCEPT_JSON='application/json'
SEARCH_CITY=${SEARCH_CITY:-Barcelona}

stack_need_packages python3
PGBENCH=$STACK_PGBIN/pgbench
[ -x "$PGBENCH" ] || { echo "no pgbench at $PGBENCH" >&2; exit 1; }

out=$REPO/build-bench/properties
rm -rf "$out"
mkdir -p "$out"

# The SQL of innkeep's prepared statements, from src/db_stmt.c itself.
# shellcheck disable=SC2154  # bin: set by script/lib/bench.sh
cfgdir=$(dirname "$bin")
[ -e "$cfgdir/config.h" ] || { echo "no config.h beside $bin (a build folder is needed)" >&2; exit 1; }
gcc -O2 -std=c17 -D_GNU_SOURCE -Wall -Wextra -I"$cfgdir" -I"$REPO/src" \
	-I"$(pg_config --includedir 2>/dev/null || echo /usr/include/postgresql)" \
	-o "$out/stmt_sql" bench/stmt_sql.c src/db_stmt.c

secs=${DURATION%s}
case $DURATION in *m) secs=$(( ${DURATION%m} * 60 )) ;; esac
[[ $secs =~ ^[0-9]+$ ]] || { echo "DURATION must be like 10s or 1m" >&2; exit 2; }

stack_pg_start
# Memory for 10M bookings, and no checkpoint storm during the load.
stack_psql -c "ALTER SYSTEM SET shared_buffers = '$PG_SHARED_BUFFERS'" \
	-c "ALTER SYSTEM SET max_wal_size = '8GB'" -c "ALTER SYSTEM SET checkpoint_timeout = '30min'"
"$REPO/script/lib/pg" restart "$STACK_PGDATA"
export STACK_NGINX_ACCESS_LOG=off

# ---------------------------------------------------------------- helpers

# wrk_run NAME URL [wrk options...]: "rate p99_ms"; any non-2xx answer stops.
wrk_run() {
	local name=$1 url=$2 res
	shift 2
	res=$(wrk -t"$WRK_THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency "$@" "$url")
	echo "$res" >>"$out/$name.wrk"
	if echo "$res" | grep -qE 'Non-2xx|Socket errors'; then
		echo "$res" >&2
		echo "errors from $url" >&2
		exit 1
	fi
	echo "$res" | awk '
		/^Requests\/sec:/ { rate = $2 }
		$1 == "99%" { v = $2
			if (v ~ /us$/) { sub(/us$/, "", v); v = v / 1000 }
			else if (v ~ /ms$/) { sub(/ms$/, "", v) }
			else if (v ~ /s$/) { sub(/s$/, "", v); v = v * 1000 }
			p99 = v }
		END { printf "%s %.2f\n", rate, p99 }'
}

# pgb NAME SCRIPT MODE [pgbench options...]: transactions per second.
pgb() {
	local name=$1 script=$2 mode=$3 res
	shift 3
	if ! res=$("$PGBENCH" -n -M "$mode" -f "$script" -c "$CONNECTIONS" -j "$WRK_THREADS" \
		-T "$secs" "$@" -h "$STACK_PGHOST" -p "$STACK_PGPORT" -U postgres innkeep 2>&1); then
		echo "$res" >&2
		echo "pgbench $script failed" >&2
		exit 1
	fi
	echo "$res" >>"$out/$name.pgbench"
	echo "$res" | awk '/^tps = / { print $3; exit }'
}

# search_script NAME QUERY: the statement innkeep runs for GET /properties?QUERY
# as a pgbench script NAME.sql, each parameter $n a pgbench variable :pn whose
# value is in NAME.vars (for -D; a NULL parameter is written NULL); the same with
# literals for EXPLAIN in NAME.explain.sql; the plan innkeep got in NAME.plan.
search_script() {
	local name=$1 query=$2
	curl -fsS -H "Accept: $ACCEPT_JSON" "$URL/_test/search-sql?$query" >"$out/$name.json"
	python3 - "$out/$name.json" "$out/$name" <<'EOF'
import json, re, sys
d = json.load(open(sys.argv[1]))
base = sys.argv[2]
params = d["params"]
# pgbench reads ":name" as a variable even inside a string: write ':' in
# literals as E'\x3a' (the same constant; the planner never sees a difference)
def esc(m):
    s = m.group(0)
    return "E" + s.replace("\\", "\\\\").replace(":", "\\x3a") if ":" in s else s
def lit(v):
    return "NULL" if v is None else "'" + v.replace("'", "''") + "'"
def var(m):
    n = int(m.group(1))
    return "NULL" if params[n - 1] is None else ":p%d" % n
sql = re.sub(r"'(?:[^']|'')*'", esc, d["sql"])
open(base + ".sql", "w").write(re.sub(r"\$(\d+)", var, sql) + ";\n")
with open(base + ".vars", "w") as f:
    for i, v in enumerate(params):
        if v is not None:
            f.write("p%d=%s\n" % (i + 1, v))
sql = re.sub(r"\$(\d+)", lambda m: lit(params[int(m.group(1)) - 1]), d["sql"])
open(base + ".explain.sql", "w").write("EXPLAIN (ANALYZE, BUFFERS) " + sql + ";\n")
# the plan innkeep got: every node, and the sequential scans
nodes = []
def walk(n, depth):
    what = n["Node Type"]
    for k in ("Relation Name", "Index Name", "CTE Name"):
        if k in n:
            what += " " + n[k]
    nodes.append((depth, what))
    for c in n.get("Plans", []):
        walk(c, depth + 1)
walk(d["plan"][0]["Plan"], 0)
with open(sys.argv[1].replace(".json", ".plan"), "w") as f:
    for depth, what in nodes:
        f.write("  " * depth + what + "\n")
seq = sorted({w for _, w in nodes if w.startswith("Seq Scan")})
print("; ".join(seq) if seq else "none")
EOF
}

# stmt_script NAME STMT...: prepared statements as a pgbench script (:id, :today).
stmt_script() {
	local name=$1
	shift
	{
		echo "\\set id random($ID_LO, $ID_HI)"
		"$out/stmt_sql" "$@" | python3 -c '
import re, sys
for line in sys.stdin:
    sql = line.rstrip("\n")
    sql = re.sub(r"\x27(?:[^\x27]|\x27\x27)*\x27", lambda m: "E" + m.group(0).replace("\\", "\\\\").replace(":", "\\x3a") if ":" in m.group(0) else m.group(0), sql)
    sql = sql.replace("$1", ":id").replace("$2", ":today")
    print(sql + ";")'
	} >"$out/$name.sql"
}

# check NAME ACCEPT PATH TYPE: one request, 200 and the right type; prints the body size.
check() {
	local h=$out/$1.headers b=$out/$1.body
	curl -fsS -H "Accept: $2" -D "$h" -o "$b" "$URL$3" \
		|| { echo "GET $3 failed" >&2; exit 1; }
	grep -qi "^content-type: $4" "$h" || { cat "$h" >&2; echo "GET $3: not $4" >&2; exit 1; }
	stat -c %s "$b"
}

median_of() { echo "$1" | median; }

# ---------------------------------------------------------------- one size

declare -A RESULT=()
first=1
for n in $SIZES; do
	m=$((n * BOOKINGS_PER_LISTING))
	echo
	echo "==== $n listings, $m bookings ===="
	if [ $first = 0 ]; then
		# (|| true: these stop functions end on a kill of an exited process)
		stack_nginx_stop || true
		stack_innkeep_stop || true
		"$STACK_PGBIN/dropdb" -h "$STACK_PGHOST" -p "$STACK_PGPORT" -U postgres innkeep
		"$STACK_PGBIN/createdb" -h "$STACK_PGHOST" -p "$STACK_PGPORT" -U postgres innkeep
	fi
	first=0
	STACK_THREADS=$THREADS STACK_TEST_ROUTES=true stack_innkeep_start "$bin"   # migrates
	bench/gendata.sh "$STACK_DATABASE_URL" "$n" "$m" "$SEED" | tee "$out/gendata-$n.log"
	info() { sed -n "s/^gendata: $1=//p" "$out/gendata-$n.log"; }
	hot_city=$(info hot_city) hot_in=$(info hot_check_in) hot_out=$(info hot_check_out)
	read -r ID_LO ID_HI < <(stack_psql -At -F ' ' -c "SELECT min(id), max(id) FROM properties")
	stack_nginx_start "$KEEPALIVE" "ka-$n"
	URL=$STACK_BASE_URL

	d_in=$(date -u -d "+30 days" +%F) d_out=$(date -u -d "+33 days" +%F)
	q_search="city=$SEARCH_CITY&guests=2&check_in=$d_in&check_out=$d_out&max_price=200"
	q_worst="city=$hot_city&guests=2&check_in=$hot_in&check_out=$hot_out"
	seq_search=$(search_script "search-$n" "$q_search")
	seq_worst=$(search_script "worst-$n" "$q_worst")
	stmt_script "detail-$n" property_get
	stmt_script "detail-html-$n" property_get property_calendar
	today=$(date -u +%F)
	cat >"$out/detail-$n.lua" <<EOF
-- a random listing per request, ids $ID_LO..$ID_HI
local n = 0
function setup(thread) n = n + 1; thread:set("k", n) end
function init(args) math.randomseed(os.time() * 7919 + k) end
function request() return wrk.format(nil, "/properties/" .. math.random($ID_LO, $ID_HI)) end
EOF

	# Each URL once: 200, the right type; how many results the searches give.
	for c in "search-json $ACCEPT_JSON /properties?$q_search application/json" \
		"search-html $ACCEPT_HTML /properties?$q_search text/html" \
		"worst-json $ACCEPT_JSON /properties?$q_worst application/json" \
		"worst-html $ACCEPT_HTML /properties?$q_worst text/html" \
		"detail-json $ACCEPT_JSON /properties/$ID_HI application/json" \
		"detail-html $ACCEPT_HTML /properties/$ID_HI text/html"; do
		read -r cname cacc cpath ctype <<<"$c"
		size=$(check "$cname-$n" "$cacc" "$cpath" "$ctype")
		echo "  $cname: $size bytes"
	done
	items() {
		python3 -c 'import json, sys; d = json.load(open(sys.argv[1])); print(len(d["items"]), "items,", "next_cursor" if d["next_cursor"] else "no next_cursor")' "$1"
	}
	echo "  search: $(items "$out/search-json-$n.body") (GET /properties?$q_search); seq scans in its plan: $seq_search"
	echo "  worst:  $(items "$out/worst-json-$n.body") (GET /properties?$q_worst); seq scans in its plan: $seq_worst"
	echo "  detail: ids $ID_LO..$ID_HI; pgbench runs the prepared statements property_get (+ property_calendar for HTML) from src/db_stmt.c"
	for s in search worst; do
		echo "  EXPLAIN ANALYZE of the $s statement (full plan: $out/$s-$n.explain):"
		stack_psql -f "$out/$s-$n.explain.sql" >"$out/$s-$n.explain"
		grep -E 'Seq Scan|Execution Time|Planning Time|^ *(->  )?(Limit|Index|Bitmap)' "$out/$s-$n.explain" \
			| head -n 12 | sed 's/^/    /'
	done

	# Warm the caches, then measure.
	for u in "/properties?$q_search" "/properties?$q_worst"; do
		wrk -t"$WRK_THREADS" -c"$CONNECTIONS" -d"$WARMUP" -H "Accept: $ACCEPT_JSON" "$URL$u" >/dev/null
	done
	wrk -t"$WRK_THREADS" -c"$CONNECTIONS" -d"$WARMUP" -H "Accept: $ACCEPT_JSON" \
		-s "$out/detail-$n.lua" "$URL/" >/dev/null

	echo
	echo "innkeep: $bin, threads $THREADS; nginx: 1 worker, upstream keepalive $KEEPALIVE;" \
		"wrk -t$WRK_THREADS -c$CONNECTIONS -d$DURATION; pgbench -c$CONNECTIONS -j$WRK_THREADS -T$secs; $ROUNDS rounds"
	echo "machine: $(nproc) CPUs, $(uname -r), load average $(cut -d' ' -f1-3 /proc/loadavg)"
	declare -A R=() L=() P=()
	for r in $(seq 1 "$ROUNDS"); do
		line="round $r:"
		for cs in search worst detail; do
			for fmt in json html; do
				c=$cs-$fmt
				acc=$ACCEPT_JSON
				[ $fmt = html ] && acc=$ACCEPT_HTML
				case $cs in
				search) res=$(wrk_run "$c-$n" "$URL/properties?$q_search" -H "Accept: $acc") ;;
				worst) res=$(wrk_run "$c-$n" "$URL/properties?$q_worst" -H "Accept: $acc") ;;
				detail) res=$(wrk_run "$c-$n" "$URL/" -H "Accept: $acc" -s "$out/detail-$n.lua") ;;
				esac
				read -r rate p99 <<<"$res"
				R[$c]+="$rate " L[$c]+="$p99 "
				vars=()
				case $c in
				search-*) script=$out/search-$n.sql mode=prepared
					mapfile -t vars <"$out/search-$n.vars" ;;
				worst-*) script=$out/worst-$n.sql mode=prepared
					mapfile -t vars <"$out/worst-$n.vars" ;;
				detail-json) script=$out/detail-$n.sql mode=prepared ;;
				detail-html) script=$out/detail-html-$n.sql mode=prepared ;;
				esac
				dargs=(-D today="$today")
				for v in "${vars[@]}"; do dargs+=(-D "$v"); done
				tps=$(pgb "$c-$n" "$script" "$mode" "${dargs[@]}")
				P[$c]+="$tps "
				line+=$(printf '  %s %.0f/s p99 %.1fms pg %.0f' "$c" "$rate" "$p99" "$tps")
			done
		done
		echo "$line"
	done

	echo
	echo "$n listings, $m bookings: medians of $ROUNDS rounds"
	printf '%-12s %10s %9s %11s %7s  %s\n' case "innkeep/s" "p99 ms" "pgbench/s" ratio goals
	for c in search-json search-html worst-json worst-html detail-json detail-html; do
		mr=$(median_of "${R[$c]}") ml=$(median_of "${L[$c]}") mp=$(median_of "${P[$c]}")
		goal_p99=$GOAL_P99
		case $c in worst-*) goal_p99=$GOAL_P99_WORST ;; esac
		row=$(awk -v c="$c" -v r="$mr" -v l="$ml" -v p="$mp" -v g="$GOAL_RATIO" -v gl="$goal_p99" -v n="$n" 'BEGIN {
			ratio = r / p
			v1 = (ratio >= g) ? "met" : "NOT met"
			v2 = (l <= gl) ? "met" : "NOT met"
			if (n < 1000000) v2 = v2 " (goal is for 1M)"
			printf "%-12s %10.0f %9.2f %11.0f %7.2f  ratio>=%.1f %s; p99<=%dms %s", c, r, l, p, ratio, g, v1, gl, v2 }')
		echo "$row"
		RESULT[$n]+="$row"$'\n'
	done
	sessions=$(stack_psql -At -c "SELECT count(*) FROM sessions")
	echo "(sessions in the database after the run: $sessions)"
done

echo
echo "==== summary (medians; innkeep through nginx with wrk, the same SQL with pgbench) ===="
for n in $SIZES; do
	echo "-- $n listings, $((n * BOOKINGS_PER_LISTING)) bookings"
	printf '%s' "${RESULT[$n]}"
done
echo "files: $out"
