#!/usr/bin/env bash
# Full verification against bare JCA, measured in alternating rounds: each round runs the JCA
# baseline and the full verification back to back (one JMH invocation), so both see the same
# machine load. Prints the per-round ratios and their median, which is what we quote: these
# machines are shared and noisy, single runs are not.
#
#   agent-tests/benchmarks/rounds.sh [ROUNDS]      (default 5; ~1 min per round)
set -euo pipefail
cd "$(dirname "$0")"
JAR=target/benchmarks.jar
ROUNDS=${1:-5}
[[ -f "$JAR" ]] || { echo "missing $JAR: mvn -B -Pbench -pl agent,agent-tests/benchmarks -am package -DskipTests" >&2; exit 1; }
mkdir -p target/rounds
rm -f target/rounds/*.json
for round in $(seq 1 "$ROUNDS"); do
  java -jar "$JAR" 'io\.mcpauth\.bench\.VerifyBenchmark\.(baselineJcaVerify|fullVerify|cachedVerify)$' \
    -f 1 -wi 3 -w 1 -i 5 -r 1 -rf json -rff "target/rounds/round-$round.json" > "target/rounds/round-$round.log" 2>&1
  echo "round $round of $ROUNDS done" >&2
done
python3 - target/rounds <<'PY'
import glob, json, statistics, sys
rows = {}
for path in sorted(glob.glob(sys.argv[1] + "/round-*.json")):
    scores = {}
    for r in json.load(open(path)):
        scores[(r["params"]["alg"], r["benchmark"].rsplit(".", 1)[1])] = r["primaryMetric"]["score"]
    for alg in ("RS256", "ES256", "EdDSA"):
        full, bare, hit = (scores.get((alg, m)) for m in ("fullVerify", "baselineJcaVerify", "cachedVerify"))
        if full and bare:
            rows.setdefault(alg, []).append((full, bare, full / bare, hit))
print(f"| alg | rounds | fullVerify ns/op (median) | bare JCA verify ns/op (median) | ratio per round (median, min..max) | cache hit ns/op (median) |")
print("|---|---:|---:|---:|---|---:|")
for alg, r in rows.items():
    ratios = [x[2] for x in r]
    print(f"| {alg} | {len(r)} | {statistics.median(x[0] for x in r):,.0f} | {statistics.median(x[1] for x in r):,.0f} "
          f"| {statistics.median(ratios):.2f}× ({min(ratios):.2f}..{max(ratios):.2f}) | {statistics.median(x[3] for x in r):,.0f} |")
PY
