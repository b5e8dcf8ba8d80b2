#!/usr/bin/env bash
# bench/gendata.sh: load LISTINGS listings and BOOKINGS bookings (and their
# hosts and guests) into a migrated innkeep database, fast and the same every
# time for the same SEED and day.
#
#   bench/gendata.sh DATABASE_URL LISTINGS BOOKINGS [SEED]
#   bench/gendata.sh "postgresql://postgres@/innkeep?host=/tmp/s&port=5432" 1000000 10000000 42
#
# Knobs (environment):
#   GENDATA_TODAY=YYYY-MM-DD  the day every date is relative to (default: today, UTC);
#                             same SEED + same day = the same rows
#   GENDATA_HOT_SHARE=0.98    share of the largest city's listings booked over its
#                             "hot week" (the first 7 nights of next month)
#   GENDATA_BIN=path          the generator (default: built from bench/gendata.c into
#                             build-bench/gendata with cc -O2 when missing or older)
#   GENDATA_JOBS=2            COPYs at once per large table (listings split by range)
#   GENDATA_CHECK=1           also check the rules the schema does not hold
#                             (guests <= max_guests, total = nights x price, ...)
#   PSQL, PG_DUMP             the clients (default: PostgreSQL 15's)
#
# What it does (see bench/gendata.c for the data itself):
#  1. refuses a database with listings or bookings, or with users named like ours;
#  2. notes the schema (pg_dump --schema-only) and the definitions of what it drops;
#  3. one transaction: drops the foreign keys and the plain indexes of properties
#     and bookings, and disables their user triggers (bookings_set_host, the rating
#     guard...); the exclusion constraint bookings_no_overlap stays, so every stay
#     is checked as it is copied (cheaper than rebuilding it: PostgreSQL 15 builds
#     this GiST index and then probes it once per row, ~110 us a row at 1M rows,
#     against ~30 us for keeping it up to date during the COPY);
#  4. COPYs users, properties and bookings, all at once, the two large tables in
#     GENDATA_JOBS parts (ranges of listings), each part a generator process
#     writing into a FIFO that its own COPY reads;
#  5. rebuilds what it dropped from the noted definitions, one session per table
#     (foreign keys are validated as they are added: the composite one proves that
#     every booking's host_id is its listing's owner), enables the triggers, puts
#     the comments back, moves the identity sequences past the new ids;
#  6. VACUUM ANALYZE of the three tables;
#  7. compares the schema with step 2: it must be byte-identical, or it fails.
# Reviews are not made, so every rating aggregate stays at 0 (as the trigger of
# 0006 would leave it). Prints the time of each step and, last, key=value lines
# about the data (hot_city, hot_check_in, hot_check_out...) for bench/properties.sh.
# If it fails between 3 and 5 the database is left without those indexes and
# constraints: drop it and migrate a new one.
set -euo pipefail

usage() { echo "usage: $0 DATABASE_URL LISTINGS BOOKINGS [SEED]" >&2; exit 2; }
if [ $# -lt 3 ] || [ $# -gt 4 ]; then usage; fi
DB=$1 LISTINGS=$2 BOOKINGS=$3 SEED=${4:-1}
for v in "$LISTINGS" "$BOOKINGS" "$SEED"; do
	[[ $v =~ ^[0-9]+$ ]] || usage
done
[ "$LISTINGS" -ge 1 ] || { echo "$0: LISTINGS must be at least 1" >&2; exit 2; }

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
PGBIN=${STACK_PGBIN:-/usr/lib/postgresql/15/bin}
PSQL=${PSQL:-$PGBIN/psql}
PG_DUMP=${PG_DUMP:-$PGBIN/pg_dump}
TODAY=${GENDATA_TODAY:-$(date -u +%F)}
HOT_SHARE=${GENDATA_HOT_SHARE:-0.98}
JOBS=${GENDATA_JOBS:-2}

# The generator: built on demand, not part of the Autotools build.
if [ -n "${GENDATA_BIN:-}" ]; then
	gen=$GENDATA_BIN
else
	gen=$REPO/build-bench/gendata
	if [ ! -x "$gen" ] || [ "$REPO/bench/gendata.c" -nt "$gen" ]; then
		mkdir -p "$REPO/build-bench"
		"${CC:-cc}" -O2 -std=c17 -Wall -Wextra -o "$gen.tmp" "$REPO/bench/gendata.c" -lm
		mv "$gen.tmp" "$gen"
	fi
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/gendata.XXXXXX")
stage=prepare
on_exit() {
	local rc=$?
	if [ $rc -ne 0 ]; then
		case $stage in
		load|rebuild)
			echo "gendata: FAILED during $stage: the database has lost indexes or" \
				"constraints of properties/bookings; drop it and migrate a new one" >&2 ;;
		*) echo "gendata: FAILED during $stage" >&2 ;;
		esac
		for f in "$work"/*.err; do
			[ -s "$f" ] && { echo "--- $(basename "$f")" >&2; tail -n 20 "$f" >&2; }
		done
	fi
	rm -rf "$work"
	exit $rc
}
trap on_exit EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

q() { "$PSQL" -X -q -v ON_ERROR_STOP=1 -d "$DB" "$@"; }
val() { q -At -c "$1"; }
now() { date +%s.%N; }
took() { awk -v a="$1" -v b="$(now)" 'BEGIN {printf "%.1f", b - a}'; }

t_all=$(now)

# ---------------------------------------------------------------- 1. refuse
[ "$(val "SELECT to_regclass('public.bookings') IS NOT NULL")" = t ] \
	|| { echo "gendata: no bookings table: run innkeep migrate first" >&2; exit 1; }
[ "$(val "SELECT NOT EXISTS (SELECT 1 FROM properties) AND NOT EXISTS (SELECT 1 FROM bookings)")" = t ] \
	|| { echo "gendata: the database already has listings or bookings; use a new one" >&2; exit 1; }
[ "$(val "SELECT NOT EXISTS (SELECT 1 FROM users WHERE username ~ '^(host|guest)[0-9]{6,}\$')")" = t ] \
	|| { echo "gendata: users named host000001/guest000001... exist already" >&2; exit 1; }

# New ids follow whatever is there (rows, or identities handed out and rolled back).
base() {
	val "SELECT greatest((SELECT coalesce(max(id), 0) FROM $1),
	        coalesce(pg_sequence_last_value(pg_get_serial_sequence('$1', 'id')), 0))"
}
user_base=$(base users)
prop_base=$(base properties)
booking_base=$(base bookings)
args=(-n "$LISTINGS" -m "$BOOKINGS" -s "$SEED" -d "$TODAY" -x "$HOT_SHARE"
	-u "$user_base" -p "$prop_base" -b "$booking_base")
"$gen" -t info "${args[@]}" >"$work/info"
users=$(awk -F= '$1 == "hosts" || $1 == "guests" {n += $2} END {print n}' "$work/info")

# ---------------------------------------------------------------- 2. note
# (less the random key of the \restrict lines that newer pg_dump versions write)
schema() { "$PG_DUMP" --schema-only -d "$DB" | grep -Ev '^\\(un)?restrict '; }
schema >"$work/schema.before"

# What is dropped, as statements that make it again (definitions from the catalog).
cat >"$work/defs.sql" <<'EOF'
\pset format unaligned
\pset tuples_only on
\o :work/drop.sql
SELECT format('ALTER TABLE %s DROP CONSTRAINT %I;', c.conrelid::regclass, c.conname)
  FROM pg_constraint c
 WHERE c.conrelid IN ('properties'::regclass, 'bookings'::regclass) AND c.contype = 'f'
UNION ALL
SELECT format('DROP INDEX %s;', i.indexrelid::regclass)
  FROM pg_index i
 WHERE i.indrelid IN ('properties'::regclass, 'bookings'::regclass)
   AND NOT EXISTS (SELECT 1 FROM pg_constraint c
                    WHERE c.conrelid = i.indrelid AND c.conindid = i.indexrelid);
\o :work/lane-properties.sql
SELECT pg_get_indexdef(i.indexrelid) || ';'
       || coalesce(format(E'\nCOMMENT ON INDEX %s IS %L;', i.indexrelid::regclass,
                          obj_description(i.indexrelid, 'pg_class')), '')
  FROM pg_index i
 WHERE i.indrelid = 'properties'::regclass
   AND NOT EXISTS (SELECT 1 FROM pg_constraint c
                    WHERE c.conrelid = i.indrelid AND c.conindid = i.indexrelid)
 ORDER BY i.indexrelid;
SELECT format('ALTER TABLE %s ADD CONSTRAINT %I %s;', c.conrelid::regclass, c.conname,
              pg_get_constraintdef(c.oid))
       || coalesce(format(E'\nCOMMENT ON CONSTRAINT %I ON %s IS %L;', c.conname,
                          c.conrelid::regclass, obj_description(c.oid, 'pg_constraint')), '')
  FROM pg_constraint c
 WHERE c.conrelid = 'properties'::regclass AND c.contype = 'f'
 ORDER BY c.oid;
\o :work/lane-bookings.sql
SELECT pg_get_indexdef(i.indexrelid) || ';'
       || coalesce(format(E'\nCOMMENT ON INDEX %s IS %L;', i.indexrelid::regclass,
                          obj_description(i.indexrelid, 'pg_class')), '')
  FROM pg_index i
 WHERE i.indrelid = 'bookings'::regclass
   AND NOT EXISTS (SELECT 1 FROM pg_constraint c
                    WHERE c.conrelid = i.indrelid AND c.conindid = i.indexrelid)
 ORDER BY i.indexrelid;
SELECT format('ALTER TABLE %s ADD CONSTRAINT %I %s;', c.conrelid::regclass, c.conname,
              pg_get_constraintdef(c.oid))
       || coalesce(format(E'\nCOMMENT ON CONSTRAINT %I ON %s IS %L;', c.conname,
                          c.conrelid::regclass, obj_description(c.oid, 'pg_constraint')), '')
  FROM pg_constraint c
 WHERE c.conrelid = 'bookings'::regclass AND c.contype = 'f'
 ORDER BY c.oid;
\o
EOF
q -v work="$work" -f "$work/defs.sql"
# Each lane: big sort memory, parallel index builds where PostgreSQL can.
for l in properties bookings; do
	{ echo "SET maintenance_work_mem = '1GB';"; echo "SET max_parallel_maintenance_workers = 2;"
	  cat "$work/lane-$l.sql"; } >"$work/lane-$l.run.sql"
done

# ---------------------------------------------------------------- 3. drop
stage=load
t=$(now)
{
	echo "BEGIN;"
	cat "$work/drop.sql"
	echo "ALTER TABLE properties DISABLE TRIGGER USER;"
	echo "ALTER TABLE bookings DISABLE TRIGGER USER;"
	echo "COMMIT;"
} | q -f - >/dev/null
echo "gendata: dropped $(wc -l <"$work/drop.sql") indexes and constraints in $(took "$t") s"

# ---------------------------------------------------------------- 4. copy
# table, COPY column list; the generator writes exactly these columns.
declare -A COLS=(
	[users]="id, username, email, password_hash, display_name, created_at, updated_at"
	[properties]="id, owner_id, name, description, address, city, country, price_per_night, currency, max_guests, cancellation_policy, is_listed, created_at, updated_at"
	[bookings]="id, property_id, host_id, guest_id, start_date, end_date, guests, total_price, currency, status, created_at, updated_at, expires_at, cancelled_at"
)
declare -A ROWS=([users]=$users [properties]=$LISTINGS [bookings]=$BOOKINGS)
# copy_one TABLE: one generator, JOBS COPYs reading its parts through FIFOs
# (users: one part).
copy_one() {
	local table=$1 t0 parts=$JOBS i pids=() rc=0
	t0=$(now)
	[ "$table" = users ] && parts=1
	for i in $(seq 0 $((parts - 1))); do
		mkfifo "$work/$table.$i"
		q -c "COPY $table (${COLS[$table]}) FROM STDIN" <"$work/$table.$i" \
			>/dev/null 2>"$work/copy-$table.$i.err" &
		pids+=($!)
	done
	"$gen" -t "$table" "${args[@]}" -j "$parts" -O "$work/$table" 2>"$work/gen-$table.err" || rc=1
	for i in "${pids[@]}"; do wait "$i" || rc=1; done
	[ $rc = 0 ] || return 1
	printf 'gendata: %-10s %9d rows in %6.1f s (%d COPY at once)\n' \
		"$table" "${ROWS[$table]}" "$(took "$t0")" "$parts"
}
t=$(now)
pids=()
for table in users properties bookings; do
	copy_one "$table" & pids+=($!)
done
for p in "${pids[@]}"; do wait "$p" || { echo "gendata: a COPY failed" >&2; exit 1; }; done
echo "gendata: copied in $(took "$t") s"

# ---------------------------------------------------------------- 5. rebuild
stage=rebuild
lane() {
	local l=$1 t0; t0=$(now)
	q -f "$work/lane-$l.run.sql" >/dev/null 2>"$work/lane-$l.err"
	printf 'gendata: %-10s indexes and constraints rebuilt in %6s s\n' "$l" "$(took "$t0")"
}
t=$(now)
lane bookings & pb=$!
lane properties & pp=$!
wait "$pp" || { echo "gendata: rebuilding properties failed" >&2; exit 1; }
wait "$pb" || { echo "gendata: rebuilding bookings failed" >&2; exit 1; }
q >/dev/null <<'EOF'
BEGIN;
ALTER TABLE properties ENABLE TRIGGER USER;
ALTER TABLE bookings ENABLE TRIGGER USER;
SELECT setval(pg_get_serial_sequence(t, 'id'), m)
  FROM (SELECT 'users' AS t, max(id) AS m FROM users
        UNION ALL SELECT 'properties', max(id) FROM properties
        UNION ALL SELECT 'bookings', max(id) FROM bookings) s
 WHERE m IS NOT NULL;
COMMIT;
EOF
echo "gendata: rebuilt in $(took "$t") s"
stage=analyze

# ---------------------------------------------------------------- 6. vacuum
t=$(now)
pids=()
for table in bookings properties users; do
	q -c "VACUUM (ANALYZE) $table" 2>"$work/vacuum-$table.err" & pids+=($!)
done
for p in "${pids[@]}"; do wait "$p" || { echo "gendata: VACUUM failed" >&2; exit 1; }; done
echo "gendata: VACUUM ANALYZE in $(took "$t") s"

# ---------------------------------------------------------------- 7. compare
stage=compare
schema >"$work/schema.after"
if ! diff -u "$work/schema.before" "$work/schema.after" >"$work/schema.diff"; then
	cat "$work/schema.diff" >&2
	echo "gendata: the schema is not what it was before the load" >&2
	exit 1
fi
echo "gendata: schema identical to before the load (pg_dump --schema-only)"

if [ -n "${GENDATA_CHECK:-}" ]; then
	stage=check
	t=$(now)
	bad=$(val "SELECT count(*) FROM bookings b JOIN properties p ON p.id = b.property_id
	            WHERE b.guests > p.max_guests OR b.currency <> p.currency
	               OR b.total_price <> (b.end_date - b.start_date) * p.price_per_night
	               OR b.created_at < p.created_at OR b.created_at > now()
	               OR b.updated_at < b.created_at
	               OR (b.status IN ('pending', 'confirmed') AND b.end_date <= '$TODAY'::date)
	               OR (b.status = 'completed' AND b.end_date > '$TODAY'::date)
	               OR (b.status = 'pending') <> (b.expires_at IS NOT NULL)")
	[ "$bad" = 0 ] || { echo "gendata: $bad bookings break a rule of the moment of booking" >&2; exit 1; }
	echo "gendata: checked the rules the schema does not hold in $(took "$t") s"
fi
stage=finished

echo "gendata: $LISTINGS listings, $BOOKINGS bookings, $users users (seed $SEED, today $TODAY) in $(took "$t_all") s"
sed 's/^/gendata: /' "$work/info"
