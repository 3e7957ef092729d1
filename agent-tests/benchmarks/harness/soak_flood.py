#!/usr/bin/env python3
"""Soak and flood of the bundled MCP server (servlet-jetty, streamable HTTP) behind the agent and its embedded
authorization server. Run it through ../soak-flood.sh, which checks the jars and tools first.

Soak: --minutes of mixed load (default 30), each kind on threads of its own, closed loops with pauses:
  valid     MCP calls (tools/call echo) on long-lived sessions with valid access tokens (warm verified-token cache);
  fresh     a new token every time (client_credentials of a service client made with `client add`), then a
            session opened, called and closed with it (a signature check and a cache entry each);
  invalid   requests with bad tokens (random text, a real header with a random body and signature, a real
            token with a broken signature, an expired token): every one must get 401;
  sessions  sessions opened with a valid token, called and closed (DELETE);
  flows     the authorization-code flow end to end: registration, /authorize, login, consent, code exchange,
            refresh and revocation (a sign-in costs a 600,000-round PBKDF2: one flow every few seconds).
Every minute it records the server JVM's heap used after `jcmd GC.run` (the live set: what "bounded" is
about), live threads (/proc/PID/status) and open file descriptors (/proc/PID/fd), and the requests and the
unexpected answers of that minute. Each metric is bounded when the maximum over the last window (10 minutes,
or a third of a shorter run) is not above the maximum over the first window by more than its margin
(heap 20 %, threads and descriptors 10 % or 8, whichever is more).

Flood: valid callers (2 threads, each a closed loop of tools/call on a session of its own) are measured
alone for --quiet seconds, then again for --flood seconds while wrk sends invalid tokens (the three bad
kinds above, random per request) at the highest rate it can on --flood-connections connections. The
report gives both p50/p99 and their ratio, against the target flood p99 <= 2x quiet p99; the machine's
core count is in the report because on a small machine the flood also takes CPU from the callers.
Between the two, for --baseline seconds (default: as long as --flood), the callers are measured under the
same flood sent to a path no transport serves (/flood-baseline, Jetty's 404): the same connections and
tokens, so the same header parsing in Jetty, but no gate. Flood p99 / baseline p99 is then what the gate's
refusals add; baseline p99 / quiet p99 what the machine and the server give the callers under any such
flood. For each phase the report gives the server's CPU per wrk request and where the machine's CPU went
(server, wrk, callers, other processes, idle, steal), with the server's live threads.

The Markdown report goes to agent-tests/benchmarks/reports/soak-flood-<UTC time>-<commit>.md (or --report),
the raw numbers to target/soak-flood/results.json, the server's log to target/soak-flood/server.log.
Everything listens on 127.0.0.1; every process started is stopped on exit.
"""
import argparse
import base64
import datetime
import hashlib
import html
import http.client
import json
import os
import random
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from pathlib import Path

HERE = Path(__file__).resolve().parent
BENCH = HERE.parent
ROOT = BENCH.parent.parent
OUT = BENCH / "target" / "soak-flood"
REPORTS = BENCH / "reports"
AGENT = ROOT / "agent" / "target" / "mcpauth-agent.jar"
FIXTURE = ROOT / "integration-fixtures" / "servlet-jetty" / "target" / "servlet-jetty.jar"
FLOOD_LUA = HERE / "flood.lua"

USER, PASSWORD = "soak", "soak-password-" + base64.urlsafe_b64encode(os.urandom(12)).decode()
SERVICE_CLIENT = "soak-machine"
PROTOCOL = "2025-06-18"
ACCEPT = "application/json, text/event-stream"
HEAP_MARGIN, COUNT_MARGIN, COUNT_MIN_SLACK = 0.20, 0.10, 8
REQUEST_TIMEOUT_S = 30


def log(msg):
    print(f"[soak-flood {time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def request(port, method, path, body=None, headers=None):
    """One request on a new connection: (status, headers dict lower-cased, body bytes, seconds)."""
    started = time.perf_counter()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=REQUEST_TIMEOUT_S)
    # The loopback resource is the origin the client names: tokens are for http://localhost:PORT/.
    headers = {"Host": f"localhost:{port}", **(headers or {})}
    try:
        conn.request(method, path, body=body, headers=headers)
        response = conn.getresponse()
        data = response.read()
        names = {}
        for name, value in response.getheaders():
            names.setdefault(name.lower(), []).append(value)
        return response.status, names, data, time.perf_counter() - started
    finally:
        conn.close()


def rpc(method, params, id_=1):
    return json.dumps({"jsonrpc": "2.0", "id": id_, "method": method, "params": params})


INITIALIZE = rpc("initialize", {"protocolVersion": PROTOCOL, "capabilities": {},
                                "clientInfo": {"name": "soak", "version": "1"}})
INITIALIZED = json.dumps({"jsonrpc": "2.0", "method": "notifications/initialized"})
ECHO = rpc("tools/call", {"name": "echo", "arguments": {"text": "soak"}}, 2)


class Unexpected(Exception):
    pass


# ---------------------------------------------------------------- the server

class Server:
    """The fixture with the agent and its embedded AS, a user and a service client made as an operator would."""

    def __init__(self, agent, fixture, heap, jvm_args=(), cpus=None):
        self.home = Path(tempfile.mkdtemp(prefix="mcpauth-soak-"))
        self.data = self.home / "data"
        self.data.mkdir(mode=0o700)
        self.agent, self.fixture = agent, fixture
        self.as_port, self.mcp_port = free_port(), free_port()
        self.resource = f"http://localhost:{self.mcp_port}/"
        self.issuer = f"http://localhost:{self.as_port}"
        subprocess.run(["java", "-jar", str(agent), "user", "add", "--users-file", str(self.data / "users"),
                        "--username", USER], input=PASSWORD + "\n", text=True, check=True, capture_output=True)
        made = subprocess.run(["java", f"-Dmcpauth.as.data={self.data}", "-jar", str(agent), "client", "add",
                               "--client-id", SERVICE_CLIENT, "--scope", "mcp:tools"],
                              text=True, check=True, capture_output=True, stdin=subprocess.DEVNULL)
        secret = re.search(r"^client_secret=(\S+)$", made.stdout, re.M).group(1)
        self.basic = "Basic " + base64.b64encode(f"{SERVICE_CLIENT}:{secret}".encode()).decode()
        OUT.mkdir(parents=True, exist_ok=True)
        self.log = open(OUT / "server.log", "w")
        pin = ["taskset", "-c", cpus] if cpus else []
        self.proc = subprocess.Popen(
            [*pin, "java", f"-Xmx{heap}", f"-javaagent:{agent}", f"-Dmcpauth.as.port={self.as_port}",
             f"-Dmcpauth.as.data={self.data}", "-Dmcpauth.as.dcr.per-minute=1000000",
             "-Dmcpauth.as.token.failures-per-address=1000000", "-Dmcpauth.as.login.failures-per-address=1000000",
             "-Dmcpauth.as.login.failures-per-account=1000000", *jvm_args,
             # the transport at /mcp only (not /*): other paths are Jetty's 404, which the flood's baseline uses
             "-jar", str(fixture), "--port", str(self.mcp_port), "--transport", "streamable", "--servlet-mapping", "/mcp"],
            stdout=self.log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        deadline = time.monotonic() + 90
        while True:
            try:
                if request(self.as_port, "GET", "/.well-known/oauth-authorization-server")[0] == 200 \
                        and request(self.mcp_port, "POST", "/mcp", INITIALIZE,
                                    {"Content-Type": "application/json", "Accept": ACCEPT})[0] == 401:
                    break
            except OSError:
                pass
            if self.proc.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise SystemExit(f"the server did not start; see {OUT / 'server.log'}")
            time.sleep(0.2)

    @property
    def pid(self):
        return self.proc.pid

    def service_token(self):
        status, _, body, _ = request(self.as_port, "POST", "/token", urllib.parse.urlencode(
            {"grant_type": "client_credentials", "resource": self.resource}),
            {"Content-Type": "application/x-www-form-urlencoded", "Authorization": self.basic})
        if status != 200:
            raise Unexpected(f"/token client_credentials: {status} {body[:200]!r}")
        return json.loads(body)["access_token"]

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(15)
        self.log.close()
        shutil.rmtree(self.home, ignore_errors=True)


class Session:
    """One MCP session (streamable HTTP) opened with a bearer token."""

    def __init__(self, server, token):
        self.server, self.token = server, token
        status, headers, body, _ = self._post(INITIALIZE, {})
        if status != 200:
            raise Unexpected(f"initialize: {status} {body[:200]!r}")
        self.id = headers.get("mcp-session-id", [None])[0]
        if not self.id:
            raise Unexpected("initialize: no Mcp-Session-Id")
        status, _, body, _ = self._post(INITIALIZED, {"Mcp-Session-Id": self.id})
        if status not in (200, 202):
            raise Unexpected(f"notifications/initialized: {status} {body[:200]!r}")

    def _post(self, body, extra):
        headers = {"Content-Type": "application/json", "Accept": ACCEPT, "Authorization": "Bearer " + self.token,
                   "MCP-Protocol-Version": PROTOCOL}
        headers.update(extra)
        return request(self.server.mcp_port, "POST", "/mcp", body, headers)

    def call(self):
        """tools/call echo: its latency in seconds."""
        status, _, body, seconds = self._post(ECHO, {"Mcp-Session-Id": self.id})
        if status != 200 or b"soak" not in body:
            raise Unexpected(f"tools/call: {status} {body[:200]!r}")
        return seconds

    def close(self):
        status = request(self.server.mcp_port, "DELETE", "/mcp", None, {
            "Authorization": "Bearer " + self.token, "Mcp-Session-Id": self.id, "MCP-Protocol-Version": PROTOCOL})[0]
        if status not in (200, 202, 204):
            raise Unexpected(f"DELETE session: {status}")


# ---------------------------------------------------------------- invalid tokens

ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"


def random_text(n):
    return "".join(random.choice(ALPHABET) for _ in range(n))


def invalid_token(valid, expired):
    kind = random.randrange(4)
    if kind == 0:
        return random_text(random.randint(20, 400))
    header = valid.split(".")[0]
    if kind == 1:
        return f"{header}.{random_text(300)}.{random_text(342)}"
    if kind == 2:
        # the last character kept: a changed one would leave non-zero unused bits, refused before the signature
        return valid[:-13] + random_text(12) + valid[-1]
    return expired


def expired_token(valid):
    """The valid token's header and signature over a body whose exp is past: refused as expired or as forged."""
    header, payload, signature = valid.split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    claims["exp"] = int(time.time()) - 3600
    body = base64.urlsafe_b64encode(json.dumps(claims).encode()).decode().rstrip("=")
    return f"{header}.{body}.{signature}"


# ---------------------------------------------------------------- the browser flow

class Browser:
    """A cookie-keeping client of the authorization server's browser endpoints (no redirects followed)."""

    HIDDEN = re.compile(r'<input type="hidden" name="([^"]+)" value="([^"]*)">')

    def __init__(self, server):
        self.server, self.cookies = server, {}

    def send(self, method, path, form=None):
        headers = {}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if form is not None:
            body = urllib.parse.urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        status, answer_headers, data, _ = request(self.server.as_port, method, path, body, headers)
        for cookie in answer_headers.get("set-cookie", []):
            name, _, rest = cookie.partition("=")
            self.cookies[name.strip()] = rest.split(";", 1)[0]
        return status, answer_headers, data.decode(errors="replace")

    def fields(self, page):
        return {name: html.unescape(value) for name, value in self.HIDDEN.findall(page)}

    def flow(self):
        """Register, sign in, consent, redeem, refresh, revoke: raises Unexpected on any wrong answer."""
        redirect = f"http://127.0.0.1:{random.randint(20000, 40000)}/callback"
        status, _, body, _ = request(self.server.as_port, "POST", "/register", json.dumps({
            "client_name": "soak flow", "redirect_uris": [redirect], "token_endpoint_auth_method": "none",
            "grant_types": ["authorization_code", "refresh_token"]}), {"Content-Type": "application/json"})
        if status != 201:
            raise Unexpected(f"/register: {status} {body[:200]!r}")
        client_id = json.loads(body)["client_id"]
        verifier = base64.urlsafe_b64encode(os.urandom(32)).decode().rstrip("=")
        challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).decode().rstrip("=")
        query = urllib.parse.urlencode({"response_type": "code", "client_id": client_id, "redirect_uri": redirect,
                                        "code_challenge": challenge, "code_challenge_method": "S256", "state": "s",
                                        "scope": "mcp:tools offline_access", "resource": self.server.resource})
        status, _, page = self.send("GET", "/authorize?" + query)
        if status != 200:
            raise Unexpected(f"/authorize: {status} {page[:200]!r}")
        if 'name="password"' in page:
            form = self.fields(page)
            form.update(username=USER, password=PASSWORD)
            status, headers, page = self.send("POST", "/login", form)
            if status != 303:
                raise Unexpected(f"/login: {status} {page[:200]!r}")
            location = headers["location"][0]
            status, _, page = self.send("GET", location[len(self.server.issuer):] if location.startswith("http") else location)
            if status != 200:
                raise Unexpected(f"consent page: {status} {page[:200]!r}")
        form = self.fields(page)
        form["decision"] = "approve"
        status, headers, page = self.send("POST", "/consent", form)
        if status != 303:
            raise Unexpected(f"/consent: {status} {page[:200]!r}")
        code = urllib.parse.parse_qs(urllib.parse.urlsplit(headers["location"][0]).query)["code"][0]
        tokens = self.token({"grant_type": "authorization_code", "code": code, "redirect_uri": redirect,
                             "client_id": client_id, "code_verifier": verifier, "resource": self.server.resource})
        refreshed = self.token({"grant_type": "refresh_token", "refresh_token": tokens["refresh_token"],
                                "client_id": client_id})
        session = Session(self.server, refreshed["access_token"])
        session.call()
        session.close()
        status, _, body, _ = request(self.server.as_port, "POST", "/revoke", urllib.parse.urlencode(
            {"token": refreshed["refresh_token"], "client_id": client_id}),
            {"Content-Type": "application/x-www-form-urlencoded"})
        if status != 200:
            raise Unexpected(f"/revoke: {status} {body[:200]!r}")

    def token(self, form):
        status, _, body, _ = request(self.server.as_port, "POST", "/token", urllib.parse.urlencode(form),
                                     {"Content-Type": "application/x-www-form-urlencoded"})
        if status != 200:
            raise Unexpected(f"/token {form['grant_type']}: {status} {body[:200]!r}")
        return json.loads(body)


# ---------------------------------------------------------------- soak

class Tally:
    """Requests and unexpected answers per kind, for the minute under way and in all."""

    def __init__(self):
        self.lock = threading.Lock()
        self.minute, self.total, self.problems = {}, {}, {}

    def ok(self, kind, n=1):
        with self.lock:
            self.minute[kind] = self.minute.get(kind, 0) + n
            self.total[kind] = self.total.get(kind, 0) + n

    def problem(self, kind, what):
        with self.lock:
            key = f"{kind}: {what[:160]}"
            self.problems[key] = self.problems.get(key, 0) + 1
            self.minute["unexpected"] = self.minute.get("unexpected", 0) + 1

    def take_minute(self):
        with self.lock:
            minute, self.minute = self.minute, {}
            return minute


class Tokens:
    """Valid access tokens for the soak, renewed well before they expire (they live 15 minutes)."""

    def __init__(self, server):
        self.server, self.lock = server, threading.Lock()
        self.renew()

    def renew(self):
        token = self.server.service_token()
        with self.lock:
            self.current, self.minted = token, time.monotonic()

    def get(self):
        with self.lock:
            stale = time.monotonic() - self.minted > 300
        if stale:
            self.renew()
        with self.lock:
            return self.current


def loop(kind, stop, tally, pause, body):
    while not stop.is_set():
        try:
            body()
            tally.ok(kind)
        except (Unexpected, OSError, KeyError, ValueError) as e:
            tally.problem(kind, f"{type(e).__name__}: {e}")
            stop.wait(0.5)
        stop.wait(pause)


def soak(server, minutes, tally):
    stop = threading.Event()
    tokens = Tokens(server)
    expired = expired_token(tokens.get())

    def valid_worker():
        session, opened = None, 0.0
        while not stop.is_set():
            try:
                if session is None or time.monotonic() - opened > 120:
                    if session is not None:
                        session.close()
                    session, opened = Session(server, tokens.get()), time.monotonic()
                session.call()
                tally.ok("valid")
            except (Unexpected, OSError) as e:
                tally.problem("valid", f"{type(e).__name__}: {e}")
                session = None
                stop.wait(0.5)
            stop.wait(0.01)

    def fresh():
        session = Session(server, server.service_token())
        session.call()
        session.close()

    def invalid():
        status = request(server.mcp_port, "POST", "/mcp", INITIALIZE, {
            "Content-Type": "application/json", "Accept": ACCEPT,
            "Authorization": "Bearer " + invalid_token(tokens.get(), expired)})[0]
        if status != 401:
            raise Unexpected(f"an invalid token got {status}")

    def sessions():
        session = Session(server, tokens.get())
        session.call()
        session.close()

    threads = [threading.Thread(target=valid_worker, daemon=True) for _ in range(2)]
    threads += [threading.Thread(target=loop, args=("fresh", stop, tally, 0.2, fresh), daemon=True),
                threading.Thread(target=loop, args=("invalid", stop, tally, 0.01, invalid), daemon=True),
                threading.Thread(target=loop, args=("sessions", stop, tally, 0.05, sessions), daemon=True),
                # a new browser each time: every flow signs in (a browser session, a PBKDF2 check)
                threading.Thread(target=loop, args=("flows", stop, tally, 5.0, lambda: Browser(server).flow()),
                                 daemon=True)]
    for thread in threads:
        thread.start()
    rows = []
    started = time.monotonic()
    try:
        for minute in range(1, minutes + 1):
            stop.wait(max(0.0, started + 60 * minute - time.monotonic()))
            row = {"minute": minute, **process_metrics(server.pid), "requests": tally.take_minute()}
            rows.append(row)
            log(f"minute {minute}/{minutes}: heap {row['heap_live_kb'] / 1024:.1f} MiB, {row['threads']} threads, "
                f"{row['fds']} fds, {sum(v for k, v in row['requests'].items() if k != 'unexpected')} requests, "
                f"{row['requests'].get('unexpected', 0)} unexpected")
    finally:
        stop.set()
        for thread in threads:
            thread.join(REQUEST_TIMEOUT_S)
    return rows


def process_metrics(pid):
    subprocess.run(["jcmd", str(pid), "GC.run"], capture_output=True, check=True)
    info = subprocess.run(["jcmd", str(pid), "GC.heap_info"], capture_output=True, text=True, check=True).stdout
    used = re.search(r"total (\d+)K, used (\d+)K", info)
    status = Path(f"/proc/{pid}/status").read_text()
    return {"heap_live_kb": int(used.group(2)), "heap_committed_kb": int(used.group(1)),
            "threads": int(re.search(r"^Threads:\s+(\d+)", status, re.M).group(1)),
            "fds": len(os.listdir(f"/proc/{pid}/fd")),
            "rss_kb": int(re.search(r"^VmRSS:\s+(\d+)", status, re.M).group(1))}


def bounded(rows, key, margin, min_slack=0):
    """(first window max, last window max, limit, window minutes, ok)."""
    window = max(1, min(10, len(rows) // 3))
    first = max(r[key] for r in rows[:window])
    last = max(r[key] for r in rows[-window:])
    limit = max(first * (1 + margin), first + min_slack)
    return first, last, limit, window, last <= limit


# ---------------------------------------------------------------- flood

def callers(server, seconds, count=2):
    """`count` valid callers, each a closed loop of tools/call on a session of its own: latencies in ms."""
    token = server.service_token()
    latencies, lock, errors = [], threading.Lock(), []

    def run():
        mine = []
        try:
            session = Session(server, token)
            end = time.monotonic() + seconds
            while time.monotonic() < end:
                try:
                    mine.append(session.call() * 1000)
                except (Unexpected, OSError) as e:
                    errors.append(f"{type(e).__name__}: {e}")
            session.close()
        except (Unexpected, OSError) as e:
            errors.append(f"{type(e).__name__}: {e}")
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=run) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return latencies, errors


def percentile(values, q):
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * len(ordered)) - 1))]


TICK = os.sysconf("SC_CLK_TCK")


def process_cpu(pid):
    """CPU seconds (user + system) a process has used so far; None once it is gone."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / TICK
    except (OSError, IndexError, ValueError):
        return None


def process_threads(pid):
    try:
        return int(re.search(r"^Threads:\s+(\d+)", Path(f"/proc/{pid}/status").read_text(), re.M).group(1))
    except (OSError, AttributeError):
        return None


def machine_cpu():
    """The machine's CPU seconds so far, by kind: busy (user, nice, system, irq, softirq), idle (with iowait), steal."""
    values = [int(v) / TICK for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    values += [0.0] * (8 - len(values))
    return {"busy": sum(values[0:3]) + values[5] + values[6], "idle": values[3] + values[4], "steal": values[7]}


class CpuMeter:
    """Where the machine's CPU went during one phase: the server JVM, wrk, this process (the valid
    callers), everything else, and the hypervisor's steal; plus the server's live threads, sampled."""

    def __init__(self, server_pid, wrk_pid=None):
        self.pids = {"server": server_pid, "wrk": wrk_pid}
        self.start = self._now()
        self.threads, self.stop = [], threading.Event()
        self.sampler = threading.Thread(target=self._sample, daemon=True)
        self.sampler.start()

    def _now(self):
        now = {name: process_cpu(pid) if pid else 0.0 for name, pid in self.pids.items()}
        times = os.times()
        now["callers"] = times.user + times.system
        now["machine"] = machine_cpu()
        now["wall"] = time.monotonic()
        return now

    def _sample(self):
        while not self.stop.wait(1.0):
            count = process_threads(self.pids["server"])
            if count is not None:
                self.threads.append(count)

    def finish(self):
        self.stop.set()
        end = self._now()
        wall = end["wall"] - self.start["wall"]
        share = {}
        for name in ("server", "wrk", "callers"):
            if self.start[name] is not None and end[name] is not None:
                share[name] = (end[name] - self.start[name]) / wall
        machine = {k: (end["machine"][k] - self.start["machine"][k]) / wall for k in end["machine"]}
        share["other"] = max(0.0, machine["busy"] - sum(share.values()))
        share["idle"], share["steal"] = machine["idle"], machine["steal"]
        return {"seconds": wall, "cores": share, "server_threads": self.threads}


# What the baseline floods: the same tokens on the same connections, to something no gate refuses.
BASELINES = {
    "404": ("POST", "/flood-baseline", "POST to a path no transport serves (Jetty's 404, no gate)"),
    "metadata": ("GET", "/.well-known/oauth-protected-resource",
                 "GET of the Protected Resource Metadata (the agent's 200, the token ignored)"),
}


def wrk_phase(server, method, path, seconds, connections, valid):
    """The valid callers measured for `seconds` while wrk sends flood.lua's invalid tokens to `path`."""
    env = dict(os.environ, FLOOD_VALID_TOKEN=valid, FLOOD_HOST=f"localhost:{server.mcp_port}", FLOOD_METHOD=method)
    wrk = subprocess.Popen(["wrk", "-t", "2", "-c", str(connections), "-d", f"{seconds + 4}s", "--timeout", "10s",
                            "-s", str(FLOOD_LUA), f"http://127.0.0.1:{server.mcp_port}{path}"],
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env)
    try:
        time.sleep(2)  # the flood reaches its rate first
        meter = CpuMeter(server.pid, wrk.pid)
        latencies, errors = callers(server, seconds)
        cpu = meter.finish()
        output, _ = wrk.communicate(timeout=seconds + 60)
    finally:
        if wrk.poll() is None:
            wrk.kill()
            wrk.wait()
    rate = re.search(r"Requests/sec:\s+([\d.]+)", output)
    non2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output)
    total = re.search(r"(\d+) requests in", output)
    return {"ms": latencies, "errors": errors, "cpu": cpu, "rate": float(rate.group(1)) if rate else None,
            "requests": int(total.group(1)) if total else None,
            "non2xx": int(non2xx.group(1)) if non2xx else 0, "wrk": output}


def flood(server, quiet_s, flood_s, connections, baseline_s, baseline_target):
    log(f"flood: warming up, then {quiet_s} s quiet")
    callers(server, min(10, quiet_s))
    meter = CpuMeter(server.pid)
    quiet, quiet_errors = callers(server, quiet_s)
    result = {"quiet_ms": quiet, "quiet_cpu": meter.finish(), "errors": quiet_errors}
    valid = server.service_token()
    if baseline_s > 0:
        method, path, what = BASELINES[baseline_target]
        log(f"flood: baseline, {baseline_s} s of the same tokens, {what}, on {connections} connections "
            f"while the callers are measured")
        result["baseline"] = wrk_phase(server, method, path, baseline_s, connections, valid)
        result["baseline"]["target"] = baseline_target
        result["errors"] += result["baseline"]["errors"]
    log(f"flood: {flood_s} s of invalid tokens from wrk on {connections} connections while the callers are measured")
    phase = wrk_phase(server, "POST", "/mcp", flood_s, connections, valid)
    result.update({"flood_ms": phase["ms"], "flood_cpu": phase["cpu"], "flood_rate": phase["rate"],
                   "flood_requests": phase["requests"], "flood_refused": phase["non2xx"], "wrk": phase["wrk"]})
    result["errors"] += phase["errors"]
    return result


# ---------------------------------------------------------------- report

def commit():
    head = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "HEAD"], capture_output=True, text=True).stdout.strip()
    dirty = subprocess.run(["git", "-C", str(ROOT), "status", "--porcelain", "--untracked-files=no"],
                           capture_output=True, text=True).stdout.strip()
    return head, bool(dirty)


def report(args, head, dirty, rows, tally, flooded, started_at):
    L = [f"# Soak and flood, {started_at:%Y-%m-%d %H:%M} UTC", ""]
    L.append(f"- Commit measured: `{head}`{' (with uncommitted changes)' if dirty else ''}")
    L.append(f"- Machine: {os.cpu_count()} cores, {platform_line()}; server JVM `-Xmx{args.heap}`, "
             f"servlet-jetty fixture (MCP Java SDK 2.1, streamable HTTP), agent with its embedded authorization server")
    L.append(f"- Command: `agent-tests/benchmarks/soak-flood.sh {' '.join(sys.argv[1:])}`".rstrip())
    if args.server_cpus or args.load_cpus:
        L.append(f"- Pinned: server JVM on CPU(s) {args.server_cpus or 'any'}, this script and wrk on "
                 f"{args.load_cpus or 'any'}")
    L.append("")
    if rows:
        L.append(f"## Soak: {len(rows)} minutes of mixed load")
        L.append("")
        L.append("Heap is the live set: used heap right after `jcmd GC.run`. Requests are those completed in the minute.")
        L.append("")
        L.append("| minute | heap live MiB | heap committed MiB | RSS MiB | threads | open fds | valid | fresh | invalid | sessions | flows | unexpected |")
        L.append("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
        for r in rows:
            q = r["requests"]
            L.append(f"| {r['minute']} | {r['heap_live_kb'] / 1024:.1f} | {r['heap_committed_kb'] / 1024:.0f} | "
                     f"{r['rss_kb'] / 1024:.0f} | {r['threads']} | {r['fds']} | {q.get('valid', 0)} | {q.get('fresh', 0)} | "
                     f"{q.get('invalid', 0)} | {q.get('sessions', 0)} | {q.get('flows', 0)} | {q.get('unexpected', 0)} |")
        L.append("")
        L.append("| metric | first window max | last window max | limit | bounded |")
        L.append("|---|---:|---:|---:|---|")
        verdicts = []
        for key, label, margin, slack, unit in (("heap_live_kb", "heap live", HEAP_MARGIN, 0, 1024),
                                                  ("threads", "threads", COUNT_MARGIN, COUNT_MIN_SLACK, 1),
                                                  ("fds", "open file descriptors", COUNT_MARGIN, COUNT_MIN_SLACK, 1)):
            first, last, limit, window, ok = bounded(rows, key, margin, slack)
            verdicts.append(ok)
            fmt = (lambda v: f"{v / 1024:.1f} MiB") if unit == 1024 else (lambda v: f"{v:.0f}")
            L.append(f"| {label} | {fmt(first)} | {fmt(last)} | {fmt(limit)} | {'yes' if ok else '**NO**'} |")
        L.append("")
        L.append(f"Windows: the first and the last {window} minute(s). A metric is bounded when the last window's "
                 f"maximum is at most the first window's maximum plus {HEAP_MARGIN:.0%} (heap) or plus "
                 f"{COUNT_MARGIN:.0%} or {COUNT_MIN_SLACK}, whichever is more (threads, descriptors).")
        L.append("")
        L.append("Totals: " + ", ".join(f"{k} {v:,}" for k, v in sorted(tally.total.items())))
        L.append("")
        if tally.problems:
            L.append("Unexpected answers (each counted once per occurrence):")
            L.append("")
            for what, n in sorted(tally.problems.items(), key=lambda kv: -kv[1]):
                L.append(f"- {n}× {what}")
        else:
            L.append("Unexpected answers: none (every invalid token got 401, every valid request its answer).")
        L.append("")
        L.append(f"Soak verdict: {'bounded' if all(verdicts) else '**NOT bounded**'}.")
        L.append("")
    if flooded:
        q, f = flooded["quiet_ms"], flooded["flood_ms"]
        b = flooded.get("baseline")
        p99 = lambda values: percentile(values, .99) if values else float("nan")
        L.append("## Flood: invalid tokens at the highest rate wrk reaches, valid callers measured")
        L.append("")
        L.append("| phase | seconds | valid calls | p50 ms | p99 ms | wrk req/s | server CPU µs per wrk request |")
        L.append("|---|---:|---:|---:|---:|---:|---:|")

        def per_request(cpu, rate):
            return f"{cpu['cores'].get('server', 0) / rate * 1e6:.0f}" if cpu and rate else "-"

        L.append(f"| quiet | {args.quiet} | {len(q)} | {percentile(q, .5):.2f} | {p99(q):.2f} | - | - |")
        if b:
            L.append(f"| baseline: the same tokens, {BASELINES[b['target']][2]} | {args.baseline} | "
                     f"{len(b['ms'])} | {percentile(b['ms'], .5):.2f} | {p99(b['ms']):.2f} | {b['rate'] or 0:,.0f} | "
                     f"{per_request(b['cpu'], b['rate'])} |")
        L.append(f"| flood: invalid tokens to `/mcp` (refused by the gate) | {args.flood} | {len(f)} | "
                 f"{percentile(f, .5):.2f} | {p99(f):.2f} | {flooded['flood_rate'] or 0:,.0f} | "
                 f"{per_request(flooded.get('flood_cpu'), flooded['flood_rate'])} |")
        L.append("")
        ratio = p99(f) / p99(q) if q and f else float("nan")
        rate = flooded["flood_rate"]
        L.append(f"- Flood: {flooded['flood_requests'] or 0:,} requests, {rate or 0:,.0f} req/s on {args.flood_connections} "
                 f"connections (wrk, 2 threads), {flooded['flood_refused']:,} refused (every one should be).")
        L.append(f"- Valid callers: 2 closed loops of `tools/call` on sessions of their own, one connection per request.")
        L.append(f"- p99 flood / quiet: **{ratio:.2f}×** (target at most 2×: {'met' if ratio <= 2 else '**not met**'}).")
        if b:
            L.append(f"- Baseline: {b['requests'] or 0:,} requests, {b['non2xx']:,} of them not 2xx. The same tokens on "
                     f"the same {args.flood_connections} connections cost Jetty the same header parsing (its "
                     f"per-connection header cache), but nothing is refused: p99 baseline / quiet "
                     f"{p99(b['ms']) / p99(q):.2f}× is what the "
                     f"machine and the server give the callers under such a flood; p99 flood / baseline "
                     f"**{p99(f) / p99(b['ms']):.2f}×** is what the gate's refusals add to it.")
        L.append("")
        L.append("Where the CPU went in each measured phase, in cores (of " + str(os.cpu_count()) + "); the callers are "
                 "this script's process, steal is time the hypervisor gave to other machines:")
        L.append("")
        L.append("| phase | server JVM | wrk | callers | other processes | idle | steal | server threads (min..max) |")
        L.append("|---|---:|---:|---:|---:|---:|---:|---|")
        for phase, cpu in (("quiet", flooded.get("quiet_cpu")), ("baseline", b and b["cpu"]),
                           ("flood", flooded.get("flood_cpu"))):
            if cpu:
                c, t = cpu["cores"], cpu["server_threads"]
                L.append(f"| {phase} | {c.get('server', 0):.2f} | {c.get('wrk', 0):.2f} | {c.get('callers', 0):.2f} | "
                         f"{c['other']:.2f} | {c['idle']:.2f} | {c['steal']:.2f} | "
                         f"{f'{min(t)}..{max(t)}' if t else '-'} |")
        L.append("")
        if flooded["errors"]:
            L.append(f"- Valid calls that failed: {len(flooded['errors'])}, e.g. {flooded['errors'][0][:200]}")
        else:
            L.append("- Valid calls that failed: none.")
        L.append("")
    return "\n".join(L)


def cpu_list(text):
    """taskset's list syntax: 0,2-3."""
    cpus = set()
    for part in text.split(","):
        low, _, high = part.partition("-")
        cpus.update(range(int(low), int(high or low) + 1))
    return cpus


def platform_line():
    try:
        model = re.search(r"^model name\s*:\s*(.+)$", Path("/proc/cpuinfo").read_text(), re.M).group(1)
    except (OSError, AttributeError):
        model = "unknown CPU"
    return model.strip()


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--minutes", type=int, default=30, help="soak length (default 30; 0 skips the soak)")
    parser.add_argument("--quiet", type=int, default=60, help="seconds the valid callers are measured alone")
    parser.add_argument("--flood", type=int, default=60, help="seconds they are measured under the flood (0 skips it)")
    parser.add_argument("--baseline", type=int, default=None,
                        help="seconds they are measured under the same flood sent to a path no gate guards, between "
                             "the quiet and the flood phases (default: as long as --flood; 0 skips it)")
    parser.add_argument("--baseline-target", choices=sorted(BASELINES), default="metadata",
                        help="what the baseline floods: " + "; ".join(f"{k}: {v[2]}" for k, v in sorted(BASELINES.items()))
                             + " (default metadata)")
    parser.add_argument("--flood-connections", type=int, default=64)
    parser.add_argument("--heap", default="512m", help="the server JVM's -Xmx")
    parser.add_argument("--server-jvm-arg", action="append", default=[], metavar="ARG",
                        help="one more option for the server JVM, given as --server-jvm-arg=-XX:StartFlightRecording=filename=f.jfr "
                             "(repeatable; after the script's own, so a -D setting given here wins)")
    parser.add_argument("--server-cpus", metavar="LIST",
                        help="run the server JVM on these CPUs only (taskset -c LIST, e.g. 0)")
    parser.add_argument("--load-cpus", metavar="LIST",
                        help="run this script (the callers, the soak's clients) and wrk on these CPUs only (e.g. 1)")
    parser.add_argument("--agent", default=str(AGENT))
    parser.add_argument("--fixture", default=str(FIXTURE))
    parser.add_argument("--report", help="where the Markdown report goes (default: reports/soak-flood-<time>-<commit>.md)")
    args = parser.parse_args()
    if args.baseline is None:
        args.baseline = args.flood
    for jar in (args.agent, args.fixture):
        if not Path(jar).is_file():
            raise SystemExit(f"missing {jar}: build it first (see soak-flood.sh --help)")
    if args.load_cpus:
        os.sched_setaffinity(0, cpu_list(args.load_cpus))  # inherited by wrk
    head, dirty = commit()
    started_at = datetime.datetime.now(datetime.timezone.utc)
    server = Server(Path(args.agent), Path(args.fixture), args.heap, args.server_jvm_arg, args.server_cpus)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    tally = Tally()
    rows, flooded = [], None
    try:
        log(f"server pid {server.pid}: MCP on {server.mcp_port}, authorization server on {server.as_port}")
        if args.minutes > 0:
            rows = soak(server, args.minutes, tally)
        if args.flood > 0:
            flooded = flood(server, args.quiet, args.flood, args.flood_connections, args.baseline, args.baseline_target)
    finally:
        server.stop()
    text = report(args, head, dirty, rows, tally, flooded, started_at)
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "results.json").write_text(json.dumps({"commit": head, "dirty": dirty, "rows": rows,
                                                  "totals": tally.total, "problems": tally.problems,
                                                  "flood": flooded}, indent=1))
    target = Path(args.report) if args.report else REPORTS / f"soak-flood-{started_at:%Y%m%d-%H%M}-{head[:7]}.md"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text + "\n")
    print(text)
    log(f"report written to {target}")


if __name__ == "__main__":
    main()
