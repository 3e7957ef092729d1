#!/usr/bin/env bash
# Runs the token-verification benchmarks and prints a Markdown table of the results.
#
#   mvn -B -Pbench -pl agent,agent-tests/benchmarks -am package -DskipTests   # from the repository's root
#   agent-tests/benchmarks/run.sh                  # the whole suite (~6 min on 2 cores)
#   agent-tests/benchmarks/run.sh -p alg=RS256     # extra arguments go to JMH
#   agent-tests/benchmarks/run.sh --report-only    # re-print the table from the last JSON
#
# Ratios are fullVerify / the other column, all measured in the same run.
set -euo pipefail
cd "$(dirname "$0")"
JAR=target/benchmarks.jar
RESULT=target/jmh-result.json

if [[ "${1:-}" != "--report-only" ]]; then
  if [[ ! -f "$JAR" ]]; then
    echo "missing $JAR: build it first (see the top of $0)" >&2
    exit 1
  fi
  java -jar "$JAR" 'io\.mcpauth\.bench\.VerifyBenchmark\.' -rf json -rff "$RESULT" "$@"
fi

python3 - "$RESULT" <<'PY'
import json, sys

results = {}
for r in json.load(open(sys.argv[1])):
    method = r["benchmark"].rsplit(".", 1)[1]
    alg = r.get("params", {}).get("alg", "?")
    m = r["primaryMetric"]
    results[(alg, method)] = (m["score"], m["scoreError"], m["scoreUnit"])

def cell(alg, method):
    v = results.get((alg, method))
    if v is None:
        return "–"
    score, err, unit = v
    fmt = "{:,.1f}" if score < 1000 else "{:,.0f}"
    err_txt = fmt.format(err) if err == err else "?"  # NaN when there is a single iteration
    return f"{fmt.format(score)} ± {err_txt}" + ("" if unit == "ns/op" else f" {unit}")

def ratio(alg, other):
    full, base = results.get((alg, "fullVerify")), results.get((alg, other))
    if not full or not base or base[0] == 0:
        return "–"
    return f"{full[0] / base[0]:.2f}×"

print("| alg | fullVerify ns/op | bare JCA (reused) ns/op | ratio | bare JCA (getInstance) ns/op | ratio "
      "| cache hit ns/op | jose4j as-is ns/op | ratio |")
print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
for alg in ("RS256", "ES256", "EdDSA"):
    if not any(a == alg for a, _ in results):
        continue
    print(f"| {alg} | {cell(alg, 'fullVerify')} | {cell(alg, 'baselineJcaVerify')} | {ratio(alg, 'baselineJcaVerify')} "
          f"| {cell(alg, 'baselineJcaGetInstanceVerify')} | {ratio(alg, 'baselineJcaGetInstanceVerify')} "
          f"| {cell(alg, 'cachedVerify')} | {cell(alg, 'jose4jAsIs')} | {ratio(alg, 'jose4jAsIs')} |")
print()
print("Errors are JMH's 99.9% confidence half-widths; ratios are fullVerify / that column (same run).")
PY
