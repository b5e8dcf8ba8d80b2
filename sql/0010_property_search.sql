-- 0010_property_search.sql: indexes shaped like the searches of GET /properties
-- (src/search.c). A search walks one index in sort order, from the cursor, and
-- stops after a bounded number of rows; these let it start at the right place
-- for the filters people use most (a city) and for every sort.

-- sort=rating orders by the average, unrated last: coalesce(rating_avg, 0) is
-- one sort key (real averages are 1.00 to 5.00), so keyset pagination is a plain
-- row comparison instead of NULL juggling.
DROP INDEX properties_listed_rating_idx;
CREATE INDEX properties_listed_rating_idx
	ON properties ((coalesce(rating_avg, 0)) DESC, id DESC) WHERE is_listed;

-- A city, in each sort order. They replace the plain lower(city) index: search
-- is the only reader, and it only wants listed places.
DROP INDEX properties_city_idx;
CREATE INDEX properties_city_newest_idx
	ON properties (lower(city), created_at DESC, id DESC) WHERE is_listed;
CREATE INDEX properties_city_price_idx
	ON properties (lower(city), price_per_night, id) WHERE is_listed;
CREATE INDEX properties_city_rating_idx
	ON properties (lower(city), (coalesce(rating_avg, 0)) DESC, id DESC) WHERE is_listed;
