"""Shared helpers for innkeep's black-box HTTP tests.

Python 3.11 standard library only.  The tests run against the real stack
(nginx + innkeep + PostgreSQL) that script/test starts; it passes everything
through INNKEEP_TEST_* environment variables.  Without them every test skips.

What lives here:
  - env(): the stack's settings, and require_stack() to skip without them
  - request(): one HTTP request through nginx (http.client), returning a
    Response with status, headers and body
  - raw_http(): bytes on a socket, for requests http.client refuses to send
  - psql(): a statement against the private cluster
  - FcgiConnection: a small FastCGI client, to talk to innkeep without nginx
  - InnkeepProcess, NginxProcess: processes a test starts and must stop
  - free_port(), wait_for(), parse_metrics()
"""

import contextlib
import http.client
import json
import os
import re
import secrets
import shlex
import shutil
import signal
import socket
import struct
import subprocess
import tempfile
import time
import unittest
import urllib.parse

# ---------------------------------------------------------------- settings

_REQUIRED = "INNKEEP_TEST_BASE_URL"


def require_stack():
    """Skips the calling test (class/module) unless script/test started us."""
    if not os.environ.get(_REQUIRED):
        raise unittest.SkipTest(
            "INNKEEP_TEST_BASE_URL is not set: run these tests through "
            "script/test, which starts the real stack (nginx, innkeep, "
            "PostgreSQL) and passes its addresses")


def env(name, default=None):
    value = os.environ.get(name, default)
    if value is None:
        raise unittest.SkipTest(f"{name} is not set: run script/test")
    return value


def base_url():
    return env("INNKEEP_TEST_BASE_URL").rstrip("/")


def max_body():
    return int(env("INNKEEP_TEST_MAX_BODY", "1048576"))


def threads():
    return int(env("INNKEEP_TEST_THREADS", "8"))


def run_dir():
    d = os.environ.get("INNKEEP_TEST_RUN_DIR") or tempfile.gettempdir()
    os.makedirs(d, exist_ok=True)
    return d


def repo():
    return env("INNKEEP_TEST_REPO")


def innkeep_bin():
    return env("INNKEEP_BIN")


def database_url():
    return env("INNKEEP_TEST_DATABASE_URL")


def database_url_for(dbname):
    """The libpq URI of another database of the private cluster."""
    host = env("INNKEEP_TEST_PGHOST")
    port = env("INNKEEP_TEST_PGPORT")
    return ("postgresql://postgres@/" + dbname + "?host="
            + urllib.parse.quote(host, safe="") + "&port=" + port)


# ---------------------------------------------------------------- HTTP

HEX32 = re.compile(r"^[0-9a-f]{32}$")
JSON_TYPE = "application/json; charset=utf-8"
HTML_TYPE = "text/html; charset=utf-8"
ACCEPT_JSON = {"Accept": "application/json"}
ACCEPT_HTML = {"Accept": "text/html,application/xhtml+xml,application/xml;"
                         "q=0.9,*/*;q=0.8"}


class Response:
    def __init__(self, status, reason, headers, body):
        self.status = status
        self.reason = reason
        self.header_list = headers          # [(name, value)] as sent
        self.body = body                    # bytes

    def header(self, name, default=None):
        """The first header of that name (case-insensitive)."""
        lname = name.lower()
        for k, v in self.header_list:
            if k.lower() == lname:
                return v
        return default

    def headers_named(self, name):
        lname = name.lower()
        return [v for k, v in self.header_list if k.lower() == lname]

    @property
    def content_type(self):
        return self.header("Content-Type", "")

    @property
    def text(self):
        return self.body.decode("utf-8")

    def json(self):
        return json.loads(self.body.decode("utf-8"))

    def __repr__(self):
        b = self.body[:300]
        return (f"<Response {self.status} {self.reason} "
                f"{self.header_list!r} {b!r}>")


def split_url(url):
    u = urllib.parse.urlsplit(url)
    return u.hostname, u.port or 80


def request(method, path, headers=None, body=None, timeout=30, url=None):
    """One request on a fresh connection; never follows redirects."""
    host, port = split_url(url or base_url())
    conn = http.client.HTTPConnection(host, port, timeout=timeout)
    try:
        hdrs = {"Connection": "close"}
        if headers:
            hdrs.update(headers)
        if isinstance(body, str):
            body = body.encode("utf-8")
        conn.request(method, path, body=body, headers=hdrs)
        r = conn.getresponse()
        data = r.read()
        return Response(r.status, r.reason, r.getheaders(), data)
    finally:
        conn.close()


def get(path, headers=None, **kw):
    return request("GET", path, headers=headers, **kw)


def get_json(path, **kw):
    return request("GET", path, headers=dict(ACCEPT_JSON), **kw)


def post(path, body, content_type, headers=None, **kw):
    h = {"Content-Type": content_type}
    if headers:
        h.update(headers)
    return request("POST", path, headers=h, body=body, **kw)


class _SockFile:
    """Enough of a socket for http.client.HTTPResponse."""

    def __init__(self, sock):
        self._sock = sock

    def makefile(self, mode, *a, **kw):
        return self._sock.makefile(mode)


def raw_http(data, method="GET", timeout=30, url=None):
    """Sends bytes as they are and parses the answer."""
    host, port = split_url(url or base_url())
    with socket.create_connection((host, port), timeout=timeout) as s:
        s.sendall(data)
        r = http.client.HTTPResponse(_SockFile(s), method=method)
        r.begin()
        body = r.read()
        return Response(r.status, r.reason, r.getheaders(), body)


def urlencode_pairs(pairs):
    return "&".join(urllib.parse.quote(k, safe="") + "="
                    + urllib.parse.quote(v, safe="") for k, v in pairs)


def multipart(parts, boundary=None):
    """parts: (name, value) for a field, or (name, filename, type, bytes)
    for a file.  Returns (content_type, body bytes)."""
    boundary = boundary or ("----innkeep" + secrets.token_hex(12))
    out = bytearray()
    for p in parts:
        out += b"--" + boundary.encode() + b"\r\n"
        if len(p) == 2:
            name, value = p
            out += (f'Content-Disposition: form-data; name="{name}"\r\n\r\n'
                    .encode("utf-8"))
            out += value.encode("utf-8") if isinstance(value, str) else value
        else:
            name, filename, ctype, data = p
            out += (f'Content-Disposition: form-data; name="{name}"; '
                    f'filename="{filename}"\r\n'
                    f"Content-Type: {ctype}\r\n\r\n").encode("utf-8")
            out += data
        out += b"\r\n"
    out += b"--" + boundary.encode() + b"--\r\n"
    return "multipart/form-data; boundary=" + boundary, bytes(out)


# What a client must never see in an answer (contract §2: no internals).
_INTERNALS = [
    re.compile(rb"\bSELECT\b.*\bFROM\b", re.S),
    re.compile(rb"\bINSERT INTO\b"),
    re.compile(rb"\bsyntax error at\b"),
    re.compile(rb"AddressSanitizer"),
    re.compile(rb"\.c:\d+"),
    re.compile(rb"/work/"),
    re.compile(rb"/usr/(local/)?(lib|src|share)/"),
    re.compile(rb"(?i)stack trace|backtrace|segmentation fault"),
]


def leaked_internals(body):
    for pat in _INTERNALS:
        m = pat.search(body)
        if m:
            return m.group(0)[:80]
    r = os.environ.get("INNKEEP_TEST_REPO")
    if r and r.encode() in body:
        return r
    return None


# ---------------------------------------------------------------- metrics

_SAMPLE = re.compile(r"^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})?\s+(\S+)"
                     r"(\s+\d+)?$")
_LABEL = re.compile(r'\s*([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"\s*,?')


def parse_metrics(text):
    """Prometheus text format -> (types {family: type},
    samples [(name, {label: value}, float)])."""
    types = {}
    samples = []
    for line in text.splitlines():
        if not line.strip():
            continue
        if line.startswith("#"):
            parts = line.split(None, 3)
            if len(parts) >= 4 and parts[1] == "TYPE":
                types[parts[2]] = parts[3].strip()
            continue
        m = _SAMPLE.match(line)
        if not m:
            raise ValueError(f"not an exposition line: {line!r}")
        labels = {}
        if m.group(3):
            rest = m.group(3)
            pos = 0
            while pos < len(rest):
                lm = _LABEL.match(rest, pos)
                if not lm:
                    raise ValueError(f"bad labels in {line!r}")
                labels[lm.group(1)] = lm.group(2)
                pos = lm.end()
        v = m.group(4)
        value = float({"+Inf": "inf", "-Inf": "-inf"}.get(v, v))
        samples.append((m.group(1), labels, value))
    return types, samples


def metric_value(samples, name, **labels):
    """Sum of the samples of that name whose labels include these."""
    total = 0.0
    for n, lab, v in samples:
        if n == name and all(lab.get(k) == val for k, val in labels.items()):
            total += v
    return total


def scrape(url=None):
    r = get("/metrics", url=url)
    if r.status != 200:
        raise AssertionError(f"/metrics answered {r.status}: {r!r}")
    return parse_metrics(r.text)


# ---------------------------------------------------------------- processes

def wait_for(pred, timeout=10.0, interval=0.05, what="condition"):
    deadline = time.monotonic() + timeout
    last_exc = None
    while time.monotonic() < deadline:
        try:
            v = pred()
            if v:
                return v
        except Exception as e:       # noqa: BLE001 - retried until deadline
            last_exc = e
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout}s waiting for {what}"
                         + (f" (last error: {last_exc!r})" if last_exc else ""))


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def clean_env(leak_check=False, **extra):
    """The environment for a child innkeep: no INNKEEP_* from script/test,
    the sanitizer options kept, plus extra (values converted to str).

    LeakSanitizer changes the exit status of a leaking process, which
    would hide what a test checks (exit 0 on SIGTERM, exit 2 on a bad
    config) behind a leak; so it is off unless leak_check is set, and
    dedicated tests (test_config, test_server) check for leaks."""
    e = {k: v for k, v in os.environ.items() if not k.startswith("INNKEEP_")}
    opts = [o for o in e.get("ASAN_OPTIONS", "").split(":")
            if o and not o.startswith("detect_leaks=")]
    opts.append("detect_leaks=" + ("1" if leak_check else "0"))
    e["ASAN_OPTIONS"] = ":".join(opts)
    for k, v in extra.items():
        e[k] = str(v)
    return e


def run_innkeep(args, timeout=60, leak_check=False, **env_extra):
    """Runs the binary to completion: CompletedProcess with text output."""
    return subprocess.run([innkeep_bin()] + list(args),
                          env=clean_env(leak_check, **env_extra),
                          capture_output=True, text=True, timeout=timeout,
                          cwd=run_dir())


SANITIZER_REPORT = re.compile(r"ERROR: (Address|Leak|Thread|Memory)Sanitizer"
                              r"|runtime error:|SUMMARY: \w+Sanitizer")


def sanitizer_report(text):
    """The first lines of a sanitizer report in text, or None."""
    m = SANITIZER_REPORT.search(text)
    if not m:
        return None
    return text[max(0, m.start() - 200):m.start() + 1500]


def stderr_lines(text):
    return [ln for ln in text.splitlines() if ln.strip()]


def short_tmpdir(prefix="ik"):
    """A directory whose paths fit in a unix socket address (108 bytes)."""
    d = run_dir()
    if len(d) > 60:
        d = tempfile.gettempdir()
    return tempfile.mkdtemp(prefix=prefix, dir=d)


class InnkeepProcess:
    """A second `innkeep serve` on its own unix socket, for tests that
    signal or starve it.  Register stop() with addCleanup."""

    def __init__(self, nthreads=2, database=None, extra_env=None,
                 leak_check=False):
        self.dir = short_tmpdir("iks")
        os.chmod(self.dir, 0o755)
        self.sock = os.path.join(self.dir, "x.sock")
        self.log_path = os.path.join(self.dir, "innkeep.log")
        e = dict(INNKEEP_LISTEN="unix:" + self.sock,
                 INNKEEP_DATABASE_URL=database or database_url(),
                 INNKEEP_THREADS=nthreads,
                 INNKEEP_TEST_ROUTES="true",
                 INNKEEP_MAX_BODY_BYTES=max_body())
        sql = os.environ.get("INNKEEP_TEST_SQL_DIR")
        if sql:
            e["INNKEEP_SQL_DIR"] = sql
        tpl = os.environ.get("INNKEEP_TEST_TEMPLATES_DIR")
        r = os.environ.get("INNKEEP_TEST_REPO")
        if not tpl and r:
            tpl = os.path.join(r, "templates")
        if tpl:
            e["INNKEEP_TEMPLATES_DIR"] = tpl
        if extra_env:
            e.update(extra_env)
        self._log = open(self.log_path, "wb")
        self.proc = subprocess.Popen(
            [innkeep_bin(), "-c", "/dev/null", "serve"],
            env=clean_env(leak_check, **e), stdin=subprocess.DEVNULL,
            stdout=self._log, stderr=subprocess.STDOUT, cwd=self.dir)

    def wait_ready(self, timeout=15):
        def ready():
            if self.proc.poll() is not None:
                raise AssertionError(
                    f"innkeep serve exited with {self.proc.returncode}: "
                    + self.log_tail())
            if not os.path.exists(self.sock):
                return False
            with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
                s.settimeout(2)
                s.connect(self.sock)
            # The socket is there; make sure it answers, too.
            r = fcgi_request(self.sock, "GET", "/healthz", timeout=10)
            return r.status == 200
        wait_for(ready, timeout=timeout, what="innkeep serve to answer")
        # Socket should be usable by nginx workers (nobody).
        with contextlib.suppress(OSError):
            os.chmod(self.sock, 0o777)
        return self

    def log(self):
        """Everything the process wrote (stdout and stderr)."""
        try:
            with open(self.log_path, "rb") as f:
                return f.read().decode("utf-8", "replace")
        except OSError:
            return ""

    def log_tail(self, n=3000):
        return self.log()[-n:]

    def terminate(self, timeout=10):
        """SIGTERM, then the exit status (None if it did not exit)."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
        try:
            return self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            return None

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)
        self._log.close()
        shutil.rmtree(self.dir, ignore_errors=True)


class NginxProcess:
    """nginx under its own prefix, with the config that script/lib's
    generator prints.  Register stop() with addCleanup."""

    def __init__(self, fcgi_socket, keepalive, port=None):
        gen = env("INNKEEP_TEST_NGINX_CONF_GEN")
        self.prefix = short_tmpdir("ikn")
        os.chmod(self.prefix, 0o755)
        for d in ("conf", "logs", "tmp"):
            os.makedirs(os.path.join(self.prefix, d), exist_ok=True)
        self.port = port or free_port()
        # Workers run as nobody when started as root: serve a copy.
        static = os.path.join(self.prefix, "static")
        shutil.copytree(os.path.join(repo(), "static"), static)
        for root, dirs, files in os.walk(static):
            for n in dirs + files:
                os.chmod(os.path.join(root, n), 0o755)
        os.chmod(static, 0o755)
        # The generator takes innkeep's max_body_bytes; nginx allows more.
        args = [self.prefix, str(self.port), fcgi_socket, static,
                str(keepalive), str(max_body()), "off"]
        cmd = shlex.split(gen) + args
        out = subprocess.run(cmd, capture_output=True, text=True, timeout=30)
        if out.returncode != 0:
            raise AssertionError(f"{gen} failed ({out.returncode}): "
                                 f"{out.stderr}")
        self.conf = os.path.join(self.prefix, "conf", "nginx.conf")
        with open(self.conf, "w") as f:
            f.write(out.stdout)
        self.log_path = os.path.join(self.prefix, "logs", "error.log")
        self._out = open(os.path.join(self.prefix, "logs", "stdout.log"),
                         "wb")
        self.proc = subprocess.Popen(
            ["nginx", "-p", self.prefix, "-e", self.log_path,
             "-c", self.conf, "-g", "daemon off;"],
            stdin=subprocess.DEVNULL, stdout=self._out,
            stderr=subprocess.STDOUT)
        self.url = f"http://127.0.0.1:{self.port}"

    def wait_ready(self, timeout=15):
        def ready():
            if self.proc.poll() is not None:
                raise AssertionError(f"nginx exited with "
                                     f"{self.proc.returncode}: {self.log()}")
            with socket.create_connection(("127.0.0.1", self.port),
                                          timeout=1):
                return True
        wait_for(ready, timeout=timeout, what="nginx to listen")
        return self

    def log(self):
        try:
            with open(self.log_path, "rb") as f:
                return f.read().decode("utf-8", "replace")[-3000:]
        except OSError:
            return ""

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGQUIT)
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)
        self._out.close()
        shutil.rmtree(self.prefix, ignore_errors=True)


# ---------------------------------------------------------------- PostgreSQL

def psql(sql, db="innkeep", check=True, timeout=60):
    """Runs SQL with psql -Atc; returns stdout (stripped)."""
    cmd = ["psql", "-h", env("INNKEEP_TEST_PGHOST"),
           "-p", env("INNKEEP_TEST_PGPORT"), "-U", "postgres", "-d", db,
           "-v", "ON_ERROR_STOP=1", "-X", "-Atc", sql]
    r = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
    if check and r.returncode != 0:
        raise AssertionError(f"psql failed ({r.returncode}) on {sql!r}: "
                             f"{r.stderr.strip()}")
    return r.stdout.strip()


def pg_ctl(action, timeout=120, **extra_env):
    """$INNKEEP_TEST_PG restart|stop|start; returns the CompletedProcess.
    extra_env: e.g. PG_STOP_MODE="immediate" to simulate a crash."""
    cmd = env("INNKEEP_TEST_PG")
    e = dict(os.environ)
    e.update(extra_env)
    return subprocess.run(cmd + " " + action, shell=True, env=e,
                          capture_output=True, text=True, timeout=timeout)


def pg_is_up():
    try:
        return psql("SELECT 1", db="postgres", check=False,
                    timeout=10) == "1"
    except subprocess.TimeoutExpired:
        return False


def ensure_pg_running():
    """Cleanup helper: the cluster runs again whatever a test did."""
    if not pg_is_up():
        pg_ctl("start")
        wait_for(pg_is_up, timeout=60, interval=0.5,
                 what="PostgreSQL to accept connections")


def create_database(testcase, prefix="t_"):
    name = prefix + secrets.token_hex(6)
    psql(f'CREATE DATABASE "{name}"', db="postgres")
    testcase.addCleanup(
        psql, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)',
        db="postgres", check=False)
    return name


# ---------------------------------------------------------------- FastCGI

FCGI_BEGIN_REQUEST = 1
FCGI_ABORT_REQUEST = 2
FCGI_END_REQUEST = 3
FCGI_PARAMS = 4
FCGI_STDIN = 5
FCGI_STDOUT = 6
FCGI_STDERR = 7
FCGI_RESPONDER = 1
FCGI_KEEP_CONN = 1


def fcgi_record(rtype, req_id, content=b""):
    """One or more records carrying content (split at 65535 bytes)."""
    out = bytearray()
    chunks = [content[i:i + 65535] for i in range(0, len(content), 65535)]
    for chunk in chunks or [b""]:
        pad = (-len(chunk)) % 8
        out += struct.pack(">BBHHBx", 1, rtype, req_id, len(chunk), pad)
        out += chunk + b"\0" * pad
    return bytes(out)


def _fcgi_len(n):
    return bytes([n]) if n < 128 else struct.pack(">I", n | 0x80000000)


def fcgi_params(params):
    out = bytearray()
    for k, v in params.items():
        k = k.encode() if isinstance(k, str) else k
        v = v.encode() if isinstance(v, str) else v
        out += _fcgi_len(len(k)) + _fcgi_len(len(v)) + k + v
    return bytes(out)


class FcgiResponse:
    def __init__(self, app_status, proto_status, stdout, stderr):
        self.app_status = app_status
        self.proto_status = proto_status
        self.stderr = stderr
        head, sep, body = stdout.partition(b"\r\n\r\n")
        if not sep:
            head, sep, body = stdout.partition(b"\n\n")
        self.header_list = []
        self.status = 200
        for line in head.decode("latin-1").splitlines():
            name, _, value = line.partition(":")
            value = value.strip()
            if name.lower() == "status":
                self.status = int(value.split()[0])
            self.header_list.append((name, value))
        self.body = body

    def header(self, name, default=None):
        for k, v in self.header_list:
            if k.lower() == name.lower():
                return v
        return default

    def json(self):
        return json.loads(self.body.decode("utf-8"))

    def __repr__(self):
        return (f"<FcgiResponse {self.status} {self.header_list!r} "
                f"{self.body[:200]!r}>")


def build_params(method, path, query="", headers=None, body=b"",
                 request_id=None):
    """The parameters nginx's fastcgi_params would send."""
    uri = path + ("?" + query if query else "")
    p = {
        "GATEWAY_INTERFACE": "CGI/1.1",
        "SERVER_SOFTWARE": "innkeep-tests",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REQUEST_METHOD": method,
        "REQUEST_URI": uri,
        "DOCUMENT_URI": path,
        "SCRIPT_NAME": path,
        "QUERY_STRING": query,
        "CONTENT_TYPE": "",
        "CONTENT_LENGTH": str(len(body)) if body else "",
        "REMOTE_ADDR": "127.0.0.1",
        "REMOTE_PORT": "40000",
        "SERVER_ADDR": "127.0.0.1",
        "SERVER_PORT": "80",
        "SERVER_NAME": "localhost",
        "HTTP_HOST": "localhost",
        "REQUEST_ID": request_id or secrets.token_hex(16),
    }
    for k, v in (headers or {}).items():
        if k.lower() == "content-type":
            p["CONTENT_TYPE"] = v
        else:
            p["HTTP_" + k.upper().replace("-", "_")] = v
    return p


class FcgiConnection:
    """One connection to a FastCGI responder on a unix socket."""

    def __init__(self, path, timeout=10):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.settimeout(timeout)
        self.sock.connect(path)
        self._buf = b""

    def close(self):
        with contextlib.suppress(OSError):
            self.sock.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def send_request(self, method, path, query="", headers=None, body=b"",
                     req_id=1, keep_conn=False, params=None):
        if isinstance(body, str):
            body = body.encode("utf-8")
        p = build_params(method, path, query, headers, body)
        if params:
            p.update(params)
        data = bytearray()
        data += fcgi_record(FCGI_BEGIN_REQUEST, req_id, struct.pack(
            ">HB5x", FCGI_RESPONDER, FCGI_KEEP_CONN if keep_conn else 0))
        data += fcgi_record(FCGI_PARAMS, req_id, fcgi_params(p))
        data += fcgi_record(FCGI_PARAMS, req_id)
        if body:
            data += fcgi_record(FCGI_STDIN, req_id, body)
        data += fcgi_record(FCGI_STDIN, req_id)
        self.sock.sendall(bytes(data))

    def _recv_exact(self, n):
        while len(self._buf) < n:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise ConnectionError(
                    f"FastCGI peer closed after {len(self._buf)} of "
                    f"{n} bytes")
            self._buf += chunk
        out, self._buf = self._buf[:n], self._buf[n:]
        return out

    def read_response(self, req_id=1):
        stdout = bytearray()
        stderr = bytearray()
        while True:
            ver, rtype, rid, clen, plen = struct.unpack(
                ">BBHHBx", self._recv_exact(8))
            content = self._recv_exact(clen + plen)[:clen]
            if rid != req_id:
                continue
            if rtype == FCGI_STDOUT:
                stdout += content
            elif rtype == FCGI_STDERR:
                stderr += content
            elif rtype == FCGI_END_REQUEST:
                app_status, proto = struct.unpack(">IB3x", content[:8])
                return FcgiResponse(app_status, proto, bytes(stdout),
                                    bytes(stderr))

    def request(self, *a, req_id=1, **kw):
        self.send_request(*a, req_id=req_id, **kw)
        return self.read_response(req_id)


def fcgi_request(sock_path, method, path, timeout=10, **kw):
    with FcgiConnection(sock_path, timeout=timeout) as c:
        return c.request(method, path, **kw)


# ---------------------------------------------------------------- asserts

class StackTestCase(unittest.TestCase):
    """Skips without the stack; asserts shared by the test files."""

    @classmethod
    def setUpClass(cls):
        require_stack()
        super().setUpClass()

    def assertSecurityHeaders(self, r):
        rid = r.header("X-Request-Id")
        self.assertIsNotNone(rid, f"no X-Request-Id: {r!r}")
        self.assertRegex(rid, HEX32, "X-Request-Id is nginx's $request_id")
        self.assertEqual(r.header("X-Content-Type-Options"), "nosniff", r)
        self.assertTrue(r.header("Referrer-Policy"),
                        f"no Referrer-Policy: {r!r}")
        if r.content_type.startswith("text/html"):
            csp = r.header("Content-Security-Policy")
            self.assertTrue(csp, f"HTML answer without a CSP: {r!r}")
            self.assertTrue("default-src 'none'" in csp
                            or "default-src 'self'" in csp, csp)
            self.assertIn("frame-ancestors 'none'", csp)

    def assertJsonError(self, r, status, code):
        self.assertEqual(r.status, status, r)
        self.assertEqual(r.content_type, JSON_TYPE, r)
        doc = r.json()
        self.assertIsInstance(doc, dict, r)
        self.assertIn("error", doc, r)
        err = doc["error"]
        self.assertEqual(err.get("code"), code, r)
        self.assertIsInstance(err.get("message"), str, r)
        self.assertTrue(err["message"], f"empty error message: {r!r}")
        self.assertIsNone(leaked_internals(r.body), r)
        return err

    def assertHtmlError(self, r, status):
        self.assertEqual(r.status, status, r)
        self.assertEqual(r.content_type, HTML_TYPE, r)
        self.assertIn(b"<html", r.body.lower(), r)
        self.assertIsNone(leaked_internals(r.body), r)
        self.assertSecurityHeaders(r)

    def assertNoSanitizerReport(self, text):
        report = sanitizer_report(text)
        if report:
            self.fail("sanitizer report:\n" + report)

    def assertHealthy(self, url=None):
        r = get("/healthz", url=url, timeout=30)
        self.assertEqual(r.status, 200, f"/healthz after the test: {r!r}")
        self.assertEqual(r.body, b"ok\n")
