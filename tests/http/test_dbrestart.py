"""The database goes away and comes back while innkeep serves: 503 with
Retry-After while it is down, never a hang, never a 502/500, and ready
again once it is back."""

import concurrent.futures
import threading
import time
import unittest

from support import (ACCEPT_HTML, ACCEPT_JSON, HTML_TYPE, StackTestCase,
                     ensure_pg_running, get, metric_value, pg_ctl, scrape,
                     threads)

TIMEOUT = 30       # a client timeout: a hang fails, slowness does not


class DbCase(StackTestCase):
    def setUp(self):
        self.addCleanup(self._back_to_ready)
        # Every worker thread holds a live connection before the database
        # goes away, as on a server that has been serving for a while.
        self._back_to_ready()
        r = get("/readyz", headers=ACCEPT_JSON, timeout=TIMEOUT)
        self.assertEqual(r.status, 200, f"not ready before the test: {r!r}")

    def _back_to_ready(self):
        """Leaves the stack as the next test file expects it: the cluster
        up, and every worker thread's connection working again (a thread
        left with a dead connection would fail unrelated tests later, so
        this polls until three concurrent rounds in a row are all 200)."""
        ensure_pg_running()

        def one(_):
            return get("/readyz", timeout=TIMEOUT).status
        # Concurrent rounds: sequential requests through nginx's kept-alive
        # upstream connections would reach the same thread again and again.
        clean = 0
        deadline = time.monotonic() + 60
        with concurrent.futures.ThreadPoolExecutor(threads()) as pool:
            while clean < 3 and time.monotonic() < deadline:
                ok = all(st == 200 for st in
                         pool.map(one, range(2 * threads())))
                clean = clean + 1 if ok else 0
                if not ok:
                    time.sleep(0.2)
        if clean < 3:
            raise AssertionError("/readyz not steadily 200 after the test")

    def pg(self, action):
        r = pg_ctl(action)
        self.assertEqual(r.returncode, 0,
                         f"$INNKEEP_TEST_PG {action}: {r.stderr}")

    def assertUnavailable(self, r):
        self.assertEqual(r.status, 503, r)
        ra = r.header("Retry-After")
        self.assertIsNotNone(ra, f"503 without Retry-After: {r!r}")
        self.assertRegex(ra.strip(), r"^\d+$", "Retry-After in seconds")

    def assertAllThreadsReady(self):
        """Concurrent waves of /readyz reach every worker thread; once one
        answer was 200, all are."""
        def one(_):
            return get("/readyz", headers=ACCEPT_JSON, timeout=TIMEOUT)
        with concurrent.futures.ThreadPoolExecutor(threads()) as pool:
            for wave in range(4):
                for r in pool.map(one, range(2 * threads())):
                    self.assertEqual(
                        r.status, 200,
                        f"wave {wave}: a worker thread still fails after "
                        f"the database came back: {r!r}")

    def wait_ready_again(self):
        """Polls /readyz; every answer is 200 or 503; ends on a 200."""
        seen = []
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            r = get("/readyz", headers=ACCEPT_JSON, timeout=TIMEOUT)
            seen.append(r.status)
            self.assertIn(r.status, (200, 503), r)
            if r.status == 200:
                self.assertEqual(r.json(), {"status": "ready"})
                return seen
            self.assertUnavailable(r)
            time.sleep(0.5)
        self.fail(f"/readyz never 200 after the database came back: {seen}")


class TestStopStart(DbCase):
    def test_stop_then_start(self):
        _, before = scrape()
        reconnects0 = metric_value(before, "innkeep_db_reconnects_total")
        self.pg("stop")
        # Several requests: each of the worker threads may hit it.
        for i in range(10):
            with self.subTest(i=i):
                r = get("/readyz", headers=ACCEPT_JSON, timeout=TIMEOUT)
                self.assertUnavailable(r)
                err = self.assertJsonError(r, 503, "unavailable")
                self.assertNotIn("fields", err)
                self.assertSecurityHeaders(r)
        r = get("/readyz", headers=ACCEPT_HTML, timeout=TIMEOUT)
        self.assertUnavailable(r)
        self.assertEqual(r.content_type, HTML_TYPE)
        self.assertHtmlError(r, 503)
        # The process is alive, and routes without the database answer.
        h = get("/healthz", timeout=TIMEOUT)
        self.assertEqual((h.status, h.body), (200, b"ok\n"), h)
        m = get("/metrics", timeout=TIMEOUT)
        self.assertEqual(m.status, 200, m)

        self.pg("start")
        self.wait_ready_again()
        self.assertAllThreadsReady()
        _, after = scrape()
        self.assertGreater(
            metric_value(after, "innkeep_db_reconnects_total"), reconnects0,
            "innkeep_db_reconnects_total counts the reconnections")

    def test_immediate_stop(self):
        """A crash-like stop (no goodbye to the clients)."""
        r = pg_ctl("stop", PG_STOP_MODE="immediate")
        self.assertEqual(r.returncode, 0, r.stderr)
        r = get("/readyz", headers=ACCEPT_JSON, timeout=TIMEOUT)
        self.assertUnavailable(r)
        self.pg("start")
        self.wait_ready_again()
        # Every thread's dead connection is replaced: once the database
        # is back, no request fails because of the crash (notes.md:
        # reconnect, re-prepare, retry).
        self.assertAllThreadsReady()

    def test_restart_while_idle(self):
        # Connections that look fine until their first query fails.
        self.pg("restart")
        statuses = []
        for _ in range(24):   # more than the threads: each one sees it
            r = get("/readyz", headers=ACCEPT_JSON, timeout=TIMEOUT)
            statuses.append(r.status)
            self.assertIn(r.status, (200, 503), r)
            if r.status == 503:
                self.assertUnavailable(r)
        # Once the cluster accepts connections, no thread stays broken.
        self.wait_ready_again()
        self.assertAllThreadsReady()


class TestRestartUnderLoad(DbCase):
    def test_stream_of_requests(self):
        stop = threading.Event()
        results = []
        lock = threading.Lock()

        def client(n):
            paths = ["/readyz", "/", "/healthz", "/_test/echo?x=1"]
            i = 0
            while not stop.is_set():
                path = paths[(n + i) % len(paths)]
                i += 1
                try:
                    r = get(path, headers=ACCEPT_JSON, timeout=TIMEOUT)
                    item = (path, r.status, r.header("Retry-After"),
                            r.body[:200])
                except Exception as e:     # noqa: BLE001 - reported below
                    item = (path, "exception", repr(e), b"")
                with lock:
                    results.append(item)

        with concurrent.futures.ThreadPoolExecutor(6) as pool:
            futs = [pool.submit(client, n) for n in range(6)]
            try:
                time.sleep(1)
                self.pg("restart")
                time.sleep(1)
                self.pg("restart")
                time.sleep(2)
            finally:
                stop.set()
                for f in futs:
                    f.result(timeout=2 * TIMEOUT)

        self.assertGreater(len(results), 20)
        bad = [x for x in results if x[1] not in (200, 503)]
        self.assertEqual(bad, [], "every answer is 200 or 503")
        no_retry = [x for x in results if x[1] == 503 and not x[2]]
        self.assertEqual(no_retry, [], "every 503 has Retry-After")
        self.wait_ready_again()


if __name__ == "__main__":
    unittest.main()
