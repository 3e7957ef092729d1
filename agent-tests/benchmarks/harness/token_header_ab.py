"""What carrying a bearer token costs, apart from checking it: steady-state A/B at 16 connections of the
unprotected fixture without a token (a), the same fixture sent the same Authorization header the agent
variants carry (n; it ignores the header), and the agent with a warm cache (c). Each server warms up
until its rate and the JIT settle (harness.settle), then 10 s at 16 connections; variants alternate per round.

  python3 agent-tests/benchmarks/harness/token_header_ab.py [ROUNDS] [HEADER_CACHE_SIZE]   # after harness.sh built the jars

HEADER_CACHE_SIZE, when given, is passed to every variant as -Djetty.httpConfig.headerCacheSize (the
fixture's Jetty per-connection header field cache; 0 turns it off). Profiled once the JIT had settled,
the repeated 709-byte token cost Jetty's cache 25-36 us per request in ArrayTrie.getBest (docs/performance.md).
"""
import importlib.util
import os
import statistics
import sys

rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 2
header_cache = int(sys.argv[2]) if len(sys.argv) > 2 else None
sys.argv = ["harness.py"]
spec = importlib.util.spec_from_file_location("h", os.path.join(os.path.dirname(os.path.abspath(__file__)), "harness.py"))
h = importlib.util.module_from_spec(spec); spec.loader.exec_module(h)
if header_cache is not None:
    h.JETTY_OPTS.append(f"-Djetty.httpConfig.headerCacheSize={header_cache}")
class Env: pass
env = Env(); h.setup(env, {"cold_pool": 10, "mem_pool": 10})
V = {"a": (h.java_cmd_server(env, "a", env.port), ("none", 0, 1)),
     "n": (h.java_cmd_server(env, "a", env.port), (env.tokens, 0, 1)),
     "c": (h.java_cmd_server(env, "c", env.port), (env.tokens, 0, 1))}
res = {k: [] for k in V}
try:
    for rnd in range(rounds):
        for k in (("a", "n", "c") if rnd % 2 == 0 else ("c", "n", "a")):
            cmd, region = V[k]
            proc = h.PROCS.start(f"hab-{k}", [str(x) for x in cmd], ready=r"MCP server listening on")
            try:
                rates, off, settled = h.settle(env.port, proc.pid, region, 0, h.FULL, [], {})
                r = h.wrk(env.port, 2, 16, 10, *region, off, latency=True)
                res[k].append((r["rps"], r["p50_us"], len(rates) * 5))
                print(rnd, k, round(r["rps"]), r["p50_us"], "settled" if settled else "NOT settled", len(rates) * 5, "s", flush=True)
            finally:
                h.PROCS.stop(proc)
finally:
    h.PROCS.stop_all()
print("Jetty header cache:", "default" if header_cache is None else header_cache)
for x, y in (("n", "a"), ("c", "a"), ("c", "n")):
    rs = [p[0] / q[0] for p, q in zip(res[x], res[y])]
    print(f"{x}/{y} per round {[round(v, 2) for v in rs]} median {statistics.median(rs):.2f}")
