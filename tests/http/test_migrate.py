"""`innkeep migrate` on fresh databases of the private cluster, and /readyz
of a server whose database has migrations pending."""

import glob
import os
import shutil
import tempfile
import unittest

from support import (ACCEPT_JSON, StackTestCase, InnkeepProcess,
                     create_database, database_url_for, env, fcgi_request,
                     psql, run_innkeep, stderr_lines)


def repo_migrations():
    files = sorted(os.path.basename(p) for p in
                   glob.glob(os.path.join(env("INNKEEP_TEST_SQL_DIR"),
                                          "[0-9][0-9][0-9][0-9]_*.sql")))
    return files


def version_matches(version, filename):
    stem = filename[:-len(".sql")]
    num = filename.split("_", 1)[0]
    return version in (filename, stem, num) or (
        version.isdigit() and int(version) == int(num))


class TestMigrate(StackTestCase):
    def setUp(self):
        self.files = repo_migrations()
        self.assertTrue(self.files, "no sql/NNNN_*.sql migrations found")
        self.db = create_database(self, "t_migrate_")
        self.url = database_url_for(self.db)
        self.sql_dir = tempfile.mkdtemp(prefix="sql.", dir=os.environ.get(
            "INNKEEP_TEST_RUN_DIR") or None)
        self.addCleanup(shutil.rmtree, self.sql_dir, ignore_errors=True)
        for p in glob.glob(os.path.join(env("INNKEEP_TEST_SQL_DIR"), "*")):
            if os.path.isfile(p):
                shutil.copy(p, self.sql_dir)

    def migrate(self, sql_dir=None):
        return run_innkeep(["-c", "/dev/null", "migrate"], timeout=120,
                           INNKEEP_DATABASE_URL=self.url,
                           INNKEEP_SQL_DIR=sql_dir or self.sql_dir)

    def recorded(self):
        out = psql("SELECT version FROM schema_migrations ORDER BY version",
                   db=self.db)
        return [ln for ln in out.splitlines() if ln]

    def table_exists(self, name):
        return psql(f"SELECT to_regclass('public.{name}') IS NOT NULL",
                    db=self.db) == "t"

    def add_file(self, name, text):
        with open(os.path.join(self.sql_dir, name), "w") as f:
            f.write(text)

    def assertRecordedExactly(self, files):
        versions = self.recorded()
        self.assertEqual(len(versions), len(files), versions)
        for v, f in zip(versions, sorted(files)):
            self.assertTrue(version_matches(v, f), (v, f))

    def test_fresh_database(self):
        r = self.migrate()
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertRecordedExactly(self.files)
        self.assertEqual(psql("SELECT count(*) FROM schema_migrations "
                              "WHERE applied_at IS NULL", db=self.db), "0")
        # The data model of contract §7 is there.
        for t in ("users", "properties", "bookings", "reviews", "payments"):
            self.assertTrue(self.table_exists(t), t)

    def test_second_run_applies_nothing(self):
        self.assertEqual(self.migrate().returncode, 0)
        stamps = psql("SELECT version, applied_at FROM schema_migrations "
                      "ORDER BY 1", db=self.db)
        r = self.migrate()
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertRegex((r.stdout + r.stderr).lower(),
                         r"nothing to do|no pending|up to date",
                         "a second run says there is nothing to do")
        self.assertEqual(psql("SELECT version, applied_at FROM "
                              "schema_migrations ORDER BY 1", db=self.db),
                         stamps)

    def test_new_file_is_applied_alone_and_in_order(self):
        self.assertEqual(self.migrate().returncode, 0)
        # 9002 depends on 9001: they must run in order.
        self.add_file("9002_probe_b.sql",
                      "ALTER TABLE probe_a ADD COLUMN b int;\n")
        self.add_file("9001_probe_a.sql",
                      "CREATE TABLE probe_a (id int PRIMARY KEY);\n"
                      "INSERT INTO probe_a VALUES (1);\n")
        self.add_file("README", "not a migration\n")
        self.add_file("9003_notes.txt", "SELECT oops;\n")
        r = self.migrate()
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertRecordedExactly(self.files + ["9001_probe_a.sql",
                                                 "9002_probe_b.sql"])
        self.assertEqual(psql("SELECT id, b FROM probe_a", db=self.db), "1|")

    def test_failing_migration(self):
        self.add_file("9001_good.sql", "CREATE TABLE probe_good (id int);\n")
        self.add_file("9999_broken.sql",
                      "CREATE TABLE probe_broken (id int);\n"
                      "INSERT INTO probe_broken VALUES (1);\n"
                      "SELEC oops FROM nowhere;\n")
        r = self.migrate()
        self.assertEqual(r.returncode, 1, r.stdout + r.stderr)
        lines = stderr_lines(r.stderr)
        self.assertEqual(len(lines), 1, f"one stderr line: {r.stderr!r}")
        self.assertIn("9999_broken.sql", lines[0])
        self.assertIn("syntax error", lines[0],
                      "the line carries the server's message")
        # Nothing of the broken file; everything before it applied.
        self.assertFalse(self.table_exists("probe_broken"))
        self.assertTrue(self.table_exists("probe_good"))
        self.assertRecordedExactly(self.files + ["9001_good.sql"])
        # Fixed, the next run applies it.
        self.add_file("9999_broken.sql",
                      "CREATE TABLE probe_broken (id int);\n")
        r = self.migrate()
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertTrue(self.table_exists("probe_broken"))
        self.assertRecordedExactly(self.files + ["9001_good.sql",
                                                 "9999_broken.sql"])

    def test_failure_in_the_middle_stops_there(self):
        self.add_file("9001_fail.sql", "CREATE TABLE probe_x (id int);\n"
                      "SELECT 1/0;\n")
        self.add_file("9002_after.sql", "CREATE TABLE probe_after (id int);\n")
        r = self.migrate()
        self.assertEqual(r.returncode, 1, r.stderr)
        lines = stderr_lines(r.stderr)
        self.assertEqual(len(lines), 1, r.stderr)
        self.assertIn("9001_fail.sql", lines[0])
        self.assertIn("division by zero", lines[0])
        self.assertFalse(self.table_exists("probe_x"))
        self.assertFalse(self.table_exists("probe_after"),
                         "no file after the failing one is applied")
        self.assertRecordedExactly(self.files)

    def test_unreachable_database(self):
        r = run_innkeep(["-c", "/dev/null", "migrate"], timeout=120,
                        INNKEEP_DATABASE_URL=database_url_for(
                            "no_such_db_" + self.db),
                        INNKEEP_SQL_DIR=self.sql_dir)
        self.assertEqual(r.returncode, 1, r.stdout + r.stderr)
        self.assertEqual(len(stderr_lines(r.stderr)), 1, r.stderr)

    def test_missing_sql_dir(self):
        r = run_innkeep(["-c", "/dev/null", "migrate"], timeout=120,
                        INNKEEP_DATABASE_URL=self.url,
                        INNKEEP_SQL_DIR=os.path.join(self.sql_dir, "nope"))
        self.assertIn(r.returncode, (1, 2), r.stdout + r.stderr)
        lines = stderr_lines(r.stderr)
        self.assertEqual(len(lines), 1, r.stderr)
        self.assertIn("nope", lines[0])
        self.assertEqual(psql("SELECT to_regclass('public.users') IS NULL",
                              db=self.db), "t")


class TestReadyzPending(StackTestCase):
    """A server whose database lacks a migration is not ready."""

    def test_pending_then_migrated(self):
        db = create_database(self, "t_ready_")
        url = database_url_for(db)
        srv = InnkeepProcess(nthreads=2, database=url)
        self.addCleanup(srv.stop)
        srv.wait_ready()
        r = fcgi_request(srv.sock, "GET", "/readyz", headers=ACCEPT_JSON)
        self.assertEqual(r.status, 503, r)
        self.assertEqual(r.json()["error"]["code"], "unavailable")
        self.assertTrue(r.header("Retry-After"), r)
        m = run_innkeep(["-c", "/dev/null", "migrate"], timeout=120,
                        INNKEEP_DATABASE_URL=url,
                        INNKEEP_SQL_DIR=env("INNKEEP_TEST_SQL_DIR"))
        self.assertEqual(m.returncode, 0, m.stderr)
        r = fcgi_request(srv.sock, "GET", "/readyz", headers=ACCEPT_JSON)
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.json(), {"status": "ready"})


if __name__ == "__main__":
    unittest.main()
