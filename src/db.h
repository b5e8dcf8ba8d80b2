/*
 * The database layer: one libpq connection per thread, every statement
 * from one table (db_stmt.c), prepared on first use on each connection and
 * run with out-of-line parameters only.  Results belong to the request's
 * arena (PQclear runs at arena reset), so no path leaks one.
 *
 * A connection that died (the server restarted) is re-opened and the
 * statement retried once, outside transactions; when the database stays
 * unreachable the caller gets DB_UNAVAILABLE, which handlers answer 503.
 */
#ifndef INNKEEP_DB_H
#define INNKEEP_DB_H

#include <libpq-fe.h>

struct arena;

enum db_status {
	DB_OK = 0,
	DB_NONE,		/* a row was expected and there is none */
	DB_CONFLICT,		/* integrity violation (SQLSTATE class 23) */
	DB_RETRY,		/* serialization failure or deadlock */
	DB_INVALID,		/* a value refused (SQLSTATE class 22) */
	DB_UNAVAILABLE,		/* no connection to the database */
	DB_ERR			/* anything else: logged, answered 500 */
};

enum stmt {
	STMT_PING,
	STMT_MIGRATIONS_APPLIED,
	/* sessions and tokens (session.c) */
	STMT_SESSION_LOAD,
	STMT_SESSION_TOUCH,
	STMT_SESSION_CREATE,
	STMT_SESSION_DELETE,
	STMT_SESSION_DELETE_OTHERS,
	STMT_SESSION_PURGE,
	STMT_TOKEN_AUTH,
	STMT_TOKEN_TOUCH,
	/* accounts (h_account.c) */
	STMT_USER_INSERT,
	STMT_USER_BY_LOGIN,
	STMT_USER_REHASH,
	STMT_USER_GET,
	STMT_USER_PUBLIC,
	STMT_USER_UPDATE,
	STMT_TOKEN_CREATE,
	STMT_TOKEN_LIST,
	STMT_TOKEN_REVOKE,
	STMT_THROTTLE_CHECK,
	STMT_THROTTLE_FAIL,
	STMT_THROTTLE_CLEAR,
	/* properties (h_property.c; the search is search.c's own) */
	STMT_PROPERTY_INSERT,
	STMT_PROPERTY_GET,
	STMT_PROPERTY_UPDATE,
	STMT_PROPERTY_DELETE,
	STMT_PROPERTY_UNLIST,
	STMT_PROPERTY_FREE,
	STMT_PROPERTY_CALENDAR,
	STMT_USER_LISTINGS,
	STMT__MAX
};

struct db_stmt_def {
	const char	*name;
	const char	*sql;
	int		 nparams;
};

extern const struct db_stmt_def db_stmts[STMT__MAX];

struct db;

/* A handle for the statements of db_stmts; it connects on first use. */
struct db	*db_new(const char *conninfo);
/* The same for another statement table (the database tests use one). */
struct db	*db_new_with(const char *conninfo,
		    const struct db_stmt_def *, size_t nstmts);
void		 db_free(struct db *);
/* Connects now; -1 when the database is unreachable (logged). */
int		 db_connect(struct db *);

/*
 * Runs a statement; *res (may be NULL when unwanted) is cleared with the
 * arena.  Returns DB_OK or an error status; DB_NONE is never returned here.
 */
enum db_status	 db_exec(struct db *, struct arena *, enum stmt,
		    const char *const *params, int nparams, PGresult **res);
/* Like db_exec, but DB_NONE when the result has no row. */
enum db_status	 db_exec_row(struct db *, struct arena *, enum stmt,
		    const char *const *params, int nparams, PGresult **res);
/*
 * Runs SQL text that is not in the table (the search, composed by
 * search.c from constant fragments; values only as parameters), prepared
 * on first use like the table's while the connection has room for it.
 */
enum db_status	 db_exec_sql(struct db *, struct arena *, const char *sql,
		    const char *const *params, int nparams, PGresult **res);

/*
 * Runs fn in a transaction (BEGIN ISOLATION LEVEL iso ... COMMIT), and
 * runs it again from the start after a serialization failure or deadlock,
 * up to a few times, or once after the connection was lost before COMMIT.
 * fn returns DB_OK to commit; anything else rolls back and is returned.
 */
enum db_isolation {
	DB_READ_COMMITTED,
	DB_REPEATABLE_READ,
	DB_SERIALIZABLE
};
enum db_status	 db_tx(struct db *, struct arena *, enum db_isolation,
		    enum db_status (*fn)(struct db *, struct arena *, void *),
		    void *arg);

/* The SQLSTATE and constraint of the last failure ("" when none). */
const char	*db_sqlstate(const struct db *);
const char	*db_constraint(const struct db *);

/* Process-wide count of re-connections, for /metrics. */
unsigned long	 db_reconnects(void);

#endif
