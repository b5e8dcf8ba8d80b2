-- 0003_properties.sql: listings.

CREATE TABLE properties (
	id                  bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	owner_id            bigint NOT NULL
	                    CONSTRAINT properties_owner_id_fkey REFERENCES users (id),
	-- "Not blank": at least one non-space character, so "   " is refused too.
	name                text NOT NULL
	                    CONSTRAINT properties_name_check
	                    CHECK (char_length(name) BETWEEN 1 AND 200 AND name ~ '[^[:space:]]'),
	description         text NOT NULL DEFAULT ''
	                    CONSTRAINT properties_description_check CHECK (char_length(description) <= 10000),
	address             text NOT NULL
	                    CONSTRAINT properties_address_check
	                    CHECK (char_length(address) BETWEEN 1 AND 500 AND address ~ '[^[:space:]]'),
	city                text NOT NULL
	                    CONSTRAINT properties_city_check
	                    CHECK (char_length(city) BETWEEN 1 AND 100 AND city ~ '[^[:space:]]'),
	-- The contract does not say ISO 3166 codes: free text as the host typed it
	-- ("France", "FR"); search compares lower(country).
	country             text NOT NULL
	                    CONSTRAINT properties_country_check
	                    CHECK (char_length(country) BETWEEN 1 AND 100 AND country ~ '[^[:space:]]'),
	-- Upper bound 9 999 999.99 so that the longest stay (365 nights) times the price
	-- always fits bookings.total_price numeric(12,2): a booking can never fail with
	-- numeric overflow.
	price_per_night     numeric(12,2) NOT NULL
	                    CONSTRAINT properties_price_per_night_check
	                    CHECK (price_per_night > 0 AND price_per_night <= 9999999.99),
	currency            char(3) NOT NULL DEFAULT 'USD'
	                    CONSTRAINT properties_currency_check CHECK (currency ~ '^[A-Z]{3}$'),
	max_guests          integer NOT NULL
	                    CONSTRAINT properties_max_guests_check CHECK (max_guests BETWEEN 1 AND 100),
	cancellation_policy text NOT NULL DEFAULT 'moderate'
	                    CONSTRAINT properties_cancellation_policy_check
	                    CHECK (cancellation_policy IN ('flexible', 'moderate', 'strict')),
	is_listed           boolean NOT NULL DEFAULT true,
	created_at          timestamptz NOT NULL DEFAULT now(),
	updated_at          timestamptz NOT NULL DEFAULT now(),
	-- Review aggregates, maintained ONLY by the trigger on reviews (0006): every
	-- rating is 1..5, so count <= sum <= 5 * count.
	rating_sum          bigint NOT NULL DEFAULT 0
	                    CONSTRAINT properties_rating_sum_check CHECK (rating_sum >= 0),
	rating_count        integer NOT NULL DEFAULT 0
	                    CONSTRAINT properties_rating_count_check CHECK (rating_count >= 0),
	-- The average as the contract prints it ("4.67"), NULL when there is no review;
	-- also the sort key of sort=rating.
	rating_avg          numeric(3,2) GENERATED ALWAYS AS
	                    (CASE WHEN rating_count > 0
	                          THEN round(rating_sum::numeric / rating_count, 2) END) STORED,
	-- Full-text search over name, description and city. The two-argument
	-- to_tsvector with a regconfig constant is IMMUTABLE, as a generated column
	-- needs; 'simple' = no stemming, no stop words, language-neutral.
	-- Query with: search @@ websearch_to_tsquery('simple', $1)
	search              tsvector GENERATED ALWAYS AS
	                    (to_tsvector('simple'::regconfig,
	                                 coalesce(name, '') || ' ' || coalesce(description, '')
	                                 || ' ' || coalesce(city, ''))) STORED,
	CONSTRAINT properties_rating_range_check
		CHECK (rating_sum BETWEEN rating_count AND 5::bigint * rating_count),
	-- Target of bookings (property_id, host_id): a booking's host is always the
	-- listing's owner.
	CONSTRAINT properties_id_owner_key UNIQUE (id, owner_id)
);

-- Search and listing pages. Unlisted properties never appear in search, so the
-- search indexes are partial: queries must say "is_listed" to use them.
CREATE INDEX properties_search_idx ON properties USING gin (search);
CREATE INDEX properties_listed_newest_idx ON properties (created_at DESC, id DESC) WHERE is_listed;
CREATE INDEX properties_listed_price_idx ON properties (price_per_night, id) WHERE is_listed;
CREATE INDEX properties_listed_rating_idx ON properties (rating_avg DESC NULLS LAST, id DESC) WHERE is_listed;
CREATE INDEX properties_city_idx ON properties (lower(city));
CREATE INDEX properties_country_idx ON properties (lower(country));
-- A host's own listings (profile page) and the foreign key to users.
CREATE INDEX properties_owner_idx ON properties (owner_id, created_at DESC, id DESC);

-- updated_at moves when the host edits the listing, not when a review changes the
-- rating aggregates: hence the explicit column list. Add new editable columns here.
CREATE TRIGGER properties_set_updated_at
	BEFORE UPDATE OF owner_id, name, description, address, city, country,
	                 price_per_night, currency, max_guests, cancellation_policy, is_listed
	ON properties
	FOR EACH ROW EXECUTE FUNCTION set_updated_at();

-- Guard: rating_sum / rating_count may only be changed by the reviews trigger
-- (which runs one trigger level deeper), so a handler that also "helpfully" adds
-- the rating gets an error instead of silently counting it twice. An operator who
-- repairs the aggregates sets  SET LOCAL innkeep.rating_repair = 'on'  first.
CREATE FUNCTION properties_rating_guard() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
	IF pg_trigger_depth() < 2
	   AND coalesce(current_setting('innkeep.rating_repair', true), '') <> 'on'
	   AND (TG_OP = 'INSERT' AND (NEW.rating_sum <> 0 OR NEW.rating_count <> 0)
	        OR TG_OP = 'UPDATE' AND (NEW.rating_sum, NEW.rating_count)
	                                IS DISTINCT FROM (OLD.rating_sum, OLD.rating_count))
	THEN
		RAISE EXCEPTION 'properties.rating_sum and rating_count are maintained by the reviews trigger'
			USING ERRCODE = 'check_violation', CONSTRAINT = 'properties_rating_guard',
			      TABLE = 'properties', SCHEMA = TG_TABLE_SCHEMA;
	END IF;
	RETURN NEW;
END
$$;
CREATE TRIGGER properties_rating_guard
	BEFORE INSERT OR UPDATE OF rating_sum, rating_count ON properties
	FOR EACH ROW EXECUTE FUNCTION properties_rating_guard();

COMMENT ON TABLE properties IS
	'Listings. A listing with bookings is never deleted (bookings.property_id is NO ACTION): DELETE /properties/{id} sets is_listed = false instead.';
COMMENT ON COLUMN properties.country IS 'Free text, 1-100 characters (the contract does not require ISO 3166 codes); compare with lower().';
COMMENT ON COLUMN properties.price_per_night IS 'numeric(12,2), 0 < price <= 9999999.99 so 365 nights always fit numeric(12,2).';
COMMENT ON COLUMN properties.rating_sum IS 'Sum of review ratings; maintained by the reviews trigger only (guarded).';
COMMENT ON COLUMN properties.rating_count IS 'Number of reviews; maintained by the reviews trigger only (guarded).';
COMMENT ON COLUMN properties.rating_avg IS 'Generated: round(rating_sum / rating_count, 2), NULL without reviews.';
COMMENT ON COLUMN properties.search IS 'Generated tsvector (simple config) of name, description, city; GIN-indexed.';
