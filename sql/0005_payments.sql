-- 0005_payments.sql: charges and refunds of bookings.

CREATE TABLE payments (
	id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	booking_id      bigint NOT NULL,
	-- Who paid: always the booking's guest (refunds go back to them), held by
	-- payments_booking_fkey together with the currency.
	user_id         bigint NOT NULL,
	kind            text NOT NULL DEFAULT 'charge'
	                CONSTRAINT payments_kind_check CHECK (kind IN ('charge', 'refund')),
	amount          numeric(12,2) NOT NULL CONSTRAINT payments_amount_check CHECK (amount > 0),
	currency        char(3) NOT NULL
	                CONSTRAINT payments_currency_check CHECK (currency ~ '^[A-Z]{3}$'),
	-- 'refunded' is the status of a charge refunded in full.
	status          text NOT NULL DEFAULT 'pending'
	                CONSTRAINT payments_status_check
	                CHECK (status IN ('pending', 'completed', 'failed', 'refunded')),
	-- The gateway token (e.g. pm_card_visa); required for charges.
	payment_method  text CONSTRAINT payments_payment_method_check
	                CHECK (char_length(payment_method) BETWEEN 1 AND 200),
	-- The gateway's id of the operation, once it has one; one gateway operation
	-- is never recorded twice.
	transaction_id  text CONSTRAINT payments_transaction_id_key UNIQUE
	                CONSTRAINT payments_transaction_id_check CHECK (char_length(transaction_id) BETWEEN 1 AND 200),
	-- The client's Idempotency-Key, unique per user (payments_idempotency_key);
	-- request_hash is a digest of the request it came with, so that a reused key
	-- with another body can be told apart from a retry.
	idempotency_key text CONSTRAINT payments_idempotency_key_check
	                CHECK (char_length(idempotency_key) BETWEEN 1 AND 255),
	request_hash    text CONSTRAINT payments_request_hash_check
	                CHECK (char_length(request_hash) BETWEEN 1 AND 255),
	-- Gateway reason of a failure, e.g. card_declined, insufficient_funds.
	failure_reason  text CONSTRAINT payments_failure_reason_check
	                CHECK (char_length(failure_reason) BETWEEN 1 AND 200),
	-- For a refund: the charge it gives money back from.
	refund_of       bigint,
	-- When the payment completed (charges and refunds).
	payment_date    timestamptz,
	created_at      timestamptz NOT NULL DEFAULT now(),
	updated_at      timestamptz NOT NULL DEFAULT now(),

	CONSTRAINT payments_booking_fkey FOREIGN KEY (booking_id, user_id, currency)
		REFERENCES bookings (id, guest_id, currency),
	-- A refund belongs to the same booking and currency as its charge; that it is a
	-- charge, and that refunds never exceed it, is the trigger's job below.
	CONSTRAINT payments_refund_of_fkey FOREIGN KEY (refund_of, booking_id, currency)
		REFERENCES payments (id, booking_id, currency),
	CONSTRAINT payments_id_booking_currency_key UNIQUE (id, booking_id, currency),
	-- The same Idempotency-Key from the same user names one payment (23505).
	CONSTRAINT payments_idempotency_key UNIQUE (user_id, idempotency_key),
	CONSTRAINT payments_refund_of_check CHECK ((kind = 'refund') = (refund_of IS NOT NULL)),
	CONSTRAINT payments_charge_method_check CHECK (kind <> 'charge' OR payment_method IS NOT NULL),
	CONSTRAINT payments_refund_status_check CHECK (kind = 'charge' OR status <> 'refunded'),
	CONSTRAINT payments_payment_date_check
		CHECK (status NOT IN ('completed', 'refunded') OR payment_date IS NOT NULL),
	CONSTRAINT payments_failed_reason_check CHECK (status <> 'failed' OR failure_reason IS NOT NULL),
	CONSTRAINT payments_idempotency_hash_check CHECK (idempotency_key IS NULL OR request_hash IS NOT NULL)
);

-- Never charge a booking twice, whatever Idempotency-Keys the client sends: at most
-- one charge per booking that is pending, completed or refunded. A failed charge
-- does not count, so the guest can try another card. (23505)
CREATE UNIQUE INDEX payments_one_active_charge ON payments (booking_id)
	WHERE kind = 'charge' AND status IN ('pending', 'completed', 'refunded');
CREATE INDEX payments_booking_idx ON payments (booking_id, created_at, id);
CREATE INDEX payments_refund_of_idx ON payments (refund_of) WHERE refund_of IS NOT NULL;
CREATE INDEX payments_pending_idx ON payments (created_at) WHERE status = 'pending';

-- Refunds: refund_of names a completed (or fully refunded) charge, and the refunds
-- of a charge that are not failed never add up to more than the charge. The charge
-- row is locked (FOR NO KEY UPDATE) so that two concurrent refunds are counted one
-- after the other. Violations: 23514, constraint payments_refund_within_charge.
CREATE FUNCTION payments_refund_check() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
	charge payments%ROWTYPE;
	refunded numeric;
BEGIN
	SELECT * INTO charge FROM payments WHERE id = NEW.refund_of FOR NO KEY UPDATE;
	IF NOT FOUND THEN
		RETURN NEW;  -- the foreign key reports it
	END IF;
	IF charge.kind <> 'charge' THEN
		RAISE EXCEPTION 'payment % is not a charge', charge.id
			USING ERRCODE = 'check_violation', CONSTRAINT = 'payments_refund_within_charge',
			      TABLE = 'payments', SCHEMA = TG_TABLE_SCHEMA;
	END IF;
	IF TG_OP = 'INSERT' AND charge.status NOT IN ('completed', 'refunded') THEN
		RAISE EXCEPTION 'charge % is %, not completed', charge.id, charge.status
			USING ERRCODE = 'check_violation', CONSTRAINT = 'payments_refund_within_charge',
			      TABLE = 'payments', SCHEMA = TG_TABLE_SCHEMA;
	END IF;
	IF NEW.status <> 'failed' THEN
		SELECT coalesce(sum(amount), 0) INTO refunded FROM payments
		 WHERE refund_of = charge.id AND kind = 'refund' AND status <> 'failed'
		   AND id IS DISTINCT FROM NEW.id;
		IF refunded + NEW.amount > charge.amount THEN
			RAISE EXCEPTION 'refunds of charge % would exceed %', charge.id, charge.amount
				USING ERRCODE = 'check_violation', CONSTRAINT = 'payments_refund_within_charge',
				      TABLE = 'payments', SCHEMA = TG_TABLE_SCHEMA;
		END IF;
	END IF;
	RETURN NEW;
END
$$;
CREATE TRIGGER payments_refund_check
	BEFORE INSERT OR UPDATE OF kind, amount, status, refund_of ON payments
	FOR EACH ROW WHEN (NEW.kind = 'refund')
	EXECUTE FUNCTION payments_refund_check();

-- Life cycle: pending -> completed | failed; a completed charge -> refunded;
-- failed and refunded are final. Violations: 23514, payments_status_transition.
CREATE FUNCTION payments_status_transition() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
	IF NEW.status IS DISTINCT FROM OLD.status AND NOT (
		   (OLD.status = 'pending'   AND NEW.status IN ('completed', 'failed'))
		OR (OLD.status = 'completed' AND NEW.status = 'refunded'))
	THEN
		RAISE EXCEPTION 'payment % cannot go from % to %', OLD.id, OLD.status, NEW.status
			USING ERRCODE = 'check_violation', CONSTRAINT = 'payments_status_transition',
			      TABLE = 'payments', SCHEMA = TG_TABLE_SCHEMA;
	END IF;
	RETURN NEW;
END
$$;
CREATE TRIGGER payments_status_transition BEFORE UPDATE OF status ON payments
	FOR EACH ROW EXECUTE FUNCTION payments_status_transition();

CREATE TRIGGER payments_set_updated_at BEFORE UPDATE ON payments
	FOR EACH ROW EXECUTE FUNCTION set_updated_at();

COMMENT ON TABLE payments IS
	'Charges and refunds of bookings, processed by the worker through the gateway. Never deleted.';
COMMENT ON COLUMN payments.user_id IS 'The booking''s guest (payments_booking_fkey).';
COMMENT ON COLUMN payments.idempotency_key IS 'Client Idempotency-Key; unique per user (payments_idempotency_key).';
COMMENT ON COLUMN payments.request_hash IS 'Digest of the request body sent with idempotency_key; required when the key is set.';
COMMENT ON COLUMN payments.refund_of IS 'For kind = refund: the charge refunded (same booking and currency).';
COMMENT ON INDEX payments_one_active_charge IS
	'At most one pending/completed/refunded charge per booking: never charge twice.';
