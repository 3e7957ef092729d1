#!/usr/bin/env python3
"""The embedded authorization server under a slow-client-metadata-document attack: /token and /jwks latency with
and without the attack, for two agent jars (e.g. the baseline and the candidate), measured in the same run.

  python3 agent-tests/benchmarks/harness/cimd_stall_ab.py [--rounds 3] [--seconds 6] [--warmup 4] \
      [--jar base=/work/baseline/mcpauth-agent.jar] [--jar new=agent/target/mcpauth-agent.jar] [--fixture JAR]

Each round starts every jar's fixture (servlet-jetty, embedded AS, order alternating per round), warms it up with
--warmup seconds of the quiet loop, and runs two phases (their order alternating per round):
  quiet:  one client in a closed loop, alternating POST /token (client_credentials of a registered confidential
          client, a real signed token each time) and GET /jwks, a new connection per request, for --seconds;
  attack: the same, while 16 attacker threads keep sending GET /authorize naming https client_id documents on a
          local server that accepts TCP connections and never answers (distinct URLs, two host names), each
          thread at most one request per 100 ms (a spinning attacker would measure the client's own CPU use).
The document deadline is the default mcpauth.as.cimd.timeout (5 s). Per jar and phase it prints n, p50 and p99
of each endpoint per round, then the medians over rounds and the attack/quiet ratio of the p99 medians.
On 2 shared cores, quote medians and ratios, not single numbers. Everything listens on 127.0.0.1 and every
process started is stopped on exit.
"""
import argparse
import base64
import http.client
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
ATTACKERS = 16
ATTACKER_MIN_INTERVAL_S = 0.1
REQUEST_TIMEOUT_S = 30


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def request(port, method, path, body=None, headers=None, timeout=REQUEST_TIMEOUT_S):
    """One request on a new connection: (status, body, seconds)."""
    started = time.perf_counter()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        response = conn.getresponse()
        data = response.read()
        return response.status, data, time.perf_counter() - started
    finally:
        conn.close()


class SilentServer:
    """Accepts TCP connections and never sends a byte: a TLS client waits for a ServerHello that never comes."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(256)
        self.port = self.sock.getsockname()[1]
        self.held = []
        self.closed = False
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while not self.closed:
            try:
                conn, _ = self.sock.accept()
                self.held.append(conn)
            except OSError:
                return

    def close(self):
        self.closed = True
        self.sock.close()
        for conn in self.held:
            conn.close()


class Server:
    """A fixture with the agent and its embedded authorization server, and a registered confidential client."""

    def __init__(self, name, jar, fixture, logs):
        self.home = Path(tempfile.mkdtemp(prefix="mcpauth-cimd-bench-"))
        data = self.home / "data"
        data.mkdir(mode=0o700)
        self.as_port, mcp_port = free_port(), free_port()
        self.log = open(logs / f"{name}.log", "w")
        self.proc = subprocess.Popen(
            ["java", "-Xmx256m", f"-javaagent:{jar}", f"-Dmcpauth.as.port={self.as_port}", f"-Dmcpauth.as.data={data}",
             "-Dmcpauth.as.cimd.allow-private-addresses=true", "-Dmcpauth.as.dcr.per-minute=100000",
             "-Dmcpauth.as.token.failures-per-address=100000",
             "-jar", str(fixture), "--port", str(mcp_port), "--transport", "stateless"],
            stdout=self.log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        deadline = time.monotonic() + 60
        while True:
            try:
                if request(self.as_port, "GET", "/.well-known/oauth-authorization-server", timeout=2)[0] == 200:
                    break
            except OSError:
                pass
            if self.proc.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise SystemExit(f"{name}: the authorization server did not start; see {logs / (name + '.log')}")
            time.sleep(0.1)
        status, body, _ = request(self.as_port, "POST", "/register", json.dumps({
            "client_name": "bench", "grant_types": ["client_credentials"],
            "token_endpoint_auth_method": "client_secret_basic"}), {"Content-Type": "application/json"})
        if status != 201:
            raise SystemExit(f"{name}: registration failed: {status} {body[:300]}")
        client = json.loads(body)
        credentials = urllib.parse.quote(client["client_id"], safe="") + ":" + urllib.parse.quote(client["client_secret"], safe="")
        self.token_form = urllib.parse.urlencode({"grant_type": "client_credentials",
                                                  "resource": f"http://localhost:{mcp_port}/"})
        self.token_headers = {"Content-Type": "application/x-www-form-urlencoded",
                              "Authorization": "Basic " + base64.b64encode(credentials.encode()).decode()}

    def token(self):
        status, body, seconds = request(self.as_port, "POST", "/token", self.token_form, self.token_headers)
        if status != 200:
            raise SystemExit(f"/token answered {status}: {body[:300]}")
        return seconds

    def jwks(self):
        status, body, seconds = request(self.as_port, "GET", "/jwks")
        if status != 200:
            raise SystemExit(f"/jwks answered {status}: {body[:300]}")
        return seconds

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(10)
        self.log.close()
        shutil.rmtree(self.home, ignore_errors=True)


class Attack:
    """16 threads sending authorization requests that name documents on the silent server."""

    def __init__(self, as_port, silent_port):
        self.stopping = threading.Event()
        self.statuses = {}
        self.lock = threading.Lock()
        self.threads = [threading.Thread(target=self._run, args=(as_port, silent_port, i), daemon=True)
                        for i in range(ATTACKERS)]
        for thread in self.threads:
            thread.start()

    def _run(self, as_port, silent_port, index):
        host = "127.0.0.1" if index % 2 == 0 else "localhost"
        n = 0
        while not self.stopping.is_set():
            started = time.monotonic()
            query = urllib.parse.urlencode({
                "response_type": "code", "client_id": f"https://{host}:{silent_port}/slow/{index}-{n}.json",
                "redirect_uri": "http://127.0.0.1:9/cb", "code_challenge": "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM",
                "code_challenge_method": "S256", "state": "s"})
            try:
                status = request(as_port, "GET", "/authorize?" + query)[0]
            except OSError as e:
                status = type(e).__name__
            with self.lock:
                self.statuses[status] = self.statuses.get(status, 0) + 1
            n += 1
            self.stopping.wait(max(0.0, ATTACKER_MIN_INTERVAL_S - (time.monotonic() - started)))

    def stop(self):
        self.stopping.set()
        for thread in self.threads:
            thread.join(REQUEST_TIMEOUT_S)
        return dict(self.statuses)


def measure(server, seconds):
    """Alternating /token and /jwks in a closed loop for `seconds`: their latencies in ms."""
    token, jwks = [], []
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        token.append(server.token() * 1000)
        jwks.append(server.jwks() * 1000)
    return token, jwks


def p(values, q):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * len(ordered)) - 1))]


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seconds", type=float, default=6, help="length of each measured phase")
    parser.add_argument("--warmup", type=float, default=4, help="closed-loop requests before the first phase")
    parser.add_argument("--jar", action="append", metavar="NAME=PATH",
                        help="default: base=/work/baseline/mcpauth-agent.jar new=agent/target/mcpauth-agent.jar")
    parser.add_argument("--fixture", default=str(ROOT / "integration-fixtures/servlet-jetty/target/servlet-jetty.jar"))
    args = parser.parse_args()
    jars = dict(spec.split("=", 1) for spec in (args.jar or [
        "base=/work/baseline/mcpauth-agent.jar", f"new={ROOT / 'agent/target/mcpauth-agent.jar'}"]))
    for name, jar in jars.items():
        if not Path(jar).is_file():
            raise SystemExit(f"missing jar {name}={jar}")
    if not Path(args.fixture).is_file():
        raise SystemExit(f"missing fixture {args.fixture} (--fixture /work/main/integration-fixtures/servlet-jetty/target/servlet-jetty.jar)")
    logs = ROOT / "agent-tests/benchmarks/target/cimd-stall"
    logs.mkdir(parents=True, exist_ok=True)

    rows = {}  # (jar, phase) -> list of (token ms list, jwks ms list)
    silent = SilentServer()
    try:
        for rnd in range(args.rounds):
            order = list(jars) if rnd % 2 == 0 else list(reversed(jars))
            for name in order:
                server = Server(f"{name}-{rnd}", jars[name], args.fixture, logs)
                try:
                    measure(server, args.warmup)  # class loading, the signing key, the JIT's first compilations
                    for phase in (("quiet", "attack") if rnd % 2 == 0 else ("attack", "quiet")):
                        if phase == "quiet":
                            rows.setdefault((name, phase), []).append(measure(server, args.seconds))
                            continue
                        attack = Attack(server.as_port, silent.port)
                        time.sleep(1)  # the attackers' first requests reach the server
                        rows.setdefault((name, phase), []).append(measure(server, args.seconds))
                        statuses = attack.stop()  # returns once every attacker's last request has been answered
                finally:
                    server.stop()
                for phase in ("quiet", "attack"):
                    token, jwks = rows[(name, phase)][-1]
                    print(f"round {rnd} {name:5} {phase:6} /token n={len(token):4} p50={p(token, .5):8.1f} "
                          f"p99={p(token, .99):8.1f} ms   /jwks n={len(jwks):4} p50={p(jwks, .5):8.1f} "
                          f"p99={p(jwks, .99):8.1f} ms", flush=True)
                print(f"round {rnd} {name:5} attacker answers: {statuses}", flush=True)
    finally:
        silent.close()

    print()
    print("| jar | phase | rounds | /token n (median) | /token p50 ms | /token p99 ms | /jwks p50 ms | /jwks p99 ms |")
    print("|---|---|---:|---:|---:|---:|---:|---:|")
    summary = {}
    for (name, phase), runs in rows.items():
        med = lambda f: statistics.median(f(run) for run in runs)  # noqa: E731
        summary[(name, phase)] = (med(lambda r: p(r[0], .99)), med(lambda r: p(r[1], .99)))
        print(f"| {name} | {phase} | {len(runs)} | {med(lambda r: len(r[0])):.0f} | {med(lambda r: p(r[0], .5)):.1f} "
              f"| {summary[(name, phase)][0]:.1f} | {med(lambda r: p(r[1], .5)):.1f} | {summary[(name, phase)][1]:.1f} |")
    print()
    for name in jars:
        quiet, attack = summary.get((name, "quiet")), summary.get((name, "attack"))
        if quiet and attack:
            print(f"{name}: attack/quiet p99 ratio (medians over rounds): /token {attack[0] / quiet[0]:.1f}x, "
                  f"/jwks {attack[1] / quiet[1]:.1f}x")


if __name__ == "__main__":
    main()
