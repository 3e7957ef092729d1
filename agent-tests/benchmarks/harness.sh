#!/usr/bin/env bash
# End-to-end performance harness of mcpauth: HTTP overhead under wrk (fixture without the agent, with
# the agent on a cold and a warm verified-token cache, the warm agent with the audit trail on in block
# mode (variant e, reported as its ratio to the plain warm agent c), and a hand-written jose4j filter as the peer),
# start-up time and classes, heap and RSS, and the JMH hot path (rounds.sh). Prints one Markdown
# report and saves it to agent-tests/benchmarks/target/harness/report.md (raw numbers: results.json,
# server logs: logs/).
#
#   agent-tests/benchmarks/harness.sh            # full run, ~35-40 min on 2 cores
#   agent-tests/benchmarks/harness.sh --quick    # validation: 1 round, short runs, small pools (~5 min)
#   agent-tests/benchmarks/harness.sh --no-build # use the jars already built
#   agent-tests/benchmarks/harness.sh --report-only  # re-print the report from target/harness/results.json
#   agent-tests/benchmarks/harness.sh --jetty-header-cache=512  # every server with Jetty's header cache at 512
#   agent-tests/benchmarks/harness.sh --baseline=REV  # also the agent built at git REV, before/after in one run
#   agent-tests/benchmarks/harness.sh --baseline-jar=JAR  # also this earlier agent jar, before/after in one run
#   agent-tests/benchmarks/harness.sh --variants=c,e --skip=startup,memory,jmh  # only these HTTP variants (and a)
#   agent-tests/benchmarks/harness.sh --variants=c,e --skip=http,startup,memory,jmh  # the audit trail paired (section 1b) only
#
# Everything listens on 127.0.0.1 only; every process started is stopped on exit. Minted tokens are
# cached in target/harness/ (keyed by the issuer key, issuer and resource) and re-minted after 1 h.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)

BUILD=1
BASELINE_REV=""
ARGS=()
for arg in "$@"; do
  case "$arg" in
    --no-build) BUILD=0 ;;
    --quick) ARGS+=("$arg") ;;
    --skip=*) ARGS+=(--skip "${arg#--skip=}") ;;
    --variants=*) ARGS+=(--variants "${arg#--variants=}") ;;
    --report-only) ARGS+=("$arg"); BUILD=0 ;;
    --jetty-header-cache=*) ARGS+=(--jetty-header-cache "${arg#*=}") ;;
    --baseline=*) BASELINE_REV="${arg#*=}" ;;
    --baseline-jar=*) ARGS+=(--baseline-jar "${arg#*=}") ;;
    -h|--help) sed -n '2,20p' "$0"; exit 0 ;;
    *) echo "unknown argument: $arg (see --help)" >&2; exit 2 ;;
  esac
done

if ! command -v wrk >/dev/null 2>&1; then
  echo "[harness] installing wrk" >&2
  SUDO=""
  [[ "$(id -u)" -ne 0 ]] && SUDO="sudo"
  $SUDO apt-get update -qq >&2
  $SUDO apt-get install -y -qq wrk >&2
fi
for tool in java jcmd mvn python3; do
  command -v "$tool" >/dev/null 2>&1 || { echo "[harness] missing $tool" >&2; exit 1; }
done

if [[ $BUILD -eq 1 ]]; then
  echo "[harness] building the agent and the benchmarks module" >&2
  (cd "$ROOT" && mvn -B -q -Pbench -pl agent,agent-tests/benchmarks -am package -DskipTests) >&2
fi
if [[ ! -f "$ROOT/integration-fixtures/servlet-jetty/target/servlet-jetty.jar" ]]; then
  echo "[harness] building the servlet-jetty fixture" >&2
  (cd "$ROOT" && mvn -B -q -pl integration-fixtures/servlet-jetty -am package -DskipTests) >&2
fi

if [[ -n "$BASELINE_REV" ]]; then
  # the agent as it was at REV, built in a worktree of its own so the checkout is left alone
  commit=$(git -C "$ROOT" rev-parse --verify "$BASELINE_REV^{commit}")
  src="$HERE/target/baseline-src"
  rm -rf "$src"; git -C "$ROOT" worktree prune
  mkdir -p "$HERE/target"
  echo "[harness] building the baseline agent at $BASELINE_REV ($commit)" >&2
  git -C "$ROOT" worktree add -q --detach "$src" "$commit" >&2
  (cd "$src" && mvn -B -q -pl agent -am package -DskipTests) >&2
  cp "$src/agent/target/mcpauth-agent.jar" "$HERE/target/baseline-agent.jar"
  git -C "$ROOT" worktree remove --force "$src"
  ARGS+=(--baseline-jar "$HERE/target/baseline-agent.jar" --baseline-label "git $BASELINE_REV (${commit:0:7})")
fi

PY=""
cleanup() {
  if [[ -n "$PY" ]] && kill -0 "$PY" 2>/dev/null; then
    kill -TERM "$PY" 2>/dev/null || true   # harness.py stops every process it started
    wait "$PY" 2>/dev/null || true
  fi
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
python3 "$HERE/harness/harness.py" "${ARGS[@]+"${ARGS[@]}"}" &
PY=$!
set +e
wait "$PY"
STATUS=$?
set -e
PY=""
exit $STATUS
