/*
 * PostgreSQL connections (see db.h).  A struct db lives as long as its
 * worker thread; prepared statements live as long as the connection, and
 * a bitmap says which ones this connection has.  Composed statements (the
 * search) are prepared too, the first DB_SQL_CACHE distinct texts of each
 * connection: planning one costs more than running it.
 */
#include "config.h"

#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "arena.h"
#include "db.h"
#include "log.h"

#define DB_SQL_CACHE	64

struct db {
	char		*conninfo;
	PGconn		*conn;
	const struct db_stmt_def *stmts;
	size_t		 nstmts;
	unsigned char	*prepared;	/* [nstmts]: prepared on conn */
	char		*sql[DB_SQL_CACHE];	/* texts prepared as "sql_<i>" */
	size_t		 nsql;
	int		 in_tx;
	char		 sqlstate[6];
	char		 constraint[64];
};

static atomic_ulong	 reconnects;

unsigned long
db_reconnects(void)
{
	return atomic_load(&reconnects);
}

struct db *
db_new_with(const char *conninfo, const struct db_stmt_def *stmts,
    size_t nstmts)
{
	struct db	*db;

	if ((db = calloc(1, sizeof(*db))) == NULL ||
	    (db->conninfo = strdup(conninfo)) == NULL ||
	    (db->prepared = calloc(nstmts, 1)) == NULL)
		abort();
	db->stmts = stmts;
	db->nstmts = nstmts;
	return db;
}

struct db *
db_new(const char *conninfo)
{
	return db_new_with(conninfo, db_stmts, STMT__MAX);
}

static void
db_close(struct db *db)
{
	if (db->conn != NULL)
		PQfinish(db->conn);
	db->conn = NULL;
	memset(db->prepared, 0, db->nstmts);
	for (size_t i = 0; i < db->nsql; i++)
		free(db->sql[i]);
	db->nsql = 0;
	db->in_tx = 0;
}

void
db_free(struct db *db)
{
	if (db == NULL)
		return;
	db_close(db);
	free(db->prepared);
	free(db->conninfo);
	free(db);
}

/* Server notices go to our log, one escaped line each, not raw stderr. */
static void
db_notice(void *arg, const char *msg)
{
	char	 esc[512];

	(void)arg;
	log_escape(esc, sizeof(esc), msg);
	log_msg(NULL, "database notice: %s", esc);
}

int
db_connect(struct db *db)
{
	/* Our defaults first: the configured string may override them. */
	const char *const keys[] = { "application_name", "connect_timeout",
	    "dbname", NULL };
	const char *const vals[] = { "innkeep", "5", db->conninfo, NULL };
	PGresult	*res;
	char		 msg[256];
	size_t		 n;

	db_close(db);
	db->conn = PQconnectdbParams(keys, vals, 1);
	if (db->conn == NULL)
		abort();
	if (PQstatus(db->conn) != CONNECTION_OK) {
		/* libpq's message ends in a newline; keep one log line. */
		snprintf(msg, sizeof(msg), "%s", PQerrorMessage(db->conn));
		n = strlen(msg);
		while (n > 0 && (msg[n - 1] == '\n' || msg[n - 1] == ' '))
			msg[--n] = '\0';
		for (size_t i = 0; i < n; i++)
			if (msg[i] == '\n')
				msg[i] = ' ';
		log_msg(NULL, "could not connect to the database: %s", msg);
		db_close(db);
		return -1;
	}
	PQsetNoticeProcessor(db->conn, db_notice, NULL);
	/*
	 * Values we turn into text and read back (search cursors) must not
	 * depend on the server's defaults: ISO dates, UTC, and floats that
	 * round-trip exactly.
	 */
	res = PQexec(db->conn, "SET datestyle = 'ISO, YMD'; "
	    "SET timezone = 'UTC'; SET extra_float_digits = 1");
	if (res == NULL || PQresultStatus(res) != PGRES_COMMAND_OK) {
		log_msg(NULL, "could not set the session's formats");
		PQclear(res);
		db_close(db);
		return -1;
	}
	PQclear(res);
	return 0;
}

static void
db_clear(void *res)
{
	PQclear(res);
}

static void
db_note_error(struct db *db, const PGresult *res)
{
	const char	*s;

	s = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
	snprintf(db->sqlstate, sizeof(db->sqlstate), "%s", s ? s : "");
	s = res ? PQresultErrorField(res, PG_DIAG_CONSTRAINT_NAME) : NULL;
	snprintf(db->constraint, sizeof(db->constraint), "%s", s ? s : "");
}

static enum db_status
db_classify(struct db *db, const PGresult *res, const char *what)
{
	const char	*msg;
	char		 esc[300];

	db_note_error(db, res);
	/*
	 * No SQLSTATE means libpq itself failed: the server went away
	 * ("server closed the connection unexpectedly"), whether or not
	 * libpq has noticed the connection is bad yet.
	 */
	if (PQstatus(db->conn) != CONNECTION_OK || db->sqlstate[0] == '\0')
		return DB_UNAVAILABLE;
	if (strncmp(db->sqlstate, "23", 2) == 0)
		return DB_CONFLICT;
	/* A value the server refused (a date out of range): the client's. */
	if (strncmp(db->sqlstate, "22", 2) == 0)
		return DB_INVALID;
	if (strcmp(db->sqlstate, "40001") == 0 ||
	    strcmp(db->sqlstate, "40P01") == 0)
		return DB_RETRY;
	/* 57P01..57P03: the server is shutting down or starting up. */
	if (strncmp(db->sqlstate, "57P0", 4) == 0 ||
	    strncmp(db->sqlstate, "08", 2) == 0)
		return DB_UNAVAILABLE;
	msg = res ? PQresultErrorMessage(res) : PQerrorMessage(db->conn);
	log_escape(esc, sizeof(esc), msg);
	log_msg(NULL, "%s failed: SQLSTATE %s: %s", what, db->sqlstate, esc);
	return DB_ERR;
}

static enum db_status
db_prepare(struct db *db, enum stmt id)
{
	const struct db_stmt_def	*d = &db->stmts[id];
	PGresult			*res;
	enum db_status			 st = DB_OK;

	res = PQprepare(db->conn, d->name, d->sql, d->nparams, NULL);
	if (res == NULL || PQresultStatus(res) != PGRES_COMMAND_OK)
		st = db_classify(db, res, d->name);
	else
		db->prepared[id] = 1;
	PQclear(res);
	return st;
}

/*
 * The name of sql prepared on this connection ("sql_3"), preparing it if
 * there is room; NULL when the cache is full (run it unprepared) or on a
 * failure (*st says which).
 */
static const char *
db_prepare_sql(struct db *db, const char *sql, char name[16],
    enum db_status *st)
{
	PGresult	*res;
	size_t		 i;

	*st = DB_OK;
	for (i = 0; i < db->nsql; i++)
		if (strcmp(db->sql[i], sql) == 0)
			break;
	if (i == DB_SQL_CACHE)
		return NULL;
	snprintf(name, 16, "sql_%zu", i);
	if (i < db->nsql)
		return name;
	res = PQprepare(db->conn, name, sql, 0, NULL);
	if (res == NULL || PQresultStatus(res) != PGRES_COMMAND_OK) {
		*st = db_classify(db, res, "query");
		PQclear(res);
		return NULL;
	}
	PQclear(res);
	if ((db->sql[db->nsql++] = strdup(sql)) == NULL)
		abort();
	return name;
}

/* One attempt on the current connection: statement id, or sql. */
static enum db_status
db_run(struct db *db, struct arena *a, enum stmt id, const char *sql,
    const char *const *params, int nparams, PGresult **out)
{
	PGresult	*res;
	enum db_status	 st;
	ExecStatusType	 es;

	if (sql != NULL) {
		char		 name[16];
		const char	*n = db_prepare_sql(db, sql, name, &st);

		if (st != DB_OK)
			return st;
		res = n ? PQexecPrepared(db->conn, n, nparams, params, NULL,
		    NULL, 0) : PQexecParams(db->conn, sql, nparams, NULL,
		    params, NULL, NULL, 0);
	} else {
		if (!db->prepared[id] && (st = db_prepare(db, id)) != DB_OK)
			return st;
		res = PQexecPrepared(db->conn, db->stmts[id].name, nparams,
		    params, NULL, NULL, 0);
	}
	es = res ? PQresultStatus(res) : PGRES_FATAL_ERROR;
	if (es != PGRES_TUPLES_OK && es != PGRES_COMMAND_OK) {
		st = db_classify(db, res, sql ? "query" : db->stmts[id].name);
		PQclear(res);
		return st;
	}
	db->sqlstate[0] = db->constraint[0] = '\0';
	if (out != NULL) {
		arena_cleanup_add(a, db_clear, res);
		*out = res;
	} else
		PQclear(res);
	return DB_OK;
}

static int
db_reconnect(struct db *db)
{
	atomic_fetch_add(&reconnects, 1);
	return db_connect(db);
}

static enum db_status
db_exec_any(struct db *db, struct arena *a, enum stmt id, const char *sql,
    const char *const *params, int nparams, PGresult **out)
{
	enum db_status	 st;

	if (out != NULL)
		*out = NULL;
	if (sql == NULL && (size_t)id >= db->nstmts)
		abort();	/* a programming error */
	if (db->conn == NULL && !db->in_tx) {
		/* First use on this thread: connect lazily. */
		if (db_connect(db) == -1)
			return DB_UNAVAILABLE;
	} else if (db->conn == NULL || PQstatus(db->conn) != CONNECTION_OK) {
		if (db->in_tx)
			return DB_UNAVAILABLE;
		if (db_reconnect(db) == -1)
			return DB_UNAVAILABLE;
	}
	st = db_run(db, a, id, sql, params, nparams, out);
	/*
	 * A connection looks fine until its first query after a server
	 * restart fails: open a new one and try once more, unless a
	 * transaction was open (its work is gone; db_tx starts it again).
	 */
	if (st == DB_UNAVAILABLE && !db->in_tx) {
		if (db_reconnect(db) == -1)
			return DB_UNAVAILABLE;
		st = db_run(db, a, id, sql, params, nparams, out);
	}
	return st;
}

enum db_status
db_exec(struct db *db, struct arena *a, enum stmt id,
    const char *const *params, int nparams, PGresult **out)
{
	return db_exec_any(db, a, id, NULL, params, nparams, out);
}

enum db_status
db_exec_sql(struct db *db, struct arena *a, const char *sql,
    const char *const *params, int nparams, PGresult **out)
{
	return db_exec_any(db, a, STMT__MAX, sql, params, nparams, out);
}

enum db_status
db_exec_row(struct db *db, struct arena *a, enum stmt id,
    const char *const *params, int nparams, PGresult **out)
{
	enum db_status	 st;

	if ((st = db_exec(db, a, id, params, nparams, out)) != DB_OK)
		return st;
	return PQntuples(*out) > 0 ? DB_OK : DB_NONE;
}

static enum db_status
db_simple(struct db *db, const char *sql)
{
	PGresult	*res;
	enum db_status	 st = DB_OK;

	res = PQexec(db->conn, sql);
	if (res == NULL || PQresultStatus(res) != PGRES_COMMAND_OK)
		st = db_classify(db, res, sql);
	PQclear(res);
	return st;
}

enum db_status
db_tx(struct db *db, struct arena *a, enum db_isolation iso,
    enum db_status (*fn)(struct db *, struct arena *, void *), void *arg)
{
	static const char *const begin[] = {
		[DB_READ_COMMITTED] = "BEGIN",
		[DB_REPEATABLE_READ] = "BEGIN ISOLATION LEVEL REPEATABLE READ",
		[DB_SERIALIZABLE] = "BEGIN ISOLATION LEVEL SERIALIZABLE",
	};
	enum db_status	 st = DB_ERR;
	int		 attempt, lost = 0;
	struct timespec	 ts;

	for (attempt = 0; attempt < 5; attempt++) {
		if (db->conn == NULL) {
			if (db_connect(db) == -1)
				return DB_UNAVAILABLE;
		} else if (PQstatus(db->conn) != CONNECTION_OK) {
			if (db_reconnect(db) == -1)
				return DB_UNAVAILABLE;
		}
		if ((st = db_simple(db, begin[iso])) != DB_OK) {
			/* A dead connection shows itself here: once more. */
			if (st == DB_UNAVAILABLE && !lost++)
				continue;
			return st;
		}
		db->in_tx = 1;
		st = fn(db, a, arg);
		if (st == DB_OK) {
			/*
			 * A COMMIT that fails with 40001 rolled back: run it
			 * again.  One that lost the connection may or may not
			 * have committed: never run it twice.
			 */
			st = db_simple(db, "COMMIT");
			db->in_tx = 0;
		} else {
			if (PQstatus(db->conn) == CONNECTION_OK)
				(void)db_simple(db, "ROLLBACK");
			db->in_tx = 0;
			/* Nothing was committed: safe to start over once. */
			if (st == DB_UNAVAILABLE && !lost++)
				continue;
		}
		if (st == DB_RETRY) {
			/* Back off a little, more each time, with jitter. */
			ts.tv_sec = 0;
			ts.tv_nsec = (long)(1 + attempt) * 2000000L +
			    (long)(random() % 2000000L);
			nanosleep(&ts, NULL);
			continue;
		}
		return st;
	}
	return st;
}

const char *
db_sqlstate(const struct db *db)
{
	return db->sqlstate;
}

const char *
db_constraint(const struct db *db)
{
	return db->constraint;
}
