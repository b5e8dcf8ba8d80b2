/*
 * Every SQL statement innkeep runs, in one table: reviewed in one place,
 * prepared once per connection, always run with parameters.
 */
#include "config.h"

#include "db.h"

const struct db_stmt_def db_stmts[STMT__MAX] = {
	[STMT_PING] = { "ping", "SELECT 1", 0 },
	/* How many of the given migrations are recorded as applied. */
	[STMT_MIGRATIONS_APPLIED] = { "migrations_applied",
	    "SELECT count(*) FROM schema_migrations "
	    "WHERE version = ANY ($1::text[])", 1 },
};
