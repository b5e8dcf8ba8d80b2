-- 0001_extensions.sql: extensions and the functions every later table shares.
--
-- Run by `innkeep migrate` inside one transaction (no BEGIN/COMMIT here).

-- btree_gist gives GiST operator classes for plain scalar types (bigint, text, ...),
-- so that one exclusion constraint can say "same property_id (=) AND overlapping
-- date range (&&)": see bookings_no_overlap in 0004_bookings.sql. It is a trusted
-- extension since PostgreSQL 13: a database owner may create it without superuser.
CREATE EXTENSION IF NOT EXISTS btree_gist;

-- set_updated_at(): BEFORE UPDATE trigger function that stamps updated_at with the
-- transaction time. Attached to every table that has an updated_at column, so no
-- handler has to remember it (and none can forget it).
CREATE FUNCTION set_updated_at() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
	NEW.updated_at := now();
	RETURN NEW;
END
$$;
COMMENT ON FUNCTION set_updated_at() IS
	'BEFORE UPDATE trigger: sets NEW.updated_at = now() (transaction start time).';
