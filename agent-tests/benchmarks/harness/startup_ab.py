"""Start-up A/B: exec java -> first 200 on `initialize`, variants interleaved, with two empty agents that
show what any -javaagent costs the JVM before mcpauth's own code runs.

  python3 agent-tests/benchmarks/harness/startup_ab.py [RUNS] [NAME=AGENT_JAR ...]   # after harness.sh built the jars

Variants, each a fresh JVM per run, order reversed every other run:
  none         the servlet-jetty fixture, stateless, no agent
  empty-agent  -javaagent with an empty premain
  empty-hook   -javaagent whose premain registers a ClassFileTransformer that returns null
  NAME         -javaagent:AGENT_JAR configured like harness.py's start-up section (default: mcpauth=the
               harness's copy of the shipped jar); give several to compare builds
The two empty agents are compiled into target/harness/empty-agents with the JDK's javac and jar.
Reports medians: total, time to the fixture's "listening" line, listening -> first 200, and the JVM's CPU;
with two or more NAMEs, also each one against the first, run by run: the runs of one round start back to
back, so their difference shares the machine's state (median and quartiles of the paired differences).
"""
import importlib.util
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

runs = int(sys.argv[1]) if len(sys.argv) > 1 else 20
named = dict(arg.split("=", 1) for arg in sys.argv[2:])
sys.argv = ["harness.py"]
spec = importlib.util.spec_from_file_location("h", os.path.join(os.path.dirname(os.path.abspath(__file__)), "harness.py"))
h = importlib.util.module_from_spec(spec); spec.loader.exec_module(h)

EMPTY = {
    "EmptyPremain": "public class EmptyPremain { public static void premain(String a, java.lang.instrument.Instrumentation i) {} }",
    "EmptyHook": "public class EmptyHook { public static void premain(String a, java.lang.instrument.Instrumentation i) {"
                 " i.addTransformer(new java.lang.instrument.ClassFileTransformer() {}); } }",
}


def empty_agents():
    """An agent jar per class in EMPTY; ClassFileTransformer's default transform returns null."""
    out = h.OUT / "empty-agents"
    out.mkdir(parents=True, exist_ok=True)
    jars = {}
    for name, source in EMPTY.items():
        (out / f"{name}.java").write_text(source + "\n")
        (out / f"{name}.mf").write_text(f"Premain-Class: {name}\n")
        subprocess.run(["javac", "-d", str(out / name), str(out / f"{name}.java")], check=True)
        jars[name] = out / f"{name}.jar"
        subprocess.run(["jar", "cfm", str(jars[name]), str(out / f"{name}.mf"), "-C", str(out / name), "."], check=True)
    return jars


class Env:
    pass


env = Env()
h.setup(env, {"cold_pool": 10, "mem_pool": 10})
fixture = ["-jar", str(h.FIXTURE), "--port", str(env.port), "--transport", "stateless"]
empty = empty_agents()
variants = {"none": (["java", *fixture], None),
            "empty-agent": (["java", f"-javaagent:{empty['EmptyPremain']}", *fixture], None),
            "empty-hook": (["java", f"-javaagent:{empty['EmptyHook']}", *fixture], None)}
for name, jar in (named or {"mcpauth": str(h.AGENT)}).items():
    variants[name] = (["java", f"-javaagent:{jar}", f"-Dmcpauth.issuer={env.issuer}",
                       f"-Dmcpauth.resource={env.resource}", *fixture], env.one_token)


def once(name):
    cmd, token = variants[name]
    t0 = time.perf_counter()
    proc = h.PROCS.start("startup-ab-" + name, [str(c) for c in cmd], ready=r"MCP server listening on")
    listening = (time.perf_counter() - t0) * 1000
    try:
        while True:
            try:
                status, body = h.post(env.port, h.INIT, token, timeout=10)
                if status == 200:
                    return {"total": (time.perf_counter() - t0) * 1000, "listening": listening,
                            "cpu": h.cpu_ms(proc.pid)}
                if status != 503:
                    raise h.HarnessError(f"{name}: initialize answered {status}: {body[:200]}")
            except (OSError, h.http.client.HTTPException):
                pass
            if time.perf_counter() - t0 > 90:
                raise h.HarnessError(f"{name}: no 200 within 90 s")
            time.sleep(0.002)
    finally:
        h.PROCS.stop(proc)


results = {name: [] for name in variants}
try:
    for i in range(runs):
        for name in (list(variants) if i % 2 == 0 else list(reversed(variants))):
            results[name].append(once(name))
finally:
    h.PROCS.stop_all()

base = statistics.median(r["total"] for r in results["none"])
print(f"{runs} interleaved runs each; medians in ms")
print("| variant | exec -> first 200 | - no agent | exec -> listening | listening -> first 200 | JVM CPU at first 200 |")
print("|---|---:|---:|---:|---:|---:|")
for name, rs in results.items():
    total = statistics.median(r["total"] for r in rs)
    print(f"| {name} | {total:,.0f} | {total - base:+,.0f} | {statistics.median(r['listening'] for r in rs):,.0f} "
          f"| {statistics.median(r['total'] - r['listening'] for r in rs):,.0f} | {statistics.median(r['cpu'] for r in rs):,.0f} |")

names = list(named or {"mcpauth": None})
for other in names[1:]:
    diffs = sorted(b["total"] - a["total"] for a, b in zip(results[names[0]], results[other]))
    quarter = len(diffs) // 4
    print(f"paired, {other} - {names[0]}: median {statistics.median(diffs):+,.0f} ms, quartiles "
          f"{diffs[quarter]:+,.0f}..{diffs[3 * len(diffs) // 4]:+,.0f}, faster in {sum(d < 0 for d in diffs)} of {len(diffs)} runs")
