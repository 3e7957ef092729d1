#!/usr/bin/env python3
"""End-to-end performance harness of mcpauth; run it through ../harness.sh (which installs wrk and builds).

Measures, in one run, on 127.0.0.1 only:
  1. HTTP overhead: the servlet-jetty fixture (stateless transport) under wrk, without the agent, with
     the agent (cold and warm verified-token cache; warm with the audit trail on, block mode) and behind
     a hand-written jose4j filter (peer),
     alternating variants over rounds, each warmed up until its rate settles, at 1 and 16 connections;
  2. start-up: exec java -> first 200 on initialize, with and without the agent, interleaved;
  3. memory: heap after a forced GC and RSS, with and without the agent, and with the agent after
     many requests carrying distinct tokens;
  4. the JMH hot path (rounds.sh).
With --baseline-jar, a second agent jar (an earlier build) runs beside the current one in sections 1 and
2, in the same rounds, so a change is measured before and after on the same machine state.
Prints a Markdown report and writes it to target/harness/report.md (raw numbers: results.json).
"""
import argparse
import datetime
import hashlib
import http.client
import json
import os
import re
import signal
import socket
import statistics
import subprocess
import sys
import time
import zipfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
BENCH = HERE.parent
ROOT = BENCH.parent.parent
OUT = BENCH / "target" / "harness"
LOGS = OUT / "logs"
BUILT = {  # as built; the harness runs copies (see snapshot_jars): the tree may be rebuilt meanwhile
    "harness-tools.jar": BENCH / "target" / "harness-tools.jar",
    "mcpauth-agent.jar": ROOT / "agent" / "target" / "mcpauth-agent.jar",
    "servlet-jetty.jar": ROOT / "integration-fixtures" / "servlet-jetty" / "target" / "servlet-jetty.jar",
}
JARS = OUT / "jars"
TOOLS, AGENT, FIXTURE = (JARS / name for name in BUILT)
BASELINE = JARS / "baseline-agent.jar"  # --baseline-jar: copied here at the start
LUA = HERE / "mcp.lua"

CACHE_SIZE = 10_000          # the agent's default mcpauth.token-cache.size (not overridden here)
FILL = 12_000                # tokens sent first to a cold-cache server: more than the cache holds
TOKEN_MAX_AGE_S = 3600       # re-mint token files older than this (tokens live 2 h)
JETTY_DEFAULT_HEADER_CACHE = 1024  # Jetty 12.1's HttpConfiguration: it caches header values up to this length
JETTY_OPTS = []              # --jetty-header-cache N: -Djetty.httpConfig.headerCacheSize=N for every server JVM

# Warm-up runs in 5 s chunks at 16 connections until the JIT has settled: after at least settle_min and
# at most settle_max chunks, the last SETTLE_WINDOW chunks within SETTLE_SPREAD of each other and the
# JIT's compile queues empty after the last one (jcmd Compiler.queue). On 2 shared cores a fixed 5 s
# warm-up measured the JIT still compiling (the rate kept rising for 40-70 s, and longer with the agent,
# which has more to compile), not the steady state. A steady rate alone is not enough either: with a
# long header Jetty parses character by character, the C2 task for HttpParser.parseFields was seen
# waiting in the queue for 60-90 s, queued 3 s after start, while the rate held a plateau at a quarter
# of what it reached once the task ran.
SETTLE_CHUNK_S, SETTLE_WINDOW, SETTLE_SPREAD = 5, 3, 1.10

FULL = dict(audit_pairs=24, audit_pair_s=5, rounds=3, warmup=5, settle_min=12, settle_max=36, duration=10, cold_pool=50_000, mem_pool=200_000, mem_requests=1_000_000,
            mem_checkpoint=100_000, mem_warmup=10, startup_runs=10, class_runs=3, jmh_rounds=3)
QUICK = dict(audit_pairs=3, audit_pair_s=3, rounds=1, warmup=2, settle_min=1, settle_max=2, duration=3, cold_pool=25_000, mem_pool=25_000, mem_requests=100_000,
             mem_checkpoint=10_000, mem_warmup=3, startup_runs=3, class_runs=1, jmh_rounds=1)

VARIANTS = [  # key, label
    ("a", "a. fixture, no agent"),
    ("b", "b. agent, cold cache (distinct tokens)"),
    ("c", "c. agent, warm cache (one token)"),
    ("d", "d. peer: jose4j filter, every request"),
    ("e", "e. agent, warm cache, audit trail (block)"),
]
BASELINE_VARIANTS = [  # --baseline-jar only; measured in the same rounds as a..d
    ("b0", "b0. baseline agent, cold cache"),
    ("c0", "c0. baseline agent, warm cache"),
]
COLD, WARM = ("b", "b0"), ("c", "c0")


class HarnessError(Exception):
    pass


def log(msg):
    print(f"[harness {time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


# ---------------------------------------------------------------- processes

class Procs:
    """Every process this harness starts; all are killed on exit."""

    def __init__(self):
        self.live = {}

    def start(self, name, cmd, ready=None, timeout=90):
        LOGS.mkdir(parents=True, exist_ok=True)
        out_path, err_path = LOGS / f"{name}.out", LOGS / f"{name}.err"
        with open(out_path, "w") as out, open(err_path, "w") as err:
            proc = subprocess.Popen([str(c) for c in cmd], stdout=out, stderr=err, stdin=subprocess.DEVNULL)
        self.live[proc.pid] = proc
        proc.name, proc.out_path, proc.err_path = name, out_path, err_path
        if ready:
            deadline = time.monotonic() + timeout
            while True:
                text = out_path.read_text(errors="replace")
                m = re.search(ready, text)
                if m:
                    proc.ready_match = m
                    break
                if proc.poll() is not None:
                    raise HarnessError(f"{name} exited with {proc.returncode} before it was ready:\n"
                                       f"{text}\n{err_path.read_text(errors='replace')[-3000:]}")
                if time.monotonic() > deadline:
                    raise HarnessError(f"{name} not ready after {timeout} s")
                time.sleep(0.02)
        return proc

    def stop(self, proc):
        if proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(10)
        self.live.pop(proc.pid, None)

    def stop_all(self):
        for proc in list(self.live.values()):
            try:
                self.stop(proc)
            except Exception:  # noqa: BLE001 - best effort on the way out
                pass


PROCS = Procs()


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def port_is_free(port):
    with socket.socket() as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind(("127.0.0.1", port))
            return True
        except OSError:
            return False


def run(cmd, timeout=None, check=True):
    res = subprocess.run([str(c) for c in cmd], capture_output=True, text=True, timeout=timeout)
    if check and res.returncode != 0:
        raise HarnessError(f"{' '.join(map(str, cmd))} failed ({res.returncode}):\n{res.stdout}\n{res.stderr}")
    return res


# ---------------------------------------------------------------- HTTP helpers

CALL = '{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"echo","arguments":{"text":"%s"}}}'
INIT = ('{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18",'
        '"capabilities":{},"clientInfo":{"name":"mcpauth-harness","version":"1"}}}')


def post(port, body, token=None, timeout=5.0):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        headers = {"Content-Type": "application/json", "Accept": "application/json, text/event-stream"}
        if token:
            headers["Authorization"] = "Bearer " + token
        conn.request("POST", "/mcp", body=body, headers=headers)
        resp = conn.getresponse()
        return resp.status, resp.read().decode("utf-8", "replace")
    finally:
        conn.close()


def preflight(port, token, protected):
    """The exact request wrk sends answers 200 with the echo; without a token, 401 when protected."""
    deadline = time.monotonic() + 20
    while True:
        try:
            status, body = post(port, CALL % "preflight", token)
        except (OSError, http.client.HTTPException) as e:
            status, body = None, repr(e)
        if status == 200:
            break
        if status not in (None, 503) or time.monotonic() > deadline:  # 503: the agent has no keys yet
            raise HarnessError(f"preflight tools/call answered {status}: {body[:500]}")
        time.sleep(0.1)
    if '"text":"preflight"' not in body or '"isError":false' not in body:
        raise HarnessError(f"preflight tools/call did not echo: {body[:500]}")
    status, body = post(port, CALL % "no token")
    if status != (401 if protected else 200):
        raise HarnessError(f"without a token the server answered {status} (protected={protected}): {body[:300]}")


# ---------------------------------------------------------------- wrk

UNIT_US = {"us": 1, "ms": 1000, "s": 1_000_000, "m": 60_000_000}


def wrk(port, threads, conns, seconds, tokens="none", lo=0, hi=1, offset=0, latency=True):
    cmd = ["wrk", f"-t{threads}", f"-c{conns}", f"-d{seconds}s", "--timeout", "10s"]
    if latency:
        cmd.append("--latency")
    cmd += ["-s", LUA, f"http://127.0.0.1:{port}/mcp", "--", tokens, lo, hi, offset, threads]
    res = run(cmd, timeout=seconds + 180)
    out = res.stdout
    r = {"cmd": " ".join(map(str, cmd)), "threads": threads, "conns": conns, "seconds": seconds}
    m = re.search(r"Requests/sec:\s+([\d.]+)", out)
    n = re.search(r"(\d+) requests in ([\d.]+)(\w+)", out)
    if not m or not n:
        raise HarnessError(f"cannot parse wrk output:\n{out}\n{res.stderr}")
    r["rps"], r["requests"] = float(m.group(1)), int(n.group(1))
    r["non2xx"] = int((re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out) or [0, 0])[1])
    se = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    r["socket_errors"] = sum(map(int, se.groups())) if se else 0
    r["next_offset"] = int(re.search(r"NEXT_OFFSET=(-?\d+)", out).group(1))
    r["sent"] = int(re.search(r"SENT=(\d+)", out).group(1))
    if latency:
        for pct in ("50", "99"):
            lm = re.search(rf"^\s+{pct}%\s+([\d.]+)(us|ms|s|m)\s*$", out, re.M)
            if not lm:
                raise HarnessError(f"no {pct}% latency in wrk output:\n{out}")
            r[f"p{pct}_us"] = float(lm.group(1)) * UNIT_US[lm.group(2)]
    if r["non2xx"] or r["socket_errors"] or r["requests"] == 0:
        raise HarnessError(f"FAILED REQUESTS: {r['non2xx']} non-2xx, {r['socket_errors']} socket errors, "
                           f"{r['requests']} requests\n{r['cmd']}\n{out}")
    return r


# ---------------------------------------------------------------- set-up

class Env:
    pass


def java_cmd_server(env, variant, port):
    fixture = ["-jar", FIXTURE, "--port", port, "--transport", "stateless"]
    if variant == "a":
        return ["java", *JETTY_OPTS, *fixture]
    if variant in ("b", "c", "agent", "b0", "c0", "baseline"):
        jar = BASELINE if variant in ("b0", "c0", "baseline") else AGENT
        return ["java", *JETTY_OPTS, f"-javaagent:{jar}", f"-Dmcpauth.issuer={env.issuer}",
                f"-Dmcpauth.resource={env.resource}", *fixture]
    if variant == "e":
        # c with the audit trail on in block mode: every request is read (method, tool) and written
        # as one JSON line; one 64 MiB file and one rotated copy bound the disk the run uses.
        return ["java", *JETTY_OPTS, f"-javaagent:{AGENT}", f"-Dmcpauth.issuer={env.issuer}",
                f"-Dmcpauth.resource={env.resource}", f"-Dmcpauth.audit.file={LOGS / f'audit-{port}.log'}",
                "-Dmcpauth.audit.on-overflow=block", "-Dmcpauth.audit.max-size=64m", "-Dmcpauth.audit.max-files=1",
                *fixture]
    if variant == "d":
        return ["java", *JETTY_OPTS, "-cp", TOOLS, "io.mcpauth.bench.harness.PeerMcpServer", "--port", port,
                "--issuer", env.issuer, "--resource", env.resource]
    raise ValueError(variant)


def snapshot_jars():
    """Copies the built jars, so that a rebuild of the tree during the run changes nothing."""
    JARS.mkdir(parents=True, exist_ok=True)
    for name, built in BUILT.items():
        if not built.is_file():
            raise HarnessError(f"missing {built}: run harness.sh (it builds), not harness.py directly")
        for attempt in range(30):
            before = built.stat()
            data = built.read_bytes()
            time.sleep(0.5)
            after = built.stat()
            if before.st_mtime_ns == after.st_mtime_ns and before.st_size == after.st_size == len(data):
                tmp = JARS / (name + ".tmp")
                tmp.write_bytes(data)
                try:
                    with zipfile.ZipFile(tmp) as z:
                        if z.testzip() is None:
                            tmp.replace(JARS / name)
                            break
                except zipfile.BadZipFile:
                    pass
            time.sleep(2)
        else:
            raise HarnessError(f"{built} keeps changing; cannot take a consistent copy")


def setup(env, cfg, baseline_jar=None):
    OUT.mkdir(parents=True, exist_ok=True)
    snapshot_jars()
    if baseline_jar:
        BASELINE.write_bytes(Path(baseline_jar).read_bytes())
    ports_file = OUT / "ports.json"
    ports = json.loads(ports_file.read_text()) if ports_file.exists() else {}
    if not (ports and port_is_free(ports["issuer"]) and port_is_free(ports["mcp"])):
        ports = {"issuer": free_port(), "mcp": free_port()}
        while ports["mcp"] == ports["issuer"]:
            ports["mcp"] = free_port()
        ports_file.write_text(json.dumps(ports))
    env.issuer_port, env.port = ports["issuer"], ports["mcp"]
    env.resource = f"http://127.0.0.1:{env.port}/mcp"

    key_file = OUT / "issuer-key.json"
    thumb = run(["java", "-cp", TOOLS, "io.mcpauth.bench.harness.Issuer", "key", "--key", key_file]).stdout.strip()
    issuer_proc = PROCS.start("issuer", ["java", "-cp", TOOLS, "io.mcpauth.bench.harness.Issuer", "serve",
                                         "--key", key_file, "--port", env.issuer_port],
                              ready=r"issuer listening on (\S+)")
    env.issuer = issuer_proc.ready_match.group(1)
    log(f"issuer {env.issuer} (key thumbprint {thumb}), MCP server port {env.port}")

    need = max(cfg["cold_pool"], cfg["mem_pool"])
    tag = hashlib.sha256(f"{env.issuer}|{env.resource}".encode()).hexdigest()[:10]
    env.tokens = OUT / f"tokens-{thumb[:16]}-{tag}.txt"
    fresh = env.tokens.exists() and time.time() - env.tokens.stat().st_mtime < TOKEN_MAX_AGE_S
    have = count_lines(env.tokens) if fresh else 0
    if have >= need:
        env.mint_note = f"reused {env.tokens.name} ({have:,} tokens, minted {int((time.time() - env.tokens.stat().st_mtime) / 60)} min ago)"
    else:
        log(f"minting {need:,} RS256 tokens into {env.tokens.name} (about 1-3 ms each per core)")
        for stale in OUT.glob(f"tokens-{thumb[:16]}-*.txt"):
            stale.unlink()
        res = run(["java", "-cp", TOOLS, "io.mcpauth.bench.harness.Issuer", "mint", "--key", key_file,
                   "--issuer", env.issuer, "--audience", env.resource, "--count", need, "--out", env.tokens],
                  timeout=3600)
        env.mint_note = res.stdout.strip()
        log(env.mint_note)
    with open(env.tokens) as f:
        env.token_len = len(f.readline().strip())
    env.one_token = open(env.tokens).readline().strip()


def count_lines(path):
    with open(path, "rb") as f:
        return sum(chunk.count(b"\n") for chunk in iter(lambda: f.read(1 << 20), b""))


# ---------------------------------------------------------------- 1. HTTP overhead

def compile_queue(pid):
    """How many methods wait in the JVM's JIT compile queues (C1 and C2), by jcmd Compiler.queue."""
    out = run(["jcmd", pid, "Compiler.queue"]).stdout
    waiting, in_queue = 0, False
    for line in out.splitlines():
        if line.endswith("compile queue:"):
            in_queue = True
        elif in_queue and re.match(r"\s*\d+\s", line):
            waiting += 1
    return waiting


def settle(port, pid, region, offset, cfg, results, tags):
    """Warm-up chunks until the rate and the JIT settle (see SETTLE_*); returns (rates, offset, settled)."""
    rates = []
    while len(rates) < cfg["settle_max"]:
        r = wrk(port, 2, 16, SETTLE_CHUNK_S, *region, offset, latency=False)
        offset = r["next_offset"]
        rates.append(r["rps"])
        queued = compile_queue(pid)
        results.append(dict(tags, phase="settle", compile_queue=queued, **r))
        last = rates[-SETTLE_WINDOW:]
        if (len(rates) >= cfg["settle_min"] and len(last) == SETTLE_WINDOW
                and max(last) <= SETTLE_SPREAD * min(last) and queued == 0):
            results.append(dict(tags, phase="settled", chunks=len(rates), settled=True))
            return rates, offset, True
    results.append(dict(tags, phase="settled", chunks=len(rates), settled=False))
    return rates, offset, False


def http_overhead(env, cfg, variants):
    rounds, results = cfg["rounds"], []
    cold_lo, cold_hi = FILL, cfg["cold_pool"]
    for rnd in range(1, rounds + 1):
        # Each round starts one variant later, so that no variant always runs at the same point of a
        # round (after the same neighbour, at the same distance from the round's start).
        shift = (rnd - 1) % len(variants)
        for key, label in variants[shift:] + variants[:shift]:
            log(f"HTTP round {rnd}/{rounds}: {label}")
            proc = PROCS.start(f"http-r{rnd}-{key}", java_cmd_server(env, key, env.port),
                               ready=r"MCP server listening on")
            try:
                token = None if key == "a" else env.one_token
                preflight(env.port, token, protected=key != "a")
                if key == "a":
                    region = ("none", 0, 1)
                elif key in COLD:
                    region = (env.tokens, cold_lo, cold_hi)
                else:
                    region = (env.tokens, 0, 1)
                # Every variant first gets FILL requests (the same JIT warm-up for all); for b they
                # carry tokens 0..FILL-1, which fill its cache and are never sent again.
                pre = (env.tokens, 0, FILL) if key in COLD else region
                sent = 0
                while sent < FILL:
                    r = wrk(env.port, 2, 16, 3, *pre, sent, latency=False)
                    sent = r["next_offset"]
                    results.append(dict(round=rnd, variant=key, phase="fill", **r))
                rates, offset, settled = settle(env.port, proc.pid, region, 0, cfg, results,
                                                dict(round=rnd, variant=key))
                log(f"  settled after {len(rates) * SETTLE_CHUNK_S} s: {settled} ({', '.join(f'{x:,.0f}' for x in rates)} req/s)")
                for phase, t, c, secs, lat in (("c1", 1, 1, cfg["duration"], True),
                                                ("c16", 2, 16, cfg["duration"], True)):
                    r = wrk(env.port, t, c, secs, *region, offset, latency=lat)
                    offset = r["next_offset"]
                    results.append(dict(round=rnd, variant=key, phase=phase, **r))
                if key in COLD:
                    results.append(dict(round=rnd, variant=key, phase="cold-positions", sent=offset,
                                        region=cold_hi - cold_lo))
            finally:
                PROCS.stop(proc)
    return results


# ---------------------------------------------------------------- 1b. the audit trail, paired

def process_ticks(pid, thread_name=None):
    """CPU clock ticks (user + system) of a process, or of its threads with this name."""
    def ticks(stat):
        fields = Path(stat).read_text().rsplit(")", 1)[1].split()
        return int(fields[11]) + int(fields[12])
    if thread_name is None:
        return ticks(f"/proc/{pid}/stat")
    total = 0
    for task in Path(f"/proc/{pid}/task").iterdir():
        try:
            if (task / "comm").read_text().strip() == thread_name:
                total += ticks(task / "stat")
        except FileNotFoundError:
            pass  # the thread ended meanwhile
    return total


def audit_pairs(env, cfg):
    """The audit trail's cost: c and e run side by side, both warmed up, and are then measured in
    alternating short runs at 16 connections (c-e, e-c, ...), each pair within seconds of each other.
    On a shared machine whose speed drifts over minutes, a ratio per pair cancels the drift that
    separate rounds minutes apart take in (section 1's e and c can be 2-5 minutes apart)."""
    results, procs, ports = [], {}, {"c": env.port}
    ports["e"] = free_port()
    while ports["e"] == env.port or ports["e"] == env.issuer_port:
        ports["e"] = free_port()
    try:
        for key in ("c", "e"):
            procs[key] = PROCS.start(f"audit-pair-{key}", java_cmd_server(env, key, ports[key]),
                                     ready=r"MCP server listening on")
            preflight(ports[key], env.one_token, protected=True)
        offsets = {}
        for key in ("c", "e"):
            log(f"audit pairs: warming up {key}")
            rates, offsets[key], settled = settle(ports[key], procs[key].pid, (env.tokens, 0, 1), 0, cfg, results,
                                                  dict(variant=key, section="audit"))
            log(f"  settled after {len(rates) * SETTLE_CHUNK_S} s: {settled}")
        for i in range(cfg["audit_pairs"]):
            for key in (("c", "e") if i % 2 == 0 else ("e", "c")):
                pid = procs[key].pid
                cpu0, writer0 = process_ticks(pid), process_ticks(pid, "mcpauth-audit")
                r = wrk(ports[key], 2, 16, cfg["audit_pair_s"], env.tokens, 0, 1, offsets[key], latency=True)
                cpu1, writer1 = process_ticks(pid), process_ticks(pid, "mcpauth-audit")
                offsets[key] = r["next_offset"]
                results.append(dict(section="audit", phase="pair", pair=i + 1, variant=key, cpu_ticks=cpu1 - cpu0,
                                    writer_ticks=writer1 - writer0, **r))
            pair = {x["variant"]: x["rps"] for x in results[-2:]}
            log(f"  pair {i + 1}/{cfg['audit_pairs']}: c {pair['c']:,.0f}, e {pair['e']:,.0f} req/s, e ÷ c {pair['e'] / pair['c']:.3f}")
    finally:
        for proc in procs.values():
            PROCS.stop(proc)
    return results


# ---------------------------------------------------------------- 2. start-up

def startup_once(env, variant, xlog=None):
    cmd = java_cmd_server(env, "a" if variant == "none" else variant, env.port)
    if xlog:
        cmd.insert(1, f"-Xlog:class+load:file={xlog}")
    token = None if variant == "none" else env.one_token
    name = f"startup-{variant}-{'classes' if xlog else 'time'}"
    t0 = time.perf_counter()
    proc = PROCS.start(name, cmd)
    first_response_ms = None  # any status: Jetty answers; the agent may still answer 503 (no keys yet)
    try:
        deadline = t0 + 90
        while True:
            try:
                status, body = post(env.port, INIT, token, timeout=10)
                if first_response_ms is None:
                    first_response_ms = (time.perf_counter() - t0) * 1000
                if status == 200:
                    elapsed_ms = (time.perf_counter() - t0) * 1000
                    break
                if status != 503:
                    raise HarnessError(f"start-up ({variant}): initialize answered {status}: {body[:300]}")
            except (OSError, http.client.HTTPException):
                pass  # not listening yet
            if proc.poll() is not None:
                raise HarnessError(f"start-up ({variant}): java exited with {proc.returncode}: "
                                   f"{proc.err_path.read_text(errors='replace')[-2000:]}")
            if time.perf_counter() > deadline:
                raise HarnessError(f"start-up ({variant}): no 200 within 90 s")
            time.sleep(0.002)
        r = {"variant": variant, "ms": elapsed_ms, "first_response_ms": first_response_ms,
             "cpu_ms": cpu_ms(proc.pid)}
        if xlog:
            r["classes_at_first_200"] = count_class_lines(xlog)
            time.sleep(2)
            r["classes_2s_later"] = count_class_lines(xlog)
        else:
            time.sleep(0.3)  # let the agent's background thread write its start line
    finally:
        PROCS.stop(proc)
    m = re.search(r"started in (\d+) ms", proc.err_path.read_text(errors="replace") +
                  proc.out_path.read_text(errors="replace"))
    r["agent_started_in_ms"] = int(m.group(1)) if m else None
    return r


def cpu_ms(pid):
    """User + system CPU time the process has used so far (all its threads), in ms."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) * 1000 / os.sysconf("SC_CLK_TCK")


def count_class_lines(path):
    with open(path, errors="replace") as f:
        return sum(1 for line in f if "[class,load]" in line)


def startup(env, cfg, baseline):
    results = []
    kinds = ["none", "agent"] + (["baseline"] if baseline else [])
    for i in range(cfg["startup_runs"]):
        order = kinds[i % len(kinds):] + kinds[:i % len(kinds)]  # each variant in each position in turn
        for variant in order:
            r = startup_once(env, variant)
            results.append(r)
        log(f"start-up run {i + 1}/{cfg['startup_runs']}: "
            + ", ".join(f"{x['variant']} {x['ms']:.0f} ms" for x in results[-len(kinds):]))
    for i in range(cfg["class_runs"]):
        for variant in kinds:
            xlog = LOGS / f"classes-{variant}-{i}.log"
            if xlog.exists():
                xlog.unlink()
            results.append(dict(startup_once(env, variant, xlog=xlog), kind="classes"))
    return results


# ---------------------------------------------------------------- 3. memory

def heap_and_rss(pid):
    run(["jcmd", pid, "GC.run"])
    time.sleep(0.5)
    run(["jcmd", pid, "GC.run"])
    info = run(["jcmd", pid, "GC.heap_info"]).stdout
    m = re.search(r"total (\d+)K, used (\d+)K", info)
    if not m:
        raise HarnessError(f"cannot parse GC.heap_info:\n{info}")
    rss = re.search(r"VmRSS:\s+(\d+) kB", Path(f"/proc/{pid}/status").read_text())
    first = info.strip().splitlines()[1].split()[0:2] if len(info.strip().splitlines()) > 1 else ["?"]
    return {"heap_used_kb": int(m.group(2)), "heap_committed_kb": int(m.group(1)),
            "rss_kb": int(rss.group(1)), "gc": " ".join(first)}


def drive(env, port, target, lo, hi, offset, results, label):
    """wrk at 16 connections in chunks until `target` more requests were sent; returns the new offset."""
    sent, rate = 0, None
    while sent < target:
        # short chunks, sized on the last chunk's rate, so the total overshoots by at most ~1 s of requests
        secs = 1 if rate is None else max(1, min(15, int((target - sent) / rate)))
        r = wrk(port, 2, 16, secs, env.tokens, lo, hi, offset, latency=False)
        offset, sent = r["next_offset"], sent + r["sent"]
        rate = max(1.0, r["rps"], r["sent"] / secs)  # wrk's req/s misses requests sent during its start
        results.append(dict(phase=label, **r))
    return offset, sent


def memory(env, cfg):
    results, states = [], []
    # without the agent
    proc = PROCS.start("memory-a", java_cmd_server(env, "a", env.port), ready=r"MCP server listening on")
    try:
        preflight(env.port, None, protected=False)
        results.append(dict(phase="warmup-a", **wrk(env.port, 2, 16, cfg["mem_warmup"], latency=False)))
        states.append(dict(state="fixture, no agent, after warm-up", **heap_and_rss(proc.pid)))
    finally:
        PROCS.stop(proc)
    # with the agent
    proc = PROCS.start("memory-agent", java_cmd_server(env, "agent", env.port), ready=r"MCP server listening on")
    try:
        preflight(env.port, env.one_token, protected=True)
        results.append(dict(phase="warmup-agent", **wrk(env.port, 2, 16, cfg["mem_warmup"], env.tokens, 0, 1, 0,
                                                        latency=False)))
        states.append(dict(state="agent, after warm-up (one token)", **heap_and_rss(proc.pid)))
        pool, total = cfg["mem_pool"], 0
        offset, sent = drive(env, env.port, cfg["mem_checkpoint"], 0, pool, 0, results, "distinct-1")
        total += sent
        states.append(dict(state=f"agent, after {total:,} requests, distinct tokens", sent=total,
                           **heap_and_rss(proc.pid)))
        log(f"memory: {total:,} requests with distinct tokens sent")
        offset, sent = drive(env, env.port, cfg["mem_requests"] - total, 0, pool, offset, results, "distinct-2")
        total += sent
        states.append(dict(state=f"agent, after {total:,} requests, distinct tokens", sent=total,
                           **heap_and_rss(proc.pid)))
        log(f"memory: {total:,} requests with distinct tokens sent")
    finally:
        PROCS.stop(proc)
    return results, states


# ---------------------------------------------------------------- report

def med(xs):
    return statistics.median(xs)


def fmt_int(x):
    return f"{x:,.0f}"


def fmt_ratio(xs):
    return f"{med(xs):.2f}× ({min(xs):.2f}..{max(xs):.2f})"


def fmt_delta(xs):
    return f"{med(xs):+,.0f} µs ({min(xs):+,.0f}..{max(xs):+,.0f})"


def machine():
    cpu = "?"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    jdk = run(["java", "-version"]).stderr.splitlines()
    wrk_v = run(["wrk", "-v"], check=False).stdout.split("\n")[0].split(" [")[0]
    return f"{os.cpu_count()} × {cpu}, {' / '.join(jdk[1:2])}, {wrk_v}"


def git_state():
    head = run(["git", "-C", ROOT, "rev-parse", "--short", "HEAD"], check=False).stdout.strip()
    dirty = run(["git", "-C", ROOT, "status", "--porcelain", "--", "agent"], check=False).stdout.strip()
    return head + (" + uncommitted agent/ changes" if dirty else "")


def report(env, cfg, args, http, starts, mem_states, jmh_table, started_at, load0, now, load_end, audit=()):
    L = []
    agent_sha = hashlib.sha256(AGENT.read_bytes()).hexdigest()[:12]
    baseline = any(r["variant"] in ("b0", "c0") for r in http) or any(r["variant"] == "baseline" for r in starts)
    measured = {r["variant"] for r in http}
    variants = [v for v in VARIANTS + BASELINE_VARIANTS if v[0] in measured]
    L.append(f"# mcpauth end-to-end performance{' (--quick: validation only)' if args.quick else ''}")
    L.append("")
    L.append(f"{now:%Y-%m-%d %H:%M} UTC, {(now - started_at).total_seconds() / 60:.0f} min; {machine()}; "
             f"git {git_state()}, agent jar sha256 {agent_sha}…; load average {load0} → "
             f"{load_end}. Client (wrk) and servers share the machine, loopback only; "
             f"every JVM runs copies of the jars taken at the start. Jetty's header cache: "
             + (f"{args.jetty_header_cache} (`--jetty-header-cache`), for every server" if args.jetty_header_cache is not None
                else f"Jetty's default ({JETTY_DEFAULT_HEADER_CACHE}), so a token of up to {JETTY_DEFAULT_HEADER_CACHE} characters is cached per connection")
             + "."
             + (f" Baseline agent jar (`--baseline-jar`): {args.baseline_label}, sha256 "
                f"{hashlib.sha256(BASELINE.read_bytes()).hexdigest()[:12]}…." if baseline else ""))
    L.append("")
    if http:  # 1
        rounds = cfg["rounds"]
        L.append(f"## 1. HTTP overhead: stateless `tools/call echo`, {rounds} round(s) {','.join(k for k, _ in variants)} alternating (each round starting one variant later), "
                 f"each a fresh JVM: warm-up at 16 conns in {SETTLE_CHUNK_S} s chunks until {SETTLE_WINDOW} in a row are within "
                 f"{(SETTLE_SPREAD - 1) * 100:.0f} % and the JIT's compile queues are empty "
                 f"({cfg['settle_min'] * SETTLE_CHUNK_S}..{cfg['settle_max'] * SETTLE_CHUNK_S} s), "
                 f"then {cfg['duration']} s at 1 and at 16")
        L.append("| variant | conns | req/s | req/s ÷ unprotected, per round | p50 µs | p99 µs |")
        L.append("|---|---:|---:|---|---:|---:|")
        runs = {(r["round"], r["variant"], r["phase"]): r for r in http if r["phase"] in ("c1", "c16")}
        for phase, conns in (("c1", 1), ("c16", 16)):
            for key, label in variants:
                rr = [runs[(n, key, phase)] for n in range(1, rounds + 1)]
                base = [runs[(n, "a", phase)] for n in range(1, rounds + 1)]
                ratio = "–" if key == "a" else fmt_ratio([x["rps"] / y["rps"] for x, y in zip(rr, base)])
                L.append(f"| {label} | {conns} | {fmt_int(med([x['rps'] for x in rr]))} | {ratio} | "
                         f"{fmt_int(med([x['p50_us'] for x in rr]))} | {fmt_int(med([x['p99_us'] for x in rr]))} |")
        parts = []
        for phase, conns in (("c16", 16), ("c1", 1)):
            for key, label in variants[1:]:
                deltas = [runs[(n, key, phase)]["p50_us"] - runs[(n, "a", phase)]["p50_us"] for n in range(1, rounds + 1)]
                parts.append(f"{key}{conns} {fmt_delta(deltas)}")
        L.append("- Added p50 vs unprotected, per round median (min..max), variant+connections: " + "; ".join(parts) + ".")
        if {"c", "e"} <= measured:
            parts = []
            for phase, conns in (("c16", 16), ("c1", 1)):
                ratios = [runs[(n, "e", phase)]["rps"] / runs[(n, "c", phase)]["rps"] for n in range(1, rounds + 1)]
                added = [runs[(n, "e", phase)]["p50_us"] - runs[(n, "c", phase)]["p50_us"] for n in range(1, rounds + 1)]
                parts.append(f"at {conns}: req/s e ÷ c per round {fmt_ratio(ratios)}, p50 {fmt_delta(added)}")
            L.append("- Audit trail (`mcpauth.audit.file`, block mode; each request's body read for its method and tool, "
                     "one JSON line written by the `mcpauth-audit` thread) against the plain warm agent: "
                     + "; ".join(parts) + ".")
        if {"b", "c", "b0", "c0"} <= measured:
            parts = []
            for phase, conns in (("c16", 16), ("c1", 1)):
                for now_key, before_key, what in (("c", "c0", "warm"), ("b", "b0", "cold")):
                    before = [runs[(n, "a", phase)]["rps"] for n in range(1, rounds + 1)]
                    after = [runs[(n, now_key, phase)]["rps"] / b for n, b in zip(range(1, rounds + 1), before)]
                    was = [runs[(n, before_key, phase)]["rps"] / b for n, b in zip(range(1, rounds + 1), before)]
                    parts.append(f"{what} at {conns}: {med(was):.2f}× → {med(after):.2f}× of unprotected "
                                 f"(this ÷ baseline per round {fmt_ratio([x / y for x, y in zip(after, was)])})")
            L.append("- Before → after (baseline agent → this agent), medians of the per-round ratios: " + "; ".join(parts) + ".")
        settled_rows = [r for r in http if r["phase"] == "settled"]
        if settled_rows:
            parts = []
            for key, label in variants:
                mine = [r for r in settled_rows if r["variant"] == key]
                secs = [r["chunks"] * SETTLE_CHUNK_S for r in mine]
                unsettled = sum(1 for r in mine if not r["settled"])
                parts.append(f"{key} {fmt_int(med(secs))} s ({min(secs)}..{max(secs)})"
                             + (f", {unsettled} round(s) not settled at the limit" if unsettled else ""))
            L.append("- Warm-up until the rate and the JIT settled, per variant, median (min..max): " + "; ".join(parts) + ".")
        total = sum(r.get("requests", 0) for r in http)
        cold = [r for r in http if r["phase"] == "cold-positions"]
        L.append(f"- Every request answered 2xx: {total:,} requests in all wrk runs, 0 non-2xx, 0 socket errors "
                 f"(each run also pre-checked: 200 with the echo, 401 without a token for b, c, d, e).")
        if cold:
            L.append(f"- Cold cache: a pool of {cfg['cold_pool']:,} distinct tokens ({env.token_len} bytes, RS256, kid, typ at+jwt). "
                     f"Every server first gets {FILL:,} requests at 16 conns; for the cold one they carry tokens 1..{FILL:,} (more "
                     f"than the {CACHE_SIZE:,} the cache holds) and the warm-up and measured runs then rotate over the other "
                     f"{cfg['cold_pool'] - FILL:,}; per server at most "
                     f"{max(c['sent'] for c in cold):,} positions were used, so a token came back at the earliest "
                     f"{cfg['cold_pool'] - FILL:,} requests later. Warm cache and peer: one token. Tokens: {env.mint_note}.")
        else:
            L.append(f"- Warm cache: one token. Tokens: {env.mint_note}.")
        L.append("")
    pairs = [r for r in audit if r.get("phase") == "pair"]
    if pairs:  # 1b
        by = {(r["pair"], r["variant"]): r for r in pairs}
        n = max(r["pair"] for r in pairs)
        ratios = [by[(i, "e")]["rps"] / by[(i, "c")]["rps"] for i in range(1, n + 1)]
        quart = sorted(ratios)
        q1, q3 = quart[len(quart) // 4], quart[(3 * len(quart)) // 4]
        cpu = {k: [by[(i, k)]["cpu_ticks"] * 1e6 / os.sysconf("SC_CLK_TCK") / by[(i, k)]["requests"] for i in range(1, n + 1)]
               for k in ("c", "e")}
        writer = [by[(i, "e")]["writer_ticks"] / by[(i, "e")]["cpu_ticks"] for i in range(1, n + 1) if by[(i, "e")]["cpu_ticks"]]
        L.append(f"## 1b. The audit trail's cost, paired: c and e side by side, {n} alternating pairs of "
                 f"{cfg['audit_pair_s']} s at 16 connections")
        L.append("| variant | req/s, median of pairs | p50 µs | p99 µs | server CPU µs per request |")
        L.append("|---|---:|---:|---:|---:|")
        for key, label in (("c", "c. agent, warm cache (one token)"), ("e", "e. agent, warm cache, audit trail (block)")):
            mine = [by[(i, key)] for i in range(1, n + 1)]
            L.append(f"| {label} | {fmt_int(med([r['rps'] for r in mine]))} | {fmt_int(med([r['p50_us'] for r in mine]))} | "
                     f"{fmt_int(med([r['p99_us'] for r in mine]))} | {med(cpu[key]):.1f} |")
        L.append(f"- **Audit trail, block mode: req/s e ÷ c per pair {fmt_ratio(ratios)}, middle half {q1:.2f}..{q3:.2f}** "
                 f"(target: at least 0.95×, a cost under 5 %: {'met' if med(ratios) >= 0.95 else '**not met**'}). "
                 f"Server CPU per request e ÷ c: {med(cpu['e']) / med(cpu['c']):.2f}×; the `mcpauth-audit` writer thread "
                 f"took {100 * med(writer):.1f} % of e's CPU.")
        L.append(f"- Both servers ran for the whole section, each warmed up as in section 1; the pairs alternate which "
                 f"runs first. Every request answered 2xx ({sum(r['requests'] for r in pairs):,} requests).")
        L.append("")
    timed = [r for r in starts if r.get("kind") != "classes"]
    if timed:  # 2
        cls = [r for r in starts if r.get("kind") == "classes"]
        t_none = [r["ms"] for r in timed if r["variant"] == "none"]
        t_agent = [r["ms"] for r in timed if r["variant"] == "agent"]
        L.append(f"## 2. Start-up: exec java → first 200 on `initialize` ({len(t_none)} runs each, interleaved)")
        L.append("| variant | median ms | min..max ms | first answer of any status, median ms | JVM CPU time (user+sys) at first 200, median ms | classes loaded at first 200 (2 s later) |")
        L.append("|---|---:|---|---:|---:|---:|")
        rows = [("none", "fixture, no agent", t_none), ("agent", "fixture + agent", t_agent)]
        t_base = [r["ms"] for r in timed if r["variant"] == "baseline"]
        if t_base:
            rows.append(("baseline", "fixture + baseline agent", t_base))
        for variant, label, ts in rows:
            c = [r for r in cls if r["variant"] == variant]
            lst = [r["first_response_ms"] for r in timed if r["variant"] == variant]
            L.append(f"| {label} | {fmt_int(med(ts))} | {fmt_int(min(ts))}..{fmt_int(max(ts))} | "
                     f"{fmt_int(med(lst))} | {fmt_int(med([r['cpu_ms'] for r in timed if r['variant'] == variant]))} | "
                     f"{fmt_int(med([x['classes_at_first_200'] for x in c]))} ({fmt_int(med([x['classes_2s_later'] for x in c]))}) |")
        own = [r["agent_started_in_ms"] for r in timed if r["variant"] == "agent" and r["agent_started_in_ms"] is not None]
        L.append(f"- Difference of medians: {med(t_agent) - med(t_none):+,.0f} ms. The agent's own log line "
                 + (f"\"started in N ms\": median {fmt_int(med(own))} ms ({fmt_int(min(own))}..{fmt_int(max(own))}), "
                    f"{len(own)} of {len(t_agent)} runs." if own else "\"started in\" was not found in its output.")
                 + f" Classes: `-Xlog:class+load` lines in {len(cls) // len(rows)} separate untimed run(s) per variant.")
        if t_base:
            L.append(f"- Before → after: baseline agent {med(t_base) - med(t_none):+,.0f} ms → this agent "
                     f"{med(t_agent) - med(t_none):+,.0f} ms over the fixture (differences of medians).")
        L.append("")
    if mem_states:  # 3
        L.append("## 3. Memory: heap used after `jcmd GC.run` (×2) and VmRSS; default JVM flags")
        L.append("| state | heap used MiB | heap committed MiB | RSS MiB |")
        L.append("|---|---:|---:|---:|")
        for s in mem_states:
            L.append(f"| {s['state']} | {s['heap_used_kb'] / 1024:,.1f} | {s['heap_committed_kb'] / 1024:,.0f} | "
                     f"{s['rss_kb'] / 1024:,.0f} |")
        L.append(f"- Distinct tokens: a pool of {cfg['mem_pool']:,} tokens sent in rotation by wrk at 16 connections "
                 f"(a token repeats every {cfg['mem_pool']:,} requests, {cfg['mem_pool'] / CACHE_SIZE:g}× the cache size), "
                 f"{cfg['mem_requests'] / cfg['mem_pool']:.0f} passes; not {cfg['mem_requests']:,} separately minted tokens. "
                 f"GC: {mem_states[0]['gc']}.")
        L.append("")
    # 4
    L.append(f"## 4. Hot path: `rounds.sh {cfg['jmh_rounds']}` (JMH, same machine, after the above)")
    L.extend(jmh_table.strip().splitlines())
    L.append("")
    return "\n".join(L)


# ---------------------------------------------------------------- main

def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="1 round, short runs, small pools")
    parser.add_argument("--skip", default="", help="comma list of sections to skip (http,audit,startup,memory,jmh), for debugging")
    parser.add_argument("--report-only", action="store_true", help="re-print the report from results.json")
    parser.add_argument("--jetty-header-cache", type=int, metavar="N",
                        help="Jetty's per-connection header cache size for every server (default: Jetty's, "
                             f"{JETTY_DEFAULT_HEADER_CACHE}); values longer than N are not cached")
    parser.add_argument("--baseline-jar", metavar="JAR",
                        help="an earlier agent jar, measured beside the current one in sections 1 and 2 (before/after)")
    parser.add_argument("--variants", default="",
                        help="comma list of the HTTP variants to run (a is always run: the ratios are against it)")
    parser.add_argument("--baseline-label", default="", help="what the baseline jar was built from, for the report")
    args = parser.parse_args()
    if args.jetty_header_cache is not None:
        JETTY_OPTS.append(f"-Djetty.httpConfig.headerCacheSize={args.jetty_header_cache}")
    cfg = QUICK if args.quick else FULL
    skip = set(filter(None, args.skip.split(",")))
    if args.report_only:
        results = json.loads((OUT / "results.json").read_text())
        return render(results, load_end=results["meta"].get("load_end"))

    def on_signal(signum, _frame):
        raise SystemExit(128 + signum)

    for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        signal.signal(sig, on_signal)

    started_at = datetime.datetime.now(datetime.timezone.utc)
    load0 = Path("/proc/loadavg").read_text().split()[0]
    env = Env()
    results = {"config": cfg, "quick": args.quick, "jetty_header_cache": args.jetty_header_cache,
               "baseline_label": args.baseline_label or args.baseline_jar}
    try:
        setup(env, cfg, args.baseline_jar)
        variants = VARIANTS + (BASELINE_VARIANTS if args.baseline_jar else [])
        if args.variants:
            wanted = set(args.variants.split(",")) | {"a"}
            unknown = wanted - {key for key, _ in variants}
            if unknown:
                raise HarnessError(f"--variants: no variant {', '.join(sorted(unknown))} in this run")
            variants = [v for v in variants if v[0] in wanted]
        http = http_overhead(env, cfg, variants) if "http" not in skip else []
        results["http"] = http
        keys = {key for key, _ in variants}
        results["audit"] = audit_pairs(env, cfg) if "audit" not in skip and {"c", "e"} <= keys else []
        starts = startup(env, cfg, bool(args.baseline_jar)) if "startup" not in skip else []
        results["startup"] = starts
        mem_runs, mem_states = memory(env, cfg) if "memory" not in skip else ([], [])
        results["memory"] = {"runs": mem_runs, "states": mem_states}
    finally:
        PROCS.stop_all()
        (OUT / "results.json").write_text(json.dumps(results, indent=1, default=str))
    jmh_table = "(skipped)"
    if "jmh" not in skip:
        log(f"JMH: rounds.sh {cfg['jmh_rounds']}")
        jmh_table = run([BENCH / "rounds.sh", cfg["jmh_rounds"]], timeout=3600).stdout
    results["jmh"] = jmh_table
    results["meta"] = dict(started_at=started_at.isoformat(), load0=load0, token_len=env.token_len,
                           mint_note=env.mint_note,
                           finished_at=datetime.datetime.now(datetime.timezone.utc).isoformat(),
                           load_end=Path("/proc/loadavg").read_text().split()[0])
    (OUT / "results.json").write_text(json.dumps(results, indent=1, default=str))
    return render(results, load_end=None)


def render(results, load_end):
    meta = results["meta"]
    env = Env()
    env.token_len, env.mint_note = meta["token_len"], meta["mint_note"]
    args = argparse.Namespace(quick=results["quick"], jetty_header_cache=results.get("jetty_header_cache"),
                              baseline_label=results.get("baseline_label"))
    text = report(env, results["config"], args, results["http"], results["startup"], results["memory"]["states"],
                  results["jmh"], datetime.datetime.fromisoformat(meta["started_at"]), meta["load0"],
                  datetime.datetime.fromisoformat(meta["finished_at"]), meta["load_end"], audit=results.get("audit", []))
    (OUT / "report.md").write_text(text + "\n")
    print(text)
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except HarnessError as e:
        print(f"\nHARNESS FAILED: {e}", file=sys.stderr)
        sys.exit(1)
