/*
 * innkeep migrate (see migrate.h).  Runs on its own libpq connection,
 * outside the server, holding an advisory lock so that two upgrades
 * running at once apply each file once.  Files may hold several statements
 * (they go through the simple query protocol) but no transaction control
 * of their own.
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <libpq-fe.h>

#include "migrate.h"

/* pg_advisory_lock key: the bytes of "innkeep" as a bigint. */
#define MIGRATE_LOCK "29676293081884016"

static int
version_ok(const char *name, size_t *vlen)
{
	size_t	 n = strlen(name), i;

	if (n < 10 || strcmp(name + n - 4, ".sql") != 0)
		return 0;
	for (i = 0; i < 4; i++)
		if (name[i] < '0' || name[i] > '9')
			return 0;
	if (name[4] != '_')
		return 0;
	for (i = 5; i < n - 4; i++)
		if (!((name[i] >= 'a' && name[i] <= 'z') ||
		    (name[i] >= '0' && name[i] <= '9') || name[i] == '_'))
			return 0;
	*vlen = n - 4;
	return 1;
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int
migrate_scan(const char *dir, struct migrations *m, char *err, size_t errsz)
{
	DIR		*d;
	struct dirent	*e;
	size_t		 vlen, cap = 0;
	char		**v;

	m->version = NULL;
	m->n = 0;
	if ((d = opendir(dir)) == NULL) {
		snprintf(err, errsz, "could not open migrations directory "
		    "\"%s\": %s", dir, strerror(errno));
		return -1;
	}
	while ((e = readdir(d)) != NULL) {
		if (!version_ok(e->d_name, &vlen))
			continue;
		if (m->n == cap) {
			cap = cap ? cap * 2 : 16;
			if ((v = realloc(m->version, cap * sizeof(*v))) == NULL)
				abort();
			m->version = v;
		}
		if ((m->version[m->n] = strndup(e->d_name, vlen)) == NULL)
			abort();
		m->n++;
	}
	closedir(d);
	if (m->n > 0)
		qsort(m->version, m->n, sizeof(*m->version), cmp_str);
	return 0;
}

void
migrate_free(struct migrations *m)
{
	size_t	 i;

	for (i = 0; i < m->n; i++)
		free(m->version[i]);
	free(m->version);
	m->version = NULL;
	m->n = 0;
}

char *
migrate_array_literal(const struct migrations *m)
{
	size_t	 i, n, len = 3, o = 0;
	char	*s;

	for (i = 0; i < m->n; i++)
		len += strlen(m->version[i]) + 1;
	if ((s = malloc(len)) == NULL)
		abort();
	s[o++] = '{';
	for (i = 0; i < m->n; i++) {
		if (i > 0)
			s[o++] = ',';
		/* Versions are [0-9a-z_] only: no quoting needed. */
		n = strlen(m->version[i]);
		memcpy(s + o, m->version[i], n);
		o += n;
	}
	s[o++] = '}';
	s[o] = '\0';
	return s;
}

/* The server's message on one line, without its trailing newline. */
static const char *
oneline(char *msg)
{
	size_t	 n = strlen(msg), i;

	while (n > 0 && (msg[n - 1] == '\n' || msg[n - 1] == ' '))
		msg[--n] = '\0';
	for (i = 0; i < n; i++)
		if (msg[i] == '\n' || msg[i] == '\t')
			msg[i] = ' ';
	return msg;
}

static int
exec_ok(PGconn *c, const char *sql, const char *what)
{
	PGresult	*res;
	int		 ok;
	char		*msg;

	res = PQexec(c, sql);
	ok = res != NULL && (PQresultStatus(res) == PGRES_COMMAND_OK ||
	    PQresultStatus(res) == PGRES_TUPLES_OK);
	if (!ok) {
		msg = strdup(res ? PQresultErrorMessage(res) :
		    PQerrorMessage(c));
		fprintf(stderr, "innkeep: migrate: %s: %s\n", what,
		    msg ? oneline(msg) : "out of memory");
		free(msg);
	}
	PQclear(res);
	return ok;
}

static char *
read_file(const char *path)
{
	FILE		*f;
	struct stat	 st;
	char		*s;
	size_t		 n;

	if ((f = fopen(path, "r")) == NULL)
		return NULL;
	if (fstat(fileno(f), &st) == -1 || st.st_size > 64 * 1024 * 1024 ||
	    (s = malloc((size_t)st.st_size + 1)) == NULL) {
		fclose(f);
		return NULL;
	}
	n = fread(s, 1, (size_t)st.st_size, f);
	fclose(f);
	s[n] = '\0';
	return s;
}

static int
is_applied(PGconn *c, const char *version, int *applied)
{
	const char	*params[1] = { version };
	PGresult	*res;

	res = PQexecParams(c, "SELECT 1 FROM schema_migrations "
	    "WHERE version = $1", 1, NULL, params, NULL, NULL, 0);
	if (res == NULL || PQresultStatus(res) != PGRES_TUPLES_OK) {
		fprintf(stderr, "innkeep: migrate: could not read "
		    "schema_migrations: %s\n", PQerrorMessage(c));
		PQclear(res);
		return -1;
	}
	*applied = PQntuples(res) > 0;
	PQclear(res);
	return 0;
}

static int
apply_one(PGconn *c, const char *dir, const char *version)
{
	const char	*params[1] = { version };
	char		 path[4096], what[4200];
	char		*sql;
	PGresult	*res;
	int		 ok;

	snprintf(path, sizeof(path), "%s/%s.sql", dir, version);
	snprintf(what, sizeof(what), "%s", path);
	if ((sql = read_file(path)) == NULL) {
		fprintf(stderr, "innkeep: migrate: could not read \"%s\": "
		    "%s\n", path, strerror(errno ? errno : EIO));
		return -1;
	}
	if (!exec_ok(c, "BEGIN", what)) {
		free(sql);
		return -1;
	}
	ok = exec_ok(c, sql, what);
	free(sql);
	if (ok) {
		res = PQexecParams(c, "INSERT INTO schema_migrations (version)"
		    " VALUES ($1)", 1, NULL, params, NULL, NULL, 0);
		ok = res != NULL && PQresultStatus(res) == PGRES_COMMAND_OK;
		if (!ok)
			fprintf(stderr, "innkeep: migrate: %s: could not "
			    "record it: %s", what, PQerrorMessage(c));
		PQclear(res);
	}
	if (ok)
		ok = exec_ok(c, "COMMIT", what);
	else
		PQclear(PQexec(c, "ROLLBACK"));
	return ok ? 0 : -1;
}

int
migrate_run(const char *conninfo, const char *dir)
{
	const char *const keys[] = { "application_name", "dbname", NULL };
	const char *const vals[] = { "innkeep migrate", conninfo, NULL };
	struct migrations	 m;
	PGconn			*c;
	char			 err[512], *msg;
	size_t			 i, done = 0;
	int			 applied, rc = 1;

	if (migrate_scan(dir, &m, err, sizeof(err)) == -1) {
		fprintf(stderr, "innkeep: migrate: %s\n", err);
		return 1;
	}
	c = PQconnectdbParams(keys, vals, 1);
	if (c == NULL || PQstatus(c) != CONNECTION_OK) {
		msg = strdup(c ? PQerrorMessage(c) : "out of memory");
		fprintf(stderr, "innkeep: migrate: could not connect to the "
		    "database: %s\n", msg ? oneline(msg) : "out of memory");
		free(msg);
		goto out;
	}
	PQclear(PQexec(c, "SET client_min_messages = warning"));
	if (!exec_ok(c, "SELECT pg_advisory_lock(" MIGRATE_LOCK ")",
	    "lock") ||
	    !exec_ok(c, "CREATE TABLE IF NOT EXISTS schema_migrations ("
	    "version text PRIMARY KEY, "
	    "applied_at timestamptz NOT NULL DEFAULT now())",
	    "schema_migrations"))
		goto out;
	for (i = 0; i < m.n; i++) {
		if (is_applied(c, m.version[i], &applied) == -1)
			goto out;
		if (applied)
			continue;
		if (apply_one(c, dir, m.version[i]) == -1)
			goto out;
		printf("innkeep: migrate: applied %s\n", m.version[i]);
		done++;
	}
	if (done == 0)
		printf("innkeep: migrate: nothing to do, %zu migrations "
		    "applied\n", m.n);
	else
		printf("innkeep: migrate: applied %zu of %zu migrations\n",
		    done, m.n);
	rc = 0;
out:
	if (c != NULL)
		PQfinish(c);
	migrate_free(&m);
	return rc;
}
