-- 0004_bookings.sql: stays, and the rule that two active bookings of one property
-- never share a night.

CREATE TABLE bookings (
	id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	property_id  bigint NOT NULL,
	-- The property's owner, copied in by the bookings_set_host trigger (any value
	-- the INSERT gives is replaced) and held equal to properties.owner_id by the
	-- composite foreign key below. It lets "GET /bookings?role=host" read one index,
	-- and makes "the owner cannot book their own place" a plain CHECK.
	host_id      bigint NOT NULL,
	guest_id     bigint NOT NULL CONSTRAINT bookings_guest_id_fkey REFERENCES users (id),
	-- A stay [start_date, end_date): the check-out day is free for the next check-in.
	start_date   date NOT NULL,
	end_date     date NOT NULL,
	guests       integer NOT NULL CONSTRAINT bookings_guests_check CHECK (guests BETWEEN 1 AND 100),
	-- nights x price_per_night at booking time (a snapshot: later price edits do not
	-- change it).
	total_price  numeric(12,2) NOT NULL CONSTRAINT bookings_total_price_check CHECK (total_price >= 0),
	currency     char(3) NOT NULL DEFAULT 'USD'
	             CONSTRAINT bookings_currency_check CHECK (currency ~ '^[A-Z]{3}$'),
	status       text NOT NULL DEFAULT 'pending'
	             CONSTRAINT bookings_status_check
	             CHECK (status IN ('pending', 'confirmed', 'cancelled', 'declined', 'completed')),
	created_at   timestamptz NOT NULL DEFAULT now(),
	updated_at   timestamptz NOT NULL DEFAULT now(),
	-- When an unpaid pending booking lapses (the worker cancels it); NULL = never.
	expires_at   timestamptz,
	-- Set exactly when status = 'cancelled' (bookings_cancelled_at_check).
	cancelled_at timestamptz,

	-- 'infinity' is a valid date in PostgreSQL; a stay is not.
	CONSTRAINT bookings_dates_finite_check CHECK (isfinite(start_date) AND isfinite(end_date)),
	CONSTRAINT bookings_dates_check CHECK (end_date > start_date),
	-- CASE so that an infinite date fails the check above, not with a date error here.
	CONSTRAINT bookings_length_check CHECK (
		CASE WHEN isfinite(start_date) AND isfinite(end_date)
		     THEN end_date - start_date <= 365 ELSE false END),
	CONSTRAINT bookings_guest_not_host_check CHECK (guest_id <> host_id),
	CONSTRAINT bookings_cancelled_at_check CHECK ((status = 'cancelled') = (cancelled_at IS NOT NULL)),
	CONSTRAINT bookings_property_host_fkey FOREIGN KEY (property_id, host_id)
		REFERENCES properties (id, owner_id) ON UPDATE CASCADE,

	-- THE RULE. Two bookings of one property whose night ranges overlap cannot both
	-- be active. Pending bookings hold their nights (the guest is paying), so they
	-- count. 'completed' counts too: a completed stay is a night that was really
	-- used, in the past, so in normal operation it cannot meet a new booking (those
	-- start today or later), and the transition confirmed -> completed never has to
	-- be re-checked; keeping it in the rule refuses a back-dated booking of nights
	-- that were already sold, whatever the code or an operator does. Cancelled and
	-- declined bookings free their nights.
	-- Inserting or updating into an overlap fails with SQLSTATE 23P01
	-- (exclusion_violation); a concurrent overlapping INSERT waits for the first
	-- transaction and then fails (or succeeds if the first rolled back).
	-- Availability queries that want this index must repeat the predicate:
	--   ... WHERE property_id = $1
	--       AND daterange(start_date, end_date, '[)') && daterange($2, $3, '[)')
	--       AND status IN ('pending', 'confirmed', 'completed')
	CONSTRAINT bookings_no_overlap EXCLUDE USING gist (
		property_id WITH =,
		daterange(start_date, end_date, '[)') WITH &&
	) WHERE (status IN ('pending', 'confirmed', 'completed')),

	-- Targets of the composite foreign keys of payments and reviews (a payment is
	-- made by the booking's guest in the booking's currency; a review is written by
	-- the booking's guest about the booking's property).
	CONSTRAINT bookings_id_guest_currency_key UNIQUE (id, guest_id, currency),
	CONSTRAINT bookings_id_property_guest_key UNIQUE (id, property_id, guest_id)
);

CREATE INDEX bookings_guest_idx ON bookings (guest_id, created_at DESC, id DESC);
CREATE INDEX bookings_host_idx ON bookings (host_id, created_at DESC, id DESC);
CREATE INDEX bookings_property_start_idx ON bookings (property_id, start_date);
-- Worker: lapse unpaid pending bookings, complete finished stays.
CREATE INDEX bookings_pending_expiry_idx ON bookings (expires_at)
	WHERE status = 'pending' AND expires_at IS NOT NULL;
CREATE INDEX bookings_confirmed_end_idx ON bookings (end_date) WHERE status = 'confirmed';

-- host_id is always the property's current owner; a missing property is reported
-- as the foreign key violation it is (23503), not as a NULL host_id.
CREATE FUNCTION bookings_set_host() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
	owner bigint;
BEGIN
	SELECT p.owner_id INTO owner FROM properties p WHERE p.id = NEW.property_id;
	IF NOT FOUND THEN
		RAISE EXCEPTION 'property % does not exist', NEW.property_id
			USING ERRCODE = 'foreign_key_violation', CONSTRAINT = 'bookings_property_host_fkey',
			      TABLE = 'bookings', SCHEMA = TG_TABLE_SCHEMA;
	END IF;
	NEW.host_id := owner;
	RETURN NEW;
END
$$;
CREATE TRIGGER bookings_set_host BEFORE INSERT OR UPDATE OF property_id ON bookings
	FOR EACH ROW EXECUTE FUNCTION bookings_set_host();

-- The life cycle of section 5: pending -> confirmed | cancelled | declined,
-- confirmed -> cancelled | completed; cancelled, declined and completed are final.
-- Any other change of status fails with 23514 (check_violation), constraint
-- bookings_status_transition. INSERT may use any status (demo data, imports).
CREATE FUNCTION bookings_status_transition() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
	IF NEW.status IS DISTINCT FROM OLD.status AND NOT (
		   (OLD.status = 'pending'   AND NEW.status IN ('confirmed', 'cancelled', 'declined'))
		OR (OLD.status = 'confirmed' AND NEW.status IN ('cancelled', 'completed')))
	THEN
		RAISE EXCEPTION 'booking % cannot go from % to %', OLD.id, OLD.status, NEW.status
			USING ERRCODE = 'check_violation', CONSTRAINT = 'bookings_status_transition',
			      TABLE = 'bookings', SCHEMA = TG_TABLE_SCHEMA;
	END IF;
	RETURN NEW;
END
$$;
CREATE TRIGGER bookings_status_transition BEFORE UPDATE OF status ON bookings
	FOR EACH ROW EXECUTE FUNCTION bookings_status_transition();

CREATE TRIGGER bookings_set_updated_at BEFORE UPDATE ON bookings
	FOR EACH ROW EXECUTE FUNCTION set_updated_at();

COMMENT ON TABLE bookings IS
	'Stays [start_date, end_date). Never deleted. bookings_no_overlap: no two pending/confirmed/completed bookings of one property share a night (23P01).';
COMMENT ON COLUMN bookings.host_id IS 'Owner of the property; filled by trigger bookings_set_host, kept equal by bookings_property_host_fkey.';
COMMENT ON COLUMN bookings.total_price IS 'nights x price_per_night at booking time, in currency.';
COMMENT ON COLUMN bookings.expires_at IS 'Deadline for paying a pending booking; the worker cancels it after.';
COMMENT ON COLUMN bookings.cancelled_at IS 'Set if and only if status = cancelled.';
COMMENT ON CONSTRAINT bookings_no_overlap ON bookings IS
	'Two active (pending, confirmed, completed) bookings of one property never share a night; SQLSTATE 23P01 -> 409 conflict.';
