-- 0008_jobs_notifications.sql: the background job queue and users' notifications.

CREATE TABLE jobs (
	id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	-- What to do, e.g. payment_charge, payment_refund, notify, email,
	-- bookings_complete: a lower-case identifier the worker dispatches on.
	kind          text NOT NULL
	              CONSTRAINT jobs_kind_check CHECK (kind ~ '^[a-z][a-z0-9_.:-]{0,63}$'),
	payload       jsonb NOT NULL DEFAULT '{}'
	              CONSTRAINT jobs_payload_check CHECK (jsonb_typeof(payload) = 'object'),
	-- queued -> running -> done, or back to queued (retry with a later run_at), or
	-- dead after max_attempts.
	status        text NOT NULL DEFAULT 'queued'
	              CONSTRAINT jobs_status_check CHECK (status IN ('queued', 'running', 'done', 'dead')),
	attempts      integer NOT NULL DEFAULT 0 CONSTRAINT jobs_attempts_check CHECK (attempts >= 0),
	max_attempts  integer NOT NULL DEFAULT 8
	              CONSTRAINT jobs_max_attempts_check CHECK (max_attempts BETWEEN 1 AND 100),
	run_at        timestamptz NOT NULL DEFAULT now(),
	locked_at     timestamptz,
	locked_by     text,
	last_error    text,
	-- Enqueue idempotently: INSERT ... ON CONFLICT (dedupe_key) DO NOTHING. The key
	-- stays taken after the job is done, so the same work is never enqueued twice.
	dedupe_key    text CONSTRAINT jobs_dedupe_key_key UNIQUE
	              CONSTRAINT jobs_dedupe_key_check CHECK (char_length(dedupe_key) BETWEEN 1 AND 200),
	created_at    timestamptz NOT NULL DEFAULT now(),
	updated_at    timestamptz NOT NULL DEFAULT now(),
	-- A running job says who runs it since when (for stale-lock recovery).
	CONSTRAINT jobs_running_locked_check
		CHECK (status <> 'running' OR (locked_at IS NOT NULL AND locked_by IS NOT NULL))
);

-- The worker's claim query:
--   SELECT ... FROM jobs WHERE status = 'queued' AND run_at <= now()
--   ORDER BY run_at, id LIMIT n FOR UPDATE SKIP LOCKED
CREATE INDEX jobs_queued_idx ON jobs (run_at, id) WHERE status = 'queued';
-- Recovering jobs of a worker that died while running them.
CREATE INDEX jobs_running_idx ON jobs (locked_at) WHERE status = 'running';

CREATE TRIGGER jobs_set_updated_at BEFORE UPDATE ON jobs
	FOR EACH ROW EXECUTE FUNCTION set_updated_at();

-- Wake the worker (LISTEN innkeep_jobs) when a job is enqueued. NOTIFY is delivered
-- at commit, so the worker never sees a job before its row is visible; identical
-- payloads of one transaction are folded into one notification.
CREATE FUNCTION jobs_notify() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
	PERFORM pg_notify('innkeep_jobs', NEW.kind);
	RETURN NULL;
END
$$;
CREATE TRIGGER jobs_notify AFTER INSERT ON jobs
	FOR EACH ROW EXECUTE FUNCTION jobs_notify();

COMMENT ON TABLE jobs IS
	'Background job queue: enqueued in the transaction of the change that needs it, claimed with FOR UPDATE SKIP LOCKED, woken by NOTIFY innkeep_jobs (payload: kind).';
COMMENT ON COLUMN jobs.dedupe_key IS 'Optional; unique: enqueue with ON CONFLICT (dedupe_key) DO NOTHING.';

CREATE TABLE notifications (
	id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	user_id     bigint NOT NULL CONSTRAINT notifications_user_id_fkey REFERENCES users (id) ON DELETE CASCADE,
	kind        text NOT NULL
	            CONSTRAINT notifications_kind_check CHECK (kind IN (
	                'booking_requested', 'booking_confirmed', 'booking_cancelled',
	                'booking_declined', 'payment_completed', 'payment_failed',
	                'payment_refunded', 'review_received')),
	message     text NOT NULL
	            CONSTRAINT notifications_message_check CHECK (char_length(message) BETWEEN 1 AND 1000),
	booking_id  bigint CONSTRAINT notifications_booking_id_fkey REFERENCES bookings (id),
	-- SET NULL: a listing without bookings may be deleted; its notifications stay.
	property_id bigint CONSTRAINT notifications_property_id_fkey
	            REFERENCES properties (id) ON DELETE SET NULL,
	read        boolean NOT NULL DEFAULT false,
	-- When the e-mail copy was sent; NULL = not (yet) e-mailed.
	emailed_at  timestamptz,
	created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX notifications_user_idx ON notifications (user_id, created_at DESC, id DESC);
CREATE INDEX notifications_unread_idx ON notifications (user_id) WHERE NOT read;
CREATE INDEX notifications_booking_idx ON notifications (booking_id) WHERE booking_id IS NOT NULL;
CREATE INDEX notifications_property_idx ON notifications (property_id) WHERE property_id IS NOT NULL;

COMMENT ON TABLE notifications IS
	'What happened to a user''s bookings and listings, newest first; written by the worker, deleted with their user.';
