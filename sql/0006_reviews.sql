-- 0006_reviews.sql: guests' reviews of completed stays, and the rating aggregates
-- of properties.

CREATE TABLE reviews (
	id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	property_id  bigint NOT NULL CONSTRAINT reviews_property_id_fkey REFERENCES properties (id),
	-- One review per booking (23505).
	booking_id   bigint NOT NULL CONSTRAINT reviews_booking_id_key UNIQUE,
	reviewer_id  bigint NOT NULL CONSTRAINT reviews_reviewer_id_fkey REFERENCES users (id),
	rating       smallint NOT NULL CONSTRAINT reviews_rating_check CHECK (rating BETWEEN 1 AND 5),
	comment      text NOT NULL
	             CONSTRAINT reviews_comment_check
	             CHECK (char_length(comment) BETWEEN 1 AND 5000 AND comment ~ '[^[:space:]]'),
	created_at   timestamptz NOT NULL DEFAULT now(),
	-- The review is about the booking's property and written by the booking's guest.
	CONSTRAINT reviews_booking_fkey FOREIGN KEY (booking_id, property_id, reviewer_id)
		REFERENCES bookings (id, property_id, guest_id)
);

CREATE INDEX reviews_property_idx ON reviews (property_id, created_at DESC, id DESC);
-- "reviews written" on the public profile.
CREATE INDEX reviews_reviewer_idx ON reviews (reviewer_id, created_at DESC, id DESC);

-- Only a completed stay can be reviewed: 23514, constraint reviews_booking_completed.
-- (A completed booking stays completed, so there is no race to lock against.)
CREATE FUNCTION reviews_booking_completed() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
	st text;
BEGIN
	SELECT b.status INTO st FROM bookings b WHERE b.id = NEW.booking_id;
	IF FOUND AND st <> 'completed' THEN
		RAISE EXCEPTION 'booking % is %, not completed', NEW.booking_id, st
			USING ERRCODE = 'check_violation', CONSTRAINT = 'reviews_booking_completed',
			      TABLE = 'reviews', SCHEMA = TG_TABLE_SCHEMA;
	END IF;
	RETURN NEW;  -- a missing booking is reported by reviews_booking_fkey
END
$$;
CREATE TRIGGER reviews_booking_completed BEFORE INSERT OR UPDATE OF booking_id ON reviews
	FOR EACH ROW EXECUTE FUNCTION reviews_booking_completed();

-- properties.rating_sum / rating_count follow every insert, update and delete of a
-- review, in the same transaction. Handlers must NOT update them (the guard on
-- properties refuses it). The UPDATE locks the property row, so concurrent reviews
-- of one property are added one after the other.
CREATE FUNCTION reviews_rating_aggregate() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
	IF TG_OP IN ('UPDATE', 'DELETE') THEN
		UPDATE properties SET rating_sum = rating_sum - OLD.rating,
		                      rating_count = rating_count - 1
		 WHERE id = OLD.property_id;
	END IF;
	IF TG_OP IN ('INSERT', 'UPDATE') THEN
		UPDATE properties SET rating_sum = rating_sum + NEW.rating,
		                      rating_count = rating_count + 1
		 WHERE id = NEW.property_id;
	END IF;
	RETURN NULL;
END
$$;
CREATE TRIGGER reviews_rating_aggregate
	AFTER INSERT OR UPDATE OF rating, property_id OR DELETE ON reviews
	FOR EACH ROW EXECUTE FUNCTION reviews_rating_aggregate();

COMMENT ON TABLE reviews IS
	'One review per completed booking, by its guest, about its property. Inserting keeps properties.rating_sum/rating_count up to date (trigger).';
COMMENT ON COLUMN reviews.rating IS '1 to 5 (reviews_rating_check).';
COMMENT ON COLUMN reviews.comment IS '1 to 5000 characters, not only spaces (reviews_comment_check).';
