/*
 * Column lists that several statements share, so that the code reading a
 * row (by position) and every statement producing one cannot drift apart.
 */
#ifndef INNKEEP_SQL_COLS_H
#define INNKEEP_SQL_COLS_H

/* Timestamps leave the database as RFC 3339 in UTC (contract §4). */
#define TS(col) "to_char(" col " AT TIME ZONE 'UTC', " \
	"'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')"

/*
 * A property (p) with its owner (u), in the order of the contract's JSON;
 * read by property_view() in h_property.c.
 */
#define PROPERTY_NCOLS 18
#define PROPERTY_COLS "p.id, p.name, p.description, p.address, p.city, " \
	"p.country, p.price_per_night::text, p.currency, p.max_guests, " \
	"p.cancellation_policy, u.id, u.username, u.display_name, " \
	"p.rating_avg::text, p.rating_count, p.is_listed, " \
	TS("p.created_at") ", " TS("p.updated_at")

#endif
