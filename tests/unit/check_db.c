/*
 * Database layer tests against a real PostgreSQL: parameters, result
 * cleanup with the arena, conflicts with their SQLSTATE and constraint,
 * transactions that commit, roll back, and run again after a
 * serialization failure.  Needs INNKEEP_TEST_DATABASE_URL (script/test
 * sets it); without it the program reports a skip (exit 77), so that
 * make check runs without servers.
 */
#include "config.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "db.h"
#include "unit.h"

enum {
	T_SETUP,
	T_INSERT,
	T_GET,
	T_BUMP,
	T_SUM,
	T_DROP,
	T__MAX
};

static const struct db_stmt_def stmts[T__MAX] = {
	[T_SETUP] = { "t_setup", "CREATE TABLE check_db_t "
	    "(id int PRIMARY KEY, v int NOT NULL CHECK (v >= 0), "
	    "s text NOT NULL DEFAULT '')", 0 },
	[T_INSERT] = { "t_insert", "INSERT INTO check_db_t (id, v, s) "
	    "VALUES ($1, $2, $3)", 3 },
	[T_GET] = { "t_get", "SELECT v, s FROM check_db_t WHERE id = $1", 1 },
	[T_BUMP] = { "t_bump", "UPDATE check_db_t SET v = v + 1 "
	    "WHERE id = $1", 1 },
	[T_SUM] = { "t_sum", "SELECT coalesce(sum(v), 0) FROM check_db_t", 0 },
	[T_DROP] = { "t_drop", "DROP TABLE IF EXISTS check_db_t", 0 },
};

static const char	*url;
static struct arena	*a;
static struct db	*db, *other;

static enum db_status
run(struct db *d, int id, const char *p1, const char *p2, const char *p3,
    PGresult **res)
{
	const char *const params[3] = { p1, p2, p3 };

	return db_exec(d, a, (enum stmt)id, params, stmts[id].nparams, res);
}

static void
setup(void)
{
	a = arena_new(4096);
	db = db_new_with(url, stmts, T__MAX);
	other = db_new_with(url, stmts, T__MAX);
	ck_assert_int_eq(run(db, T_DROP, 0, 0, 0, NULL), DB_OK);
	ck_assert_int_eq(run(db, T_SETUP, 0, 0, 0, NULL), DB_OK);
}

static void
teardown(void)
{
	(void)run(db, T_DROP, 0, 0, 0, NULL);
	arena_free(a);
	db_free(db);
	db_free(other);
}

START_TEST(test_params_not_text)
{
	PGresult	*res;
	const char	*hostile = "x'); DROP TABLE check_db_t; --";

	ck_assert_int_eq(run(db, T_INSERT, "1", "5", hostile, NULL), DB_OK);
	ck_assert_int_eq(run(db, T_GET, "1", 0, 0, &res), DB_OK);
	ck_assert_int_eq(PQntuples(res), 1);
	ck_assert_str_eq(PQgetvalue(res, 0, 1), hostile);
	ck_assert_int_eq(db_exec_row(db, a, (enum stmt)T_GET,
	    (const char *const[]){ "2" }, 1, &res), DB_NONE);
}
END_TEST

START_TEST(test_conflicts)
{
	ck_assert_int_eq(run(db, T_INSERT, "1", "5", "", NULL), DB_OK);
	ck_assert_int_eq(run(db, T_INSERT, "1", "6", "", NULL), DB_CONFLICT);
	ck_assert_str_eq(db_sqlstate(db), "23505");
	ck_assert_str_eq(db_constraint(db), "check_db_t_pkey");
	ck_assert_int_eq(run(db, T_INSERT, "2", "-1", "", NULL), DB_CONFLICT);
	ck_assert_str_eq(db_sqlstate(db), "23514");
	/* A value the server refuses: DB_INVALID (400), not a conflict. */
	ck_assert_int_eq(run(db, T_INSERT, "x", "1", "", NULL), DB_INVALID);
	ck_assert_str_eq(db_sqlstate(db), "22P02");
	/* The connection is still good after the errors. */
	ck_assert_int_eq(run(db, T_INSERT, "3", "1", "", NULL), DB_OK);
}
END_TEST

struct txarg {
	int	 calls;
	int	 fail_with;	/* returned by fn: rolls back */
	int	 interfere;	/* on the first call, update from elsewhere */
};

static enum db_status
tx_fn(struct db *d, struct arena *ar, void *p)
{
	struct txarg	*t = p;
	enum db_status	 st;
	PGresult	*res;

	(void)ar;
	t->calls++;
	if ((st = run(d, T_GET, "1", 0, 0, &res)) != DB_OK)
		return st;
	if (t->interfere && t->calls == 1 &&
	    run(other, T_BUMP, "1", 0, 0, NULL) != DB_OK)
		return DB_ERR;
	if ((st = run(d, T_BUMP, "1", 0, 0, NULL)) != DB_OK)
		return st;
	if ((st = run(d, T_INSERT, "2", "0", "", NULL)) != DB_OK)
		return st;
	return t->fail_with ? (enum db_status)t->fail_with : DB_OK;
}

static long
sum(void)
{
	PGresult	*res;

	ck_assert_int_eq(run(db, T_SUM, 0, 0, 0, &res), DB_OK);
	return strtol(PQgetvalue(res, 0, 0), NULL, 10);
}

START_TEST(test_tx_commit_and_rollback)
{
	struct txarg	 t = { 0, DB_CONFLICT, 0 };

	ck_assert_int_eq(run(db, T_INSERT, "1", "10", "", NULL), DB_OK);
	/* Rolled back: neither the update nor the insert stays. */
	ck_assert_int_eq(db_tx(db, a, DB_READ_COMMITTED, tx_fn, &t),
	    DB_CONFLICT);
	ck_assert_int_eq(t.calls, 1);
	ck_assert_int_eq(sum(), 10);
	t.fail_with = 0;
	ck_assert_int_eq(db_tx(db, a, DB_READ_COMMITTED, tx_fn, &t), DB_OK);
	ck_assert_int_eq(sum(), 11);
	/* A constraint violation inside rolls back everything. */
	t.calls = 0;
	ck_assert_int_eq(db_tx(db, a, DB_READ_COMMITTED, tx_fn, &t),
	    DB_CONFLICT);
	ck_assert_int_eq(t.calls, 1);
	ck_assert_int_eq(sum(), 11);
}
END_TEST

START_TEST(test_tx_retried_after_serialization_failure)
{
	struct txarg	 t = { 0, 0, 1 };

	ck_assert_int_eq(run(db, T_INSERT, "1", "10", "", NULL), DB_OK);
	/*
	 * The first run reads a snapshot, another connection updates the
	 * row, our update fails with 40001; the second run succeeds.
	 */
	ck_assert_int_eq(db_tx(db, a, DB_REPEATABLE_READ, tx_fn, &t), DB_OK);
	ck_assert_int_eq(t.calls, 2);
	ck_assert_int_eq(sum(), 12);
}
END_TEST

START_TEST(test_results_freed_with_arena)
{
	PGresult	*res;
	int		 i;

	ck_assert_int_eq(run(db, T_INSERT, "1", "1", "", NULL), DB_OK);
	/* Valgrind and LeakSanitizer see any PGresult not cleared here. */
	for (i = 0; i < 100; i++) {
		ck_assert_int_eq(run(db, T_GET, "1", 0, 0, &res), DB_OK);
		if (i % 10 == 0)
			arena_reset(a);
	}
}
END_TEST

static Suite *
db_suite(void)
{
	Suite	*s = suite_create("db");
	TCase	*core = tcase_create("core");

	tcase_set_timeout(core, 30);
	tcase_add_checked_fixture(core, setup, teardown);
	tcase_add_test(core, test_params_not_text);
	tcase_add_test(core, test_conflicts);
	tcase_add_test(core, test_tx_commit_and_rollback);
	tcase_add_test(core, test_tx_retried_after_serialization_failure);
	tcase_add_test(core, test_results_freed_with_arena);
	suite_add_tcase(s, core);
	return s;
}

int
main(void)
{
	if ((url = getenv("INNKEEP_TEST_DATABASE_URL")) == NULL ||
	    *url == '\0')
		return 77;	/* automake: skipped */
	return unit_run(db_suite());
}
