"""The serve process: SIGTERM, clients that go away, idle FastCGI
connections, and nginx's upstream keepalive (notes.md: an idle kept-alive
connection pins one libfcgi thread)."""

import concurrent.futures
import signal
import socket
import struct
import time
import unittest

from support import (ACCEPT_JSON, FCGI_BEGIN_REQUEST, FCGI_PARAMS,
                     FCGI_RESPONDER, FCGI_STDIN, FcgiConnection,
                     InnkeepProcess, NginxProcess, StackTestCase,
                     base_url, build_params, env, fcgi_params,
                     fcgi_record, fcgi_request, raw_http, request,
                     split_url, threads)

EXIT_TIMEOUT = 10      # "within a few seconds", generously


class ServerCase(StackTestCase):
    def start_server(self, nthreads=2):
        srv = InnkeepProcess(nthreads=nthreads)
        self.addCleanup(srv.stop)
        srv.wait_ready()
        return srv

    def assertCleanExit(self, srv, status):
        self.assertIsNotNone(status, "innkeep did not exit within "
                             f"{EXIT_TIMEOUT}s of SIGTERM:\n{srv.log_tail()}")
        self.assertEqual(status, 0,
                         f"exit status {status}:\n{srv.log_tail()}")
        self.assertNoSanitizerReport(srv.log())

    def assertAnswers(self, srv):
        r = fcgi_request(srv.sock, "GET", "/healthz", timeout=10)
        self.assertEqual((r.status, r.body), (200, b"ok\n"), r)
        self.assertIsNone(srv.proc.poll(), "the server is still running")


class TestFastCgiDirect(ServerCase):
    def test_answers_like_through_nginx(self):
        srv = self.start_server()
        r = fcgi_request(srv.sock, "GET", "/healthz",
                         headers=ACCEPT_JSON)
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.json(), {"status": "ok"})
        r = fcgi_request(srv.sock, "POST", "/_test/echo", query="q=1",
                         headers={"Content-Type":
                                  "application/x-www-form-urlencoded"},
                         body=b"a=1&b=%C3%A9",
                         params={"REQUEST_ID": "0123456789abcdef" * 2})
        self.assertEqual(r.status, 200, r)
        doc = r.json()
        self.assertEqual(doc["query"], [["q", "1"]])
        self.assertEqual(doc["body"], [["a", "1"], ["b", "é"]])
        self.assertEqual(doc["request_id"], "0123456789abcdef" * 2)
        self.assertEqual(r.header("X-Request-Id"), "0123456789abcdef" * 2)

    def test_keep_conn_serves_several_requests(self):
        srv = self.start_server()
        with FcgiConnection(srv.sock) as c:
            for i in range(5):
                r = c.request("GET", "/_test/echo", query=f"i={i}",
                              keep_conn=True, req_id=1 + i % 2)
                self.assertEqual(r.status, 200, r)
                self.assertEqual(r.json()["query"], [["i", str(i)]])


class TestShutdown(ServerCase):
    def test_sigterm_exits_zero(self):
        srv = self.start_server()
        self.assertAnswers(srv)
        self.assertCleanExit(srv, srv.terminate(EXIT_TIMEOUT))

    def test_no_leak_at_shutdown(self):
        srv = InnkeepProcess(nthreads=2, leak_check=True)
        self.addCleanup(srv.stop)
        srv.wait_ready()
        self.assertAnswers(srv)
        r = fcgi_request(srv.sock, "POST", "/_test/echo", headers={
            "Content-Type": "application/json"}, body=b'{"a": [1]}')
        self.assertEqual(r.status, 200, r)
        status = srv.terminate(EXIT_TIMEOUT)
        self.assertNoSanitizerReport(srv.log())
        self.assertEqual(status, 0, srv.log_tail())

    def test_sigterm_when_never_used(self):
        srv = InnkeepProcess(nthreads=2)
        self.addCleanup(srv.stop)
        srv.wait_ready()
        self.assertCleanExit(srv, srv.terminate(EXIT_TIMEOUT))

    def test_idle_keep_conn_does_not_block_exit(self):
        srv = self.start_server()
        c = FcgiConnection(srv.sock, timeout=EXIT_TIMEOUT + 5)
        self.addCleanup(c.close)
        r = c.request("GET", "/healthz", keep_conn=True)
        self.assertEqual(r.status, 200, r)
        # A second idle connection, as nginx's keepalive pool has.
        c2 = FcgiConnection(srv.sock, timeout=EXIT_TIMEOUT + 5)
        self.addCleanup(c2.close)
        self.assertEqual(c2.request("GET", "/", keep_conn=True).status, 200)
        time.sleep(0.5)
        self.assertCleanExit(srv, srv.terminate(EXIT_TIMEOUT))

    def test_all_threads_pinned_by_idle_connections(self):
        srv = self.start_server(nthreads=2)
        conns = []
        for _ in range(2):
            c = FcgiConnection(srv.sock, timeout=EXIT_TIMEOUT + 5)
            self.addCleanup(c.close)
            self.assertEqual(c.request("GET", "/healthz",
                                       keep_conn=True).status, 200)
            conns.append(c)
        self.assertCleanExit(srv, srv.terminate(EXIT_TIMEOUT))

    def test_request_in_flight_is_finished(self):
        srv = self.start_server()
        body = b"a=1&b=2"
        c = FcgiConnection(srv.sock, timeout=EXIT_TIMEOUT + 5)
        self.addCleanup(c.close)
        p = build_params("POST", "/_test/echo", "", {
            "Content-Type": "application/x-www-form-urlencoded"}, body)
        c.sock.sendall(
            fcgi_record(FCGI_BEGIN_REQUEST, 1,
                        struct.pack(">HB5x", FCGI_RESPONDER, 0))
            + fcgi_record(FCGI_PARAMS, 1, fcgi_params(p))
            + fcgi_record(FCGI_PARAMS, 1)
            + fcgi_record(FCGI_STDIN, 1, body[:3]))
        time.sleep(0.5)             # the request is being read
        srv.proc.send_signal(signal.SIGTERM)
        time.sleep(0.3)
        c.sock.sendall(fcgi_record(FCGI_STDIN, 1, body[3:])
                       + fcgi_record(FCGI_STDIN, 1))
        r = c.read_response(1)
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.json()["body"], [["a", "1"], ["b", "2"]])
        self.assertCleanExit(srv, srv.terminate(EXIT_TIMEOUT))


class TestAbortedClients(ServerCase):
    def _abort(self, sock_path, i):
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.settimeout(5)
        s.connect(sock_path)
        kind = i % 4
        p = build_params("GET", "/metrics" if i % 2 else "/_test/echo",
                         "a=" + "x" * 100)
        begin = fcgi_record(FCGI_BEGIN_REQUEST, 1,
                            struct.pack(">HB5x", FCGI_RESPONDER, 0))
        full = (begin + fcgi_record(FCGI_PARAMS, 1, fcgi_params(p))
                + fcgi_record(FCGI_PARAMS, 1) + fcgi_record(FCGI_STDIN, 1))
        if kind == 0:
            s.sendall(full)                         # then close at once
        elif kind == 1:
            s.sendall(full)                         # then reset (RST)
            s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                         struct.pack("ii", 1, 0))
        elif kind == 2:
            s.sendall(full[:len(begin) + 20])       # inside the params
        else:
            s.sendall(begin)                        # nothing but begin
            s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                         struct.pack("ii", 1, 0))
        s.close()

    def test_fifty_aborted_requests(self):
        srv = self.start_server(nthreads=2)
        for i in range(50):
            self._abort(srv.sock, i)
        # Every thread is free again: more requests than threads answer.
        for _ in range(6):
            self.assertAnswers(srv)
        with concurrent.futures.ThreadPoolExecutor(8) as pool:
            futs = [pool.submit(fcgi_request, srv.sock, "GET", "/healthz",
                                timeout=30) for _ in range(16)]
            for f in futs:
                self.assertEqual(f.result(timeout=60).status, 200)
        self.assertCleanExit(srv, srv.terminate(EXIT_TIMEOUT))

    def test_large_response_to_a_vanished_client(self):
        # A response bigger than the socket buffers, to a client that
        # closed: the write fails (EPIPE), the server lives on.
        srv = self.start_server(nthreads=2)
        q = "&".join(f"f{i}=" + "v" * 1000 for i in range(200))
        for i in range(10):
            s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            s.connect(srv.sock)
            p = build_params("GET", "/_test/echo", q)
            s.sendall(fcgi_record(FCGI_BEGIN_REQUEST, 1,
                                  struct.pack(">HB5x", FCGI_RESPONDER, 0))
                      + fcgi_record(FCGI_PARAMS, 1, fcgi_params(p))
                      + fcgi_record(FCGI_PARAMS, 1)
                      + fcgi_record(FCGI_STDIN, 1))
            if i % 2:
                s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                             struct.pack("ii", 1, 0))
            s.close()
        time.sleep(0.5)
        for _ in range(4):
            self.assertAnswers(srv)
        self.assertCleanExit(srv, srv.terminate(EXIT_TIMEOUT))

    def test_aborted_http_clients_through_nginx(self):
        # The main stack: nginx drops the upstream request when its client
        # goes away.
        for i in range(50):
            s = socket.create_connection(split_url(base_url()), timeout=5)
            path = ["/metrics", "/_test/echo?x=1", "/", "/readyz"][i % 4]
            s.sendall(f"GET {path} HTTP/1.1\r\nHost: x\r\n\r\n".encode())
            if i % 2:
                s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                             struct.pack("ii", 1, 0))
            s.close()
        self.assertHealthy()
        r = raw_http(b"GET /healthz HTTP/1.1\r\nHost: x\r\n"
                     b"Connection: close\r\n\r\n")
        self.assertEqual(r.status, 200, r)


class KeepaliveCase(StackTestCase):
    CLIENT_TIMEOUT = 10

    def waves(self, url, waves=3, width=40):
        paths = ["/healthz", "/readyz", "/_test/echo?a=1", "/", "/metrics"]

        def one(i):
            r = request("GET", paths[i % len(paths)], url=url,
                        headers=ACCEPT_JSON, timeout=30)
            return r.status

        with concurrent.futures.ThreadPoolExecutor(width) as pool:
            for w in range(waves):
                statuses = list(pool.map(one, range(width)))
                self.assertEqual(statuses, [200] * width, f"wave {w}")

    def sequential(self, url, n=10):
        time.sleep(1)   # every upstream connection is idle now
        for i in range(n):
            try:
                r = request("GET", "/healthz", url=url,
                            timeout=self.CLIENT_TIMEOUT)
            except (socket.timeout, TimeoutError) as e:
                self.fail(f"request {i} after the waves hung "
                          f"(> {self.CLIENT_TIMEOUT}s): {e!r}")
            self.assertEqual(r.status, 200, r)


class TestKeepaliveStarvation(KeepaliveCase):
    def test_own_nginx_keepalive_2_main_innkeep(self):
        ng = NginxProcess(env("INNKEEP_TEST_FCGI_SOCKET"), keepalive=2)
        self.addCleanup(ng.stop)
        ng.wait_ready()
        self.assertEqual(threads(), 8)
        self.waves(ng.url)
        self.sequential(ng.url)
        # The main stack's nginx is not starved either.
        self.sequential(None)

    def test_main_stack_nginx(self):
        self.waves(None)
        self.sequential(None)

    def test_more_kept_connections_than_threads(self):
        # A misconfiguration: nginx may keep 6 idle connections, innkeep
        # has 2 threads.  innkeep closes a kept connection after 2 s idle,
        # so new requests wait a few seconds at most, not nginx's 65 s.
        srv = InnkeepProcess(nthreads=2)
        self.addCleanup(srv.stop)
        srv.wait_ready()
        ng = NginxProcess(srv.sock, keepalive=6)
        self.addCleanup(ng.stop)
        ng.wait_ready()
        self.waves(ng.url, waves=2, width=12)
        self.sequential(ng.url, n=5)
        self.assertIsNone(srv.proc.poll(), srv.log_tail())


if __name__ == "__main__":
    unittest.main()
