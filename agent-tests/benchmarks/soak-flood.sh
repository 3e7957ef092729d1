#!/usr/bin/env bash
# Soak and flood of the bundled MCP server behind the agent and its embedded authorization server (not in CI).
#
#   mvn -B -pl agent,integration-fixtures/servlet-jetty -am package -DskipTests   # from the repository's root
#   agent-tests/benchmarks/soak-flood.sh                     # 30-minute soak, then the flood (~34 min)
#   agent-tests/benchmarks/soak-flood.sh --minutes 2 --quiet 15 --flood 15   # a short check of the script
#   agent-tests/benchmarks/soak-flood.sh --minutes 0         # the flood only
#
# Soak: valid, fresh and invalid tokens, MCP sessions and whole authorization flows; every minute the
# server JVM's live heap, threads and open file descriptors. Flood: invalid tokens from wrk at its highest
# rate while valid callers are measured, against their quiet p99 and against a baseline (the same flood
# sent to what no gate refuses: the gate's share of the rise). Writes a Markdown report to
# agent-tests/benchmarks/reports/ (with the commit measured) and raw numbers to target/soak-flood/.
# Needs java, jcmd, python3 and wrk (installed with apt-get when missing). Details: harness/soak_flood.py.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
case "${1:-}" in -h|--help) sed -n '2,14p' "$0"; exec python3 "$HERE/harness/soak_flood.py" --help ;; esac
if ! command -v wrk >/dev/null 2>&1; then
  echo "[soak-flood] installing wrk" >&2
  SUDO=""
  [[ "$(id -u)" -ne 0 ]] && SUDO="sudo"
  $SUDO apt-get update -qq >&2
  $SUDO apt-get install -y -qq wrk >&2
fi
for tool in java jcmd python3; do
  command -v "$tool" >/dev/null 2>&1 || { echo "[soak-flood] missing $tool" >&2; exit 1; }
done
exec python3 "$HERE/harness/soak_flood.py" "$@"
