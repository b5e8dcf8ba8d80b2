#!/usr/bin/env bash
# tests/sql/test_schema.sh: apply sql/NNNN_*.sql to a fresh database and check, with
# SQL, that the rules of the data model hold. Prints TAP; exits non-zero on failure.
#
#   INNKEEP_TEST_PGHOST=/socket/dir INNKEEP_TEST_PGPORT=5432 tests/sql/test_schema.sh
#       uses that server (as PGUSER, default postgres): creates a database
#       innkeep_schema_test_PID and drops it at the end.
#   tests/sql/test_schema.sh
#       (INNKEEP_TEST_PGHOST unset) starts a throw-away PostgreSQL 15 cluster in a
#       temporary folder (unix socket only, fsync=off; as root through
#       `runuser -u postgres`), and removes it at the end.
#
# INNKEEP_SQL_DIR overrides the folder of the migrations (default: sql/ of this tree).
set -uo pipefail

here=$(cd "$(dirname "$0")/../.." && pwd)
sql_dir=${INNKEEP_SQL_DIR:-$here/sql}
pgbin=${INNKEEP_PGBIN:-/usr/lib/postgresql/15/bin}
if [ -x "$pgbin/psql" ]; then PSQL=$pgbin/psql; else PSQL=psql; fi
export PGUSER=${PGUSER:-postgres}
unset PGDATABASE PGSERVICE PGOPTIONS
export LC_ALL=C

tmp=
cluster=
db=innkeep_schema_test_$$
db_created=
bg_pids=()

as_pg() {
	if [ "$(id -u)" -eq 0 ]; then
		(cd / && runuser -u postgres -- "$@")
	else
		(cd / && "$@")
	fi
}

# shellcheck disable=SC2317  # called by the EXIT trap
cleanup() {
	local p
	for p in "${bg_pids[@]}"; do kill "$p" 2>/dev/null; done
	if [ -n "$db_created" ]; then
		"$PSQL" -X -q -d postgres -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" >/dev/null 2>&1 ||
			echo "# could not drop database $db" >&2
		"$PSQL" -X -q -d postgres -c "DROP DATABASE IF EXISTS ${db}_pqexec WITH (FORCE)" >/dev/null 2>&1
	fi
	if [ -n "$cluster" ]; then
		as_pg "$pgbin/pg_ctl" -D "$cluster" -m immediate -w stop >/dev/null 2>&1
	fi
	[ -n "$tmp" ] && rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

die() { echo "Bail out! $*"; exit 1; }

# ------------------------------------------------------------------ the server

if [ -z "${INNKEEP_TEST_PGHOST:-}" ]; then
	[ -x "$pgbin/initdb" ] || die "no $pgbin/initdb: apt-get install postgresql-15"
	tmp=$(mktemp -d /tmp/innkeep-sqltest.XXXXXX) || die "mktemp failed"
	if [ "$(id -u)" -eq 0 ]; then
		id postgres >/dev/null 2>&1 || die "no user postgres to run the cluster as"
		chown postgres: "$tmp"
	fi
	as_pg "$pgbin/initdb" -D "$tmp/data" -U postgres -A trust -E UTF8 \
		--locale=C.UTF-8 --no-sync >"$tmp/initdb.log" 2>&1 ||
		{ cat "$tmp/initdb.log" >&2; die "initdb failed"; }
	cluster=$tmp/data
	as_pg "$pgbin/pg_ctl" -D "$cluster" -l "$tmp/postgres.log" -w -t 60 \
		-o "-c listen_addresses='' -c port=5432 -c unix_socket_directories=$tmp -c fsync=off" \
		start >/dev/null 2>&1 ||
		{ cat "$tmp/postgres.log" >&2; die "pg_ctl start failed"; }
	export PGHOST=$tmp PGPORT=5432 PGUSER=postgres
else
	export PGHOST=$INNKEEP_TEST_PGHOST PGPORT=${INNKEEP_TEST_PGPORT:-5432}
fi

"$PSQL" -X -q -d postgres -v ON_ERROR_STOP=1 -c "CREATE DATABASE $db" >/dev/null ||
	die "cannot create database $db on $PGHOST:$PGPORT"
db_created=1
export PGDATABASE=$db

# ------------------------------------------------------------------ TAP helpers

n=0
failed=0
ok()     { n=$((n + 1)); echo "ok $n - $1"; }
not_ok() { n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n - $1"; shift; local l; for l in "$@"; do echo "#   $l"; done; }

# q SQL: run SQL, print the unaligned result.
q() { "$PSQL" -X -q -At -v ON_ERROR_STOP=1 -c "$1"; }

# try SQL: run one statement through innkeep_test.try(); prints "ok" or
# "SQLSTATE constraint_name|message".
try() { printf '%s\n' "SELECT innkeep_test.try(:'sql');" | "$PSQL" -X -q -At -v sql="$1" 2>&1; }

# expect_ok DESCRIPTION SQL
expect_ok() {
	local r; r=$(try "$2")
	if [ "$r" = ok ]; then ok "$1"; else not_ok "$1" "sql: $2" "got: $r"; fi
}

# expect_fail DESCRIPTION SQLSTATE CONSTRAINT SQL  (CONSTRAINT may be empty)
expect_fail() {
	local r; r=$(try "$4")
	if [ "${r%%|*}" = "$2 $3" ] || { [ -z "$3" ] && [ "${r%% *}" = "$2" ]; }; then
		ok "$1 ($2${3:+ $3})"
	else
		not_ok "$1 ($2${3:+ $3})" "sql: $4" "got: $r"
	fi
}

# expect_eq DESCRIPTION EXPECTED SQL
expect_eq() {
	local r; r=$(q "$3" 2>&1)
	if [ "$r" = "$2" ]; then ok "$1"; else not_ok "$1" "sql: $3" "expected: $2" "got: $r"; fi
}

# ------------------------------------------------------------------ the files

files=()
for f in "$sql_dir"/*.sql; do [ -e "$f" ] && files+=("${f##*/}"); done   # glob order = C locale
[ ${#files[@]} -gt 0 ] || die "no migrations in $sql_dir"

bad=()
nums=()
for f in "${files[@]}"; do
	[[ $f =~ ^([0-9]{4})_[a-z0-9_]+\.sql$ ]] || { bad+=("$f"); continue; }
	nums+=("${BASH_REMATCH[1]}")
done
dups=$(printf '%s\n' "${nums[@]}" | uniq -d)
if [ ${#bad[@]} -eq 0 ] && [ -z "$dups" ]; then
	ok "migration names are NNNN_name.sql with unique numbers (${#files[@]} files)"
else
	not_ok "migration names are NNNN_name.sql with unique numbers" "bad: ${bad[*]}" "duplicate numbers: $dups"
fi

# The program wraps each file in its own transaction and sends it with libpq: no
# transaction control, nothing that cannot run in a transaction, no psql commands.
lint=$(cd "$sql_dir" && grep -EinH \
	'^[[:space:]]*(BEGIN|COMMIT|ROLLBACK|START[[:space:]]+TRANSACTION)[[:space:]]*;|CONCURRENTLY|^[[:space:]]*\\|VACUUM|ALTER[[:space:]]+SYSTEM|CREATE[[:space:]]+DATABASE|ALTER[[:space:]]+TYPE[^;]*ADD[[:space:]]+VALUE' \
	"${files[@]}")
if [ -z "$lint" ]; then
	ok "migrations hold no BEGIN/COMMIT, CONCURRENTLY, psql meta-commands or other non-transactional statements"
else
	not_ok "migrations are transactional and plain SQL" "$lint"
fi

if [ -f "$sql_dir/sql.mk" ]; then
	listed=$(grep -oE 'sql/[0-9]{4}_[a-z0-9_]+\.sql' "$sql_dir/sql.mk" | sed 's,^sql/,,' | sort)
	present=$(printf '%s\n' "${files[@]}")
	if [ "$listed" = "$present" ] && ! grep -q '[*?]' "$sql_dir/sql.mk"; then
		ok "sql/sql.mk lists every migration, explicitly"
	else
		not_ok "sql/sql.mk lists every migration, explicitly" \
			"listed: $(tr '\n' ' ' <<<"$listed")" "present: $(tr '\n' ' ' <<<"$present")"
	fi
fi

# ------------------------------------------------------------------ migrate

applied=1
for f in "${files[@]}"; do
	if ! out=$("$PSQL" -X -q -v ON_ERROR_STOP=1 -1 -f "$sql_dir/$f" 2>&1); then
		not_ok "apply $f" "$out"
		applied=
		break
	fi
done
[ -n "$applied" ] || { echo "1..$n"; exit 1; }
ok "all ${#files[@]} migrations apply in order, one transaction each"

# As innkeep migrate sends them: each whole file as one query string (libpq PQexec,
# psql -c), which PostgreSQL runs as one implicit transaction.
pqerr=
if "$PSQL" -X -q -d postgres -v ON_ERROR_STOP=1 -c "CREATE DATABASE ${db}_pqexec" >/dev/null 2>&1; then
	for f in "${files[@]}"; do
		if ! out=$("$PSQL" -X -q -d "${db}_pqexec" -v ON_ERROR_STOP=1 -c "$(cat "$sql_dir/$f")" 2>&1); then
			pqerr="$f: $out"; break
		fi
	done
	"$PSQL" -X -q -d postgres -c "DROP DATABASE ${db}_pqexec" >/dev/null 2>&1
else
	pqerr="cannot create database ${db}_pqexec"
fi
if [ -z "$pqerr" ]; then ok "each migration also applies as one query string (as libpq PQexec sends it)"
else not_ok "each migration also applies as one query string (as libpq PQexec sends it)" "$pqerr"; fi

# The test's helper lives in its own schema of the throw-away database.
q "CREATE SCHEMA innkeep_test;
CREATE FUNCTION innkeep_test.try(sql text) RETURNS text LANGUAGE plpgsql AS \$\$
DECLARE st text; con text; msg text;
BEGIN
	EXECUTE sql;
	RETURN 'ok';
EXCEPTION WHEN OTHERS THEN
	GET STACKED DIAGNOSTICS st = RETURNED_SQLSTATE, con = CONSTRAINT_NAME, msg = MESSAGE_TEXT;
	RETURN st || ' ' || coalesce(con, '') || '|' || msg;
END \$\$;" >/dev/null || die "cannot create the test helper"

# ------------------------------------------------------------------ schema shape

expect_eq "no float, real, double precision or money column anywhere" "" \
	"SELECT string_agg(table_name || '.' || column_name, ' ')
	   FROM information_schema.columns
	  WHERE table_schema = 'public' AND data_type IN ('real', 'double precision', 'money')"
expect_eq "money columns are numeric(12,2)" \
	"bookings.total_price numeric(12,2)
payments.amount numeric(12,2)
properties.price_per_night numeric(12,2)" \
	"SELECT c.relname || '.' || a.attname || ' ' || format_type(a.atttypid, a.atttypmod)
	   FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
	   JOIN pg_namespace s ON s.oid = c.relnamespace
	  WHERE s.nspname = 'public' AND c.relkind = 'r'
	    AND a.attname IN ('price_per_night', 'amount', 'total_price') ORDER BY 1"
expect_eq "every table with updated_at has a set_updated_at trigger" "" \
	"SELECT string_agg(c.relname, ' ')
	   FROM pg_class c JOIN pg_attribute a ON a.attrelid = c.oid AND a.attname = 'updated_at'
	   JOIN pg_namespace s ON s.oid = c.relnamespace
	  WHERE s.nspname = 'public' AND c.relkind = 'r' AND NOT EXISTS (
	        SELECT FROM pg_trigger t WHERE t.tgrelid = c.oid
	           AND t.tgfoid = 'public.set_updated_at()'::regprocedure)"
expect_eq "every table has a comment" "" \
	"SELECT string_agg(c.relname, ' ') FROM pg_class c
	   JOIN pg_namespace s ON s.oid = c.relnamespace
	  WHERE s.nspname = 'public' AND c.relkind = 'r' AND obj_description(c.oid, 'pg_class') IS NULL"
expect_eq "all expected tables exist" \
	"api_tokens bookings jobs login_attempts notifications payments properties reviews sessions users" \
	"SELECT string_agg(tablename, ' ' ORDER BY tablename) FROM pg_tables WHERE schemaname = 'public'"
expect_eq "the exclusion constraint is named bookings_no_overlap" "x" \
	"SELECT contype FROM pg_constraint WHERE conname = 'bookings_no_overlap'"

# ------------------------------------------------------------------ users

# shellcheck disable=SC2016  # a literal Argon2id string, not an expansion
H='$argon2id$v=19$m=65536,t=2,p=1$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaA'
user() { echo "INSERT INTO users (username, email, password_hash) VALUES ('$1', '$2', '$H')"; }
expect_ok "a valid user is accepted" "$(user alice alice@example.org)"
expect_ok "a second user" "$(user bob Bob@Example.org)"
expect_ok "a third user" "$(user carol carol@example.org)"
expect_ok "a fourth user (to be deleted)" "$(user dave dave@example.org)"
expect_eq "defaults: display_name '', bio '', is_active, not is_admin" "||t|f" \
	"SELECT display_name, bio, is_active, is_admin FROM users WHERE username = 'alice'"
expect_fail "username with upper case and '!' refused" 23514 users_username_check "$(user 'Bob!' x1@example.org)"
expect_fail "username of 2 characters refused" 23514 users_username_check "$(user ab x2@example.org)"
expect_fail "username of 33 characters refused" 23514 users_username_check \
	"$(user abcdefghijklmnopqrstuvwxyz0123456 x3@example.org)"
expect_ok "username of 32 characters accepted" "$(user abcdefghijklmnopqrstuvwxyz012345 x4@example.org)"
expect_fail "duplicate username refused" 23505 users_username_key "$(user alice other@example.org)"
expect_fail "duplicate e-mail differing only in case refused" 23505 users_email_lower_key \
	"$(user alice2 ALICE@EXAMPLE.ORG)"
expect_fail "e-mail without @ refused" 23514 users_email_check "$(user eve eve.example.org)"
expect_fail "e-mail with two @ refused" 23514 users_email_check "$(user eve 'eve@x@example.org')"
expect_fail "e-mail over 254 characters refused" 23514 users_email_check \
	"$(user eve "$(printf 'a%.0s' {1..250})@x.org")"
expect_fail "a password hash that is not Argon2id refused" 23514 users_password_hash_check \
	"INSERT INTO users (username, email, password_hash) VALUES ('eve', 'eve@example.org', 'secret123456')"
expect_fail "display_name over 100 characters refused" 23514 users_display_name_check \
	"UPDATE users SET display_name = repeat('x', 101) WHERE username = 'alice'"
expect_fail "bio over 5000 characters refused" 23514 users_bio_check \
	"UPDATE users SET bio = repeat('x', 5001) WHERE username = 'alice'"
expect_fail "id is generated always" 428C9 "" \
	"INSERT INTO users (id, username, email, password_hash) VALUES (999, 'eve', 'eve@example.org', '$H')"
q "UPDATE users SET display_name = 'Alice' WHERE username = 'alice'" >/dev/null
expect_eq "updated_at moves on update" "t" \
	"SELECT updated_at > created_at FROM users WHERE username = 'alice'"

alice=$(q "SELECT id FROM users WHERE username = 'alice'")
bob=$(q "SELECT id FROM users WHERE username = 'bob'")
carol=$(q "SELECT id FROM users WHERE username = 'carol'")
dave=$(q "SELECT id FROM users WHERE username = 'dave'")

# ------------------------------------------------------------------ properties

prop() { # prop OWNER NAME PRICE [extra column] [extra value]
	echo "INSERT INTO properties (owner_id, name, description, address, city, country,
	      price_per_night, max_guests${4:+, $4})
	      VALUES ($1, '$2', 'A quiet loft near the river', '1 Main St', 'Lyon', 'France',
	      $3, 4${5:+, $5})"
}
expect_ok "a valid property is accepted" "$(prop "$alice" 'Cozy Loft' 120.00)"
expect_ok "a second property of the same owner" "$(prop "$alice" 'Sea View' 80.50)"
expect_ok "a property without bookings (to be deleted)" "$(prop "$alice" 'Shed' 10)"
p1=$(q "SELECT id FROM properties WHERE name = 'Cozy Loft'")
p2=$(q "SELECT id FROM properties WHERE name = 'Sea View'")
p3=$(q "SELECT id FROM properties WHERE name = 'Shed'")
expect_eq "defaults: currency USD, policy moderate, listed, no rating" "USD|moderate|t|0|0|" \
	"SELECT currency, cancellation_policy, is_listed, rating_sum, rating_count, rating_avg
	   FROM properties WHERE id = $p1"
expect_eq "money keeps two decimals" "80.50" "SELECT price_per_night FROM properties WHERE id = $p2"
expect_fail "zero price refused" 23514 properties_price_per_night_check "$(prop "$alice" Zero 0)"
expect_fail "negative price refused" 23514 properties_price_per_night_check "$(prop "$alice" Neg -5)"
expect_fail "price of 10 000 000 refused (365 nights must fit numeric(12,2))" 23514 \
	properties_price_per_night_check "$(prop "$alice" Huge 10000000)"
expect_fail "blank name refused" 23514 properties_name_check "$(prop "$alice" '   ' 10)"
expect_fail "empty name refused" 23514 properties_name_check "$(prop "$alice" '' 10)"
expect_fail "name over 200 characters refused" 23514 properties_name_check \
	"$(prop "$alice" "$(printf 'n%.0s' {1..201})" 10)"
expect_fail "lower-case currency refused" 23514 properties_currency_check \
	"$(prop "$alice" Cur 10 currency "'usd'")"
expect_fail "two-letter currency refused" 23514 properties_currency_check \
	"$(prop "$alice" Cur 10 currency "'US'")"
expect_fail "unknown cancellation policy refused" 23514 properties_cancellation_policy_check \
	"$(prop "$alice" Pol 10 cancellation_policy "'lenient'")"
expect_fail "max_guests 0 refused" 23514 properties_max_guests_check \
	"UPDATE properties SET max_guests = 0 WHERE id = $p1"
expect_fail "max_guests 101 refused" 23514 properties_max_guests_check \
	"UPDATE properties SET max_guests = 101 WHERE id = $p1"
expect_fail "unknown owner refused" 23503 properties_owner_id_fkey "$(prop 999999 Ghost 10)"
expect_fail "rating aggregates cannot be written directly" 23514 properties_rating_guard \
	"UPDATE properties SET rating_sum = 5, rating_count = 1 WHERE id = $p1"
expect_fail "rating aggregates cannot be inserted" 23514 properties_rating_guard \
	"$(prop "$alice" Rated 10 'rating_sum, rating_count' '5, 1')"
expect_eq "full-text search finds a word of the description (simple config)" "$p1 $p2 $p3" \
	"SELECT string_agg(id::text, ' ' ORDER BY id) FROM properties
	  WHERE is_listed AND search @@ websearch_to_tsquery('simple', 'River LOFT')"
expect_eq "full-text search finds the city" "3" \
	"SELECT count(*) FROM properties WHERE search @@ websearch_to_tsquery('simple', 'lyon')"
expect_eq "search column follows an update of the name" "$p2" \
	"UPDATE properties SET name = 'Sea View Cottage' WHERE id = $p2;
	 SELECT id FROM properties WHERE search @@ websearch_to_tsquery('simple', 'cottage')"

# ------------------------------------------------------------------ bookings

book() { # book PROPERTY GUEST START END [STATUS]
	local st=${5:-pending} ca=NULL
	[ "$st" = cancelled ] && ca='now()'
	echo "INSERT INTO bookings (property_id, guest_id, start_date, end_date, guests, total_price, currency, status, cancelled_at)
	      VALUES ($1, $2, '$3', '$4', 2, 100.00, 'USD', '$st', $ca)"
}
expect_ok "a pending booking 2030-06-01..06-05" "$(book "$p1" "$bob" 2030-06-01 2030-06-05)"
b1=$(q "SELECT id FROM bookings WHERE property_id = $p1 AND start_date = '2030-06-01'")
expect_eq "host_id is filled with the property's owner; default status pending" "$alice|pending" \
	"SELECT host_id, status FROM bookings WHERE id = $b1"
expect_fail "overlapping pending booking on the same property refused" 23P01 bookings_no_overlap \
	"$(book "$p1" "$carol" 2030-06-03 2030-06-07)"
expect_fail "a booking inside another refused" 23P01 bookings_no_overlap \
	"$(book "$p1" "$carol" 2030-06-02 2030-06-03)"
expect_fail "a booking around another refused" 23P01 bookings_no_overlap \
	"$(book "$p1" "$carol" 2030-05-20 2030-06-20)"
expect_ok "confirming the booking" "UPDATE bookings SET status = 'confirmed' WHERE id = $b1"
expect_fail "overlapping a confirmed booking refused" 23P01 bookings_no_overlap \
	"$(book "$p1" "$carol" 2030-06-04 2030-06-06)"
expect_ok "adjacent stay: check-in on the previous check-out day accepted" \
	"$(book "$p1" "$carol" 2030-06-05 2030-06-08)"
expect_ok "adjacent stay: check-out on the next check-in day accepted" \
	"$(book "$p1" "$carol" 2030-05-28 2030-06-01)"
expect_ok "same dates on a different property accepted" "$(book "$p2" "$carol" 2030-06-01 2030-06-05)"
expect_ok "a cancelled booking" "$(book "$p1" "$bob" 2030-07-01 2030-07-05 cancelled)"
expect_ok "overlap with a cancelled booking accepted" "$(book "$p1" "$carol" 2030-07-02 2030-07-04)"
expect_ok "a pending booking later declined" "$(book "$p1" "$bob" 2030-08-01 2030-08-05)"
expect_ok "declining it" "UPDATE bookings SET status = 'declined' WHERE property_id = $p1 AND start_date = '2030-08-01'"
expect_ok "overlap with a declined booking accepted" "$(book "$p1" "$carol" 2030-08-01 2030-08-05)"
expect_ok "cancelling a pending booking frees its nights" \
	"UPDATE bookings SET status = 'cancelled', cancelled_at = now() WHERE property_id = $p1 AND start_date = '2030-07-02'"
expect_ok "rebooking the freed nights" "$(book "$p1" "$bob" 2030-07-03 2030-07-04)"
expect_ok "a completed past stay" "$(book "$p1" "$bob" 2020-01-10 2020-01-15 completed)"
expect_fail "a booking overlapping a completed stay refused" 23P01 bookings_no_overlap \
	"$(book "$p1" "$carol" 2020-01-12 2020-01-13)"
expect_fail "moving a booking's dates into an overlap refused" 23P01 bookings_no_overlap \
	"UPDATE bookings SET start_date = '2030-06-02', end_date = '2030-06-06' WHERE property_id = $p1 AND start_date = '2030-06-05'"
expect_fail "end_date equal to start_date refused" 23514 bookings_dates_check \
	"$(book "$p2" "$bob" 2031-01-05 2031-01-05)"
expect_fail "end_date before start_date refused" 23514 bookings_dates_check \
	"$(book "$p2" "$bob" 2031-01-05 2031-01-04)"
expect_fail "a stay of 366 nights refused" 23514 bookings_length_check \
	"$(book "$p2" "$bob" 2031-01-01 2032-01-02)"
expect_ok "a stay of 365 nights accepted" "$(book "$p2" "$bob" 2033-01-01 2034-01-01)"
expect_fail "an infinite end_date refused" 23514 bookings_dates_finite_check \
	"$(book "$p2" "$bob" 2035-01-01 infinity)"
expect_fail "the owner booking their own property refused" 23514 bookings_guest_not_host_check \
	"$(book "$p2" "$alice" 2036-01-01 2036-01-03)"
expect_fail "a host_id given by the INSERT is replaced by the owner" 23514 bookings_guest_not_host_check \
	"INSERT INTO bookings (property_id, host_id, guest_id, start_date, end_date, guests, total_price)
	 VALUES ($p2, $bob, $alice, '2036-01-01', '2036-01-03', 1, 10)"
expect_fail "a booking of a missing property refused" 23503 bookings_property_host_fkey \
	"$(book 999999 "$bob" 2036-01-01 2036-01-03)"
expect_fail "a booking by a missing user refused" 23503 bookings_guest_id_fkey \
	"$(book "$p2" 999999 2036-01-01 2036-01-03)"
expect_fail "0 guests refused" 23514 bookings_guests_check \
	"UPDATE bookings SET guests = 0 WHERE id = $b1"
expect_fail "negative total_price refused" 23514 bookings_total_price_check \
	"UPDATE bookings SET total_price = -1 WHERE id = $b1"
expect_fail "unknown status refused" 23514 bookings_status_check \
	"$(book "$p2" "$bob" 2036-01-01 2036-01-03 approved)"
expect_fail "cancelled without cancelled_at refused" 23514 bookings_cancelled_at_check \
	"UPDATE bookings SET status = 'cancelled' WHERE id = $b1"
expect_fail "cancelled_at on a booking that is not cancelled refused" 23514 bookings_cancelled_at_check \
	"UPDATE bookings SET cancelled_at = now() WHERE id = $b1"
expect_fail "cancelled -> pending refused" 23514 bookings_status_transition \
	"UPDATE bookings SET status = 'pending', cancelled_at = NULL WHERE property_id = $p1 AND start_date = '2030-07-01'"
expect_fail "completed -> confirmed refused" 23514 bookings_status_transition \
	"UPDATE bookings SET status = 'confirmed' WHERE property_id = $p1 AND start_date = '2020-01-10'"
expect_fail "pending -> completed refused" 23514 bookings_status_transition \
	"UPDATE bookings SET status = 'completed' WHERE property_id = $p1 AND start_date = '2030-07-03'"
expect_ok "pending -> confirmed accepted" \
	"UPDATE bookings SET status = 'confirmed' WHERE property_id = $p2 AND start_date = '2033-01-01'"
expect_ok "confirmed -> completed accepted" \
	"UPDATE bookings SET status = 'completed' WHERE property_id = $p2 AND start_date = '2033-01-01'"
expect_fail "a property with bookings cannot be deleted" 23503 bookings_property_host_fkey \
	"DELETE FROM properties WHERE id = $p1"
expect_fail "a user with bookings cannot be deleted" 23503 bookings_guest_id_fkey \
	"DELETE FROM users WHERE id = $bob"
expect_fail "a user with listings cannot be deleted" 23503 properties_owner_id_fkey \
	"DELETE FROM users WHERE id = $alice"
expect_ok "a property without bookings can be deleted" "DELETE FROM properties WHERE id = $p3"
plan=$(q "SET enable_seqscan = off;
	EXPLAIN SELECT 1 FROM bookings WHERE property_id = $p1
	  AND daterange(start_date, end_date, '[)') && daterange('2030-06-01', '2030-06-10', '[)')
	  AND status IN ('pending', 'confirmed')" 2>&1)
if grep -q bookings_no_overlap <<<"$plan"; then
	ok "an availability query over pending/confirmed can use the bookings_no_overlap index"
else
	not_ok "an availability query over pending/confirmed can use the bookings_no_overlap index" "$plan"
fi
before=$(q "SELECT updated_at FROM bookings WHERE id = $b1")
q "UPDATE bookings SET guests = 3 WHERE id = $b1" >/dev/null
expect_eq "bookings.updated_at moves on update" "t" \
	"SELECT updated_at > '$before' FROM bookings WHERE id = $b1"

# ------------------------------------------------------------------ payments

pay() { # pay BOOKING USER KEY [STATUS] [extra columns] [extra values]
	echo "INSERT INTO payments (booking_id, user_id, kind, amount, currency, status, payment_method,
	      idempotency_key, request_hash${5:+, $5})
	      VALUES ($1, $2, 'charge', 100.00, 'USD', '${4:-pending}', 'pm_card_visa', $3,
	      CASE WHEN $3 IS NULL THEN NULL ELSE 'h1' END${6:+, $6})"
}
expect_ok "a pending charge with an idempotency key" "$(pay "$b1" "$bob" "'k1'")"
c1=$(q "SELECT id FROM payments WHERE idempotency_key = 'k1'")
expect_fail "the same idempotency key from the same user refused" 23505 payments_idempotency_key \
	"$(pay "$b1" "$bob" "'k1'")"
expect_fail "a second active charge of one booking refused (never charge twice)" 23505 \
	payments_one_active_charge "$(pay "$b1" "$bob" "'k2'")"
b_carol=$(q "SELECT id FROM bookings WHERE property_id = $p1 AND start_date = '2030-05-28'")
expect_fail "a payment by someone who is not the booking's guest refused" 23503 payments_booking_fkey \
	"$(pay "$b_carol" "$bob" "'k3'")"
expect_fail "a payment in another currency than the booking's refused" 23503 payments_booking_fkey \
	"INSERT INTO payments (booking_id, user_id, amount, currency, payment_method)
	 VALUES ($b_carol, $carol, 100, 'EUR', 'pm_card_visa')"
expect_fail "amount 0 refused" 23514 payments_amount_check \
	"UPDATE payments SET amount = 0 WHERE id = $c1"
expect_fail "a charge without payment_method refused" 23514 payments_charge_method_check \
	"UPDATE payments SET payment_method = NULL WHERE id = $c1"
expect_fail "an idempotency key without request_hash refused" 23514 payments_idempotency_hash_check \
	"UPDATE payments SET request_hash = NULL WHERE id = $c1"
expect_fail "completed without payment_date refused" 23514 payments_payment_date_check \
	"UPDATE payments SET status = 'completed' WHERE id = $c1"
expect_fail "failed without failure_reason refused" 23514 payments_failed_reason_check \
	"UPDATE payments SET status = 'failed' WHERE id = $c1"
expect_fail "a refund of a pending charge refused" 23514 payments_refund_within_charge \
	"INSERT INTO payments (booking_id, user_id, kind, amount, currency, status, refund_of)
	 VALUES ($b1, $bob, 'refund', 10, 'USD', 'pending', $c1)"
expect_ok "completing the charge" \
	"UPDATE payments SET status = 'completed', payment_date = now(), transaction_id = 'tx_1' WHERE id = $c1"
expect_eq "payment_method default kind charge, status completed" "charge|completed|100.00" \
	"SELECT kind, status, amount FROM payments WHERE id = $c1"
expect_fail "completed -> pending refused" 23514 payments_status_transition \
	"UPDATE payments SET status = 'pending' WHERE id = $c1"
expect_fail "completed -> failed refused" 23514 payments_status_transition \
	"UPDATE payments SET status = 'failed', failure_reason = 'x' WHERE id = $c1"
refund() { # refund CHARGE AMOUNT [KIND]
	echo "INSERT INTO payments (booking_id, user_id, kind, amount, currency, status, payment_method, refund_of)
	      VALUES ($b1, $bob, '${3:-refund}', $2, 'USD', 'pending', 'pm_card_visa', $1)"
}
expect_fail "a refund without refund_of refused" 23514 payments_refund_of_check \
	"INSERT INTO payments (booking_id, user_id, kind, amount, currency) VALUES ($b1, $bob, 'refund', 10, 'USD')"
expect_fail "a charge with refund_of refused" 23514 payments_refund_of_check \
	"$(refund "$c1" 10 charge)"
expect_ok "a partial refund of 60.00" "$(refund "$c1" 60)"
r1=$(q "SELECT id FROM payments WHERE kind = 'refund'")
expect_fail "refunds adding up to more than the charge refused" 23514 payments_refund_within_charge \
	"$(refund "$c1" 40.01)"
expect_fail "a refund of a charge of another booking refused" 23503 payments_refund_of_fkey \
	"INSERT INTO payments (booking_id, user_id, kind, amount, currency, refund_of)
	 SELECT id, guest_id, 'refund', 1, 'USD', $c1 FROM bookings WHERE property_id = $p2 AND start_date = '2030-06-01'"
expect_ok "refunds adding up to exactly the charge accepted" "$(refund "$c1" 40)"
expect_fail "a refund of a refund refused" 23514 payments_refund_within_charge "$(refund "$r1" 1)"
expect_ok "completing the refund" \
	"UPDATE payments SET status = 'completed', payment_date = now(), transaction_id = 're_1' WHERE id = $r1"
expect_fail "a refund cannot take the status refunded" 23514 payments_refund_status_check \
	"UPDATE payments SET status = 'refunded' WHERE id = $r1"
expect_ok "a charge refunded in full: completed -> refunded" \
	"UPDATE payments SET status = 'refunded' WHERE id = $c1"
expect_fail "a refunded charge still blocks a new charge of the booking" 23505 payments_one_active_charge \
	"$(pay "$b1" "$bob" "'k4'")"
b2=$(q "SELECT id FROM bookings WHERE property_id = $p1 AND start_date = '2030-07-03'")
expect_ok "a failed charge" "$(pay "$b2" "$bob" "'k5'" failed failure_reason "'card_declined'")"
expect_ok "after a failed charge, another charge of the booking is accepted" "$(pay "$b2" "$bob" "'k6'")"
expect_ok "the same idempotency key from another user is accepted" \
	"$(pay "$(q "SELECT id FROM bookings WHERE property_id = $p1 AND start_date = '2030-06-05'")" "$carol" "'k1'")"
expect_fail "a transaction_id is recorded once" 23505 payments_transaction_id_key \
	"UPDATE payments SET transaction_id = 'tx_1' WHERE idempotency_key = 'k6'"

# ------------------------------------------------------------------ reviews

done_b=$(q "SELECT id FROM bookings WHERE property_id = $p1 AND start_date = '2020-01-10'")
rev() { # rev BOOKING PROPERTY REVIEWER RATING [COMMENT]
	echo "INSERT INTO reviews (booking_id, property_id, reviewer_id, rating, comment)
	      VALUES ($1, $2, $3, $4, '${5-Lovely place}')"
}
p_before=$(q "SELECT updated_at FROM properties WHERE id = $p1")
expect_fail "a review of a booking that is not completed refused" 23514 reviews_booking_completed \
	"$(rev "$b1" "$p1" "$bob" 5)"
expect_fail "rating 0 refused" 23514 reviews_rating_check "$(rev "$done_b" "$p1" "$bob" 0)"
expect_fail "rating 6 refused" 23514 reviews_rating_check "$(rev "$done_b" "$p1" "$bob" 6)"
expect_fail "an empty comment refused" 23514 reviews_comment_check "$(rev "$done_b" "$p1" "$bob" 4 '')"
expect_fail "a comment of spaces refused" 23514 reviews_comment_check "$(rev "$done_b" "$p1" "$bob" 4 '   ')"
expect_fail "a comment over 5000 characters refused" 23514 reviews_comment_check \
	"$(rev "$done_b" "$p1" "$bob" 4 "$(printf 'c%.0s' {1..5001})")"
expect_fail "a review by someone who is not the booking's guest refused" 23503 reviews_booking_fkey \
	"$(rev "$done_b" "$p1" "$carol" 4)"
expect_fail "a review naming another property than the booking's refused" 23503 reviews_booking_fkey \
	"$(rev "$done_b" "$p2" "$bob" 4)"
expect_ok "a review of a completed stay by its guest" "$(rev "$done_b" "$p1" "$bob" 4)"
expect_fail "a second review of one booking refused" 23505 reviews_booking_id_key \
	"$(rev "$done_b" "$p1" "$bob" 5)"
done_b2=$(q "SELECT id FROM bookings WHERE property_id = $p2 AND start_date = '2033-01-01'")
expect_ok "a review of another property" "$(rev "$done_b2" "$p2" "$bob" 5)"
expect_ok "insert one more completed stay and review it" \
	"WITH b AS ($(book "$p1" "$carol" 2019-01-01 2019-01-03 completed) RETURNING id)
	 INSERT INTO reviews (booking_id, property_id, reviewer_id, rating, comment)
	 SELECT id, $p1, $carol, 5, 'Great' FROM b"
expect_eq "the reviews trigger keeps rating_sum, rating_count and rating_avg" "9|2|4.50" \
	"SELECT rating_sum, rating_count, rating_avg FROM properties WHERE id = $p1"
expect_eq "a review does not move the property's updated_at" "$p_before" \
	"SELECT updated_at FROM properties WHERE id = $p1"
expect_ok "changing a rating" "UPDATE reviews SET rating = 1 WHERE booking_id = $done_b"
expect_ok "deleting a review (moderation)" "DELETE FROM reviews WHERE booking_id = $done_b2"
expect_eq "aggregates follow updates and deletes" "6|2|3.00 0|0|" \
	"SELECT string_agg(concat_ws('|', rating_sum, rating_count, coalesce(rating_avg::text, '')), ' ' ORDER BY id)
	   FROM properties WHERE id IN ($p1, $p2)"
expect_ok "an operator can repair the aggregates with innkeep.rating_repair" \
	"UPDATE properties SET rating_sum = 6, rating_count = 2
	  WHERE id = $p1 AND set_config('innkeep.rating_repair', 'on', true) = 'on'"

# ------------------------------------------------------------------ sessions, tokens

hash() { echo "sha256('$1'::bytea)"; }
expect_ok "a session of a user" \
	"INSERT INTO sessions (user_id, token_hash, csrf_token, expires_at)
	 VALUES ($dave, $(hash s1), 'csrf-0123456789abcdef', now() + interval '14 days')"
expect_ok "an anonymous session (CSRF token before login)" \
	"INSERT INTO sessions (token_hash, csrf_token, expires_at)
	 VALUES ($(hash s2), 'csrf-0123456789abcdef', now() + interval '1 day')"
expect_fail "a session token hash that is not 32 bytes refused" 23514 sessions_token_hash_check \
	"INSERT INTO sessions (token_hash, csrf_token, expires_at) VALUES ('\\x0102', 'csrf-0123456789abcdef', now())"
expect_fail "a duplicate session token hash refused" 23505 sessions_token_hash_key \
	"INSERT INTO sessions (token_hash, csrf_token, expires_at) VALUES ($(hash s1), 'csrf-0123456789abcdef', now())"
expect_fail "a short CSRF token refused" 23514 sessions_csrf_token_check \
	"INSERT INTO sessions (token_hash, csrf_token, expires_at) VALUES ($(hash s3), 'short', now())"
expect_ok "an API token" \
	"INSERT INTO api_tokens (user_id, name, token_hash) VALUES ($dave, 'laptop', $(hash t1))"
expect_fail "an API token with a blank name refused" 23514 api_tokens_name_check \
	"INSERT INTO api_tokens (user_id, name, token_hash) VALUES ($dave, ' ', $(hash t2))"
expect_fail "a duplicate API token hash refused" 23505 api_tokens_token_hash_key \
	"INSERT INTO api_tokens (user_id, name, token_hash) VALUES ($carol, 'x', $(hash t1))"
expect_fail "an API token hash that is not 32 bytes refused" 23514 api_tokens_token_hash_check \
	"INSERT INTO api_tokens (user_id, name, token_hash) VALUES ($carol, 'x', '\\x00')"

# ------------------------------------------------------------------ notifications

expect_ok "a notification" \
	"INSERT INTO notifications (user_id, kind, message, booking_id, property_id)
	 VALUES ($dave, 'booking_confirmed', 'Your booking of Cozy Loft for 4 nights is confirmed', $b1, $p1)"
expect_eq "notification defaults: unread, not e-mailed" "f|" \
	"SELECT read, emailed_at FROM notifications WHERE user_id = $dave"
expect_fail "an unknown notification kind refused" 23514 notifications_kind_check \
	"INSERT INTO notifications (user_id, kind, message) VALUES ($dave, 'hello', 'x')"
expect_fail "an empty notification message refused" 23514 notifications_message_check \
	"INSERT INTO notifications (user_id, kind, message) VALUES ($dave, 'payment_failed', '')"
expect_ok "deleting a user without bookings" "DELETE FROM users WHERE id = $dave"
expect_eq "their sessions, API tokens and notifications went with them" "0|0|0" \
	"SELECT (SELECT count(*) FROM sessions WHERE user_id = $dave),
	        (SELECT count(*) FROM api_tokens WHERE user_id = $dave),
	        (SELECT count(*) FROM notifications WHERE user_id = $dave)"

# ------------------------------------------------------------------ jobs

out=$(printf '%s\n' "LISTEN innkeep_jobs;" \
	"INSERT INTO jobs (kind, payload) VALUES ('payment_charge', '{\"payment_id\": 1}');" \
	"SELECT 'done';" | "$PSQL" -X -q -At 2>&1)
if grep -q 'Asynchronous notification "innkeep_jobs" with payload "payment_charge"' <<<"$out"; then
	ok "inserting a job sends NOTIFY innkeep_jobs with the kind as payload"
else
	not_ok "inserting a job sends NOTIFY innkeep_jobs with the kind as payload" "$out"
fi
expect_eq "job defaults: queued, 0 of 8 attempts, run now" "queued|0|8|t" \
	"SELECT status, attempts, max_attempts, run_at <= now() FROM jobs WHERE kind = 'payment_charge'"
expect_ok "a job with a dedupe key" \
	"INSERT INTO jobs (kind, dedupe_key) VALUES ('notify', 'booking:1:confirmed')"
expect_fail "the same dedupe key again refused" 23505 jobs_dedupe_key_key \
	"INSERT INTO jobs (kind, dedupe_key) VALUES ('notify', 'booking:1:confirmed')"
expect_ok "ON CONFLICT (dedupe_key) DO NOTHING enqueues idempotently" \
	"INSERT INTO jobs (kind, dedupe_key) VALUES ('notify', 'booking:1:confirmed') ON CONFLICT (dedupe_key) DO NOTHING"
expect_fail "a payload that is not an object refused" 23514 jobs_payload_check \
	"INSERT INTO jobs (kind, payload) VALUES ('notify', '[1]')"
expect_fail "an unknown job status refused" 23514 jobs_status_check \
	"UPDATE jobs SET status = 'paused'"
expect_fail "a running job without locked_at/locked_by refused" 23514 jobs_running_locked_check \
	"UPDATE jobs SET status = 'running' WHERE kind = 'payment_charge'"
expect_fail "a job kind with spaces refused" 23514 jobs_kind_check \
	"INSERT INTO jobs (kind) VALUES ('send mail')"
plan=$(q "SET enable_seqscan = off; EXPLAIN SELECT id FROM jobs WHERE status = 'queued' AND run_at <= now()
	ORDER BY run_at, id LIMIT 10 FOR UPDATE SKIP LOCKED" 2>&1)
if grep -q jobs_queued_idx <<<"$plan"; then ok "the claim query can use jobs_queued_idx"
else not_ok "the claim query can use jobs_queued_idx" "$plan"; fi

# ------------------------------------------------------------------ login_attempts

expect_ok "a login throttle counter" \
	"INSERT INTO login_attempts (key, failed_count) VALUES ('account:bob', 1)
	 ON CONFLICT (key) DO UPDATE SET failed_count = login_attempts.failed_count + 1"
expect_ok "the same counter again (upsert)" \
	"INSERT INTO login_attempts (key, failed_count) VALUES ('account:bob', 1)
	 ON CONFLICT (key) DO UPDATE SET failed_count = login_attempts.failed_count + 1"
expect_eq "the upsert counted twice" "2" "SELECT failed_count FROM login_attempts WHERE key = 'account:bob'"
expect_fail "a duplicate key refused" 23505 login_attempts_pkey \
	"INSERT INTO login_attempts (key) VALUES ('account:bob')"
expect_fail "a negative count refused" 23514 login_attempts_failed_count_check \
	"UPDATE login_attempts SET failed_count = -1"

# ------------------------------------------------------------------ concurrency

# Session A inserts a booking and holds its transaction open; session B inserts an
# overlapping booking: B must wait for A (a lock wait, not a wrong answer) and fail
# with 23P01 once A commits.
"$PSQL" -X -q -At -v ON_ERROR_STOP=1 >"${tmp:-/tmp}/conc_a.$$" 2>&1 <<SQL &
SET application_name = 'innkeep_test_a';
BEGIN;
$(book "$p2" "$carol" 2040-03-01 2040-03-10);
SELECT pg_sleep(3);
COMMIT;
SQL
pid_a=$!; bg_pids+=("$pid_a")
for _ in $(seq 1 100); do
	[ "$(q "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'innkeep_test_a' AND wait_event = 'PgSleep'")" = 1 ] && break
	sleep 0.05
done
printf '%s\n' "SET application_name = 'innkeep_test_b';" "SELECT innkeep_test.try(:'sql');" |
	"$PSQL" -X -q -At -v sql="$(book "$p2" "$bob" 2040-03-05 2040-03-12)" >"${tmp:-/tmp}/conc_b.$$" 2>&1 &
pid_b=$!; bg_pids+=("$pid_b")
waited=
for _ in $(seq 1 100); do
	if [ "$(q "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'innkeep_test_b' AND wait_event_type = 'Lock'")" = 1 ]; then
		waited=1; break
	fi
	sleep 0.05
done
wait "$pid_a"; rc_a=$?
wait "$pid_b"
res_b=$(cat "${tmp:-/tmp}/conc_b.$$"); out_a=$(cat "${tmp:-/tmp}/conc_a.$$")
rm -f "${tmp:-/tmp}/conc_a.$$" "${tmp:-/tmp}/conc_b.$$"
bg_pids=()
if [ -n "$waited" ]; then ok "a concurrent overlapping insert waits for the first transaction"
else not_ok "a concurrent overlapping insert waits for the first transaction"; fi
if [ "$rc_a" -eq 0 ] && [ "${res_b%%|*}" = "23P01 bookings_no_overlap" ]; then
	ok "...and then fails with 23P01 bookings_no_overlap while the first commits"
else
	not_ok "...and then fails with 23P01 bookings_no_overlap while the first commits" "A: $out_a" "B: $res_b"
fi
expect_eq "exactly one of the two concurrent bookings exists" "1" \
	"SELECT count(*) FROM bookings WHERE property_id = $p2 AND start_date >= '2040-01-01'"

# ------------------------------------------------------------------ done

echo "1..$n"
if [ "$failed" -gt 0 ]; then
	echo "# $failed of $n checks failed"
	exit 1
fi
exit 0
