#!/usr/bin/env bash
# The whole pipeline through the public API on a fresh all-in-one server (its own DATA_DIR, an embedded database):
# POST /pipeline/run, follow /pipeline/status to the end, then fetch /pipeline/report. Writes
# bench/results/pipeline-<preset>-<UTC>.json (the report, with the status and the request) and .md (a table of
# per-phase wall times and proof numbers).
#
#   bench/scripts/pipeline-run.sh small          # the default pipeline on small (BENCHMARKS.md: goal < 2 h on 2 cores)
#   bench/scripts/pipeline-run.sh tiny           # tiny with small step counts (goal < 15 min)
#   BODY='{"parameters":{"model_preset":"tiny","max_steps":50}}' bench/scripts/pipeline-run.sh tiny   # your own body
#
# Environment: BASE_PORT (default 28000: the API on it, the other services on the next four), MAX_CONCURRENT_JOBS
# (default 1), KEEP_DATA=1 to keep the server's data directory, TIMEOUT_MINUTES (default 240).
set -euo pipefail
PRESET="${1:?usage: bench/scripts/pipeline-run.sh <tiny|small|cognate-25m>}"
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$ROOT"
export JAVA_HOME="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
BASE_PORT="${BASE_PORT:-28000}"
API="http://127.0.0.1:$BASE_PORT"
STAMP="$(date -u +%Y%m%dT%H%M%SZ)"
OUT="bench/results/pipeline-$PRESET-$STAMP"
DATA="$(mktemp -d)"

case "$PRESET" in
  tiny) DEFAULT_BODY='{"parameters":{"model_preset":"tiny","max_steps":20,"batch_size":8,"max_train_samples":500,"max_eval_samples":50},"phases":{"evomerge":{"generations":3,"population":6},"quietstar":{"reinforce_steps":10,"reinforce_batch":4},"adas":{"generations":2,"population":4,"candidate_steps":20,"parameter_cap":200000}}}' ;;
  *) DEFAULT_BODY="{\"parameters\":{\"model_preset\":\"$PRESET\"}}" ;;
esac
BODY="${BODY:-$DEFAULT_BODY}"

mvn -B -q -Dstyle.color=never package -DskipTests
SERVER_PID=""
cleanup() {
  if [[ -n "$SERVER_PID" ]]; then
    kill "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
  fi
  [[ "${KEEP_DATA:-0}" == 1 ]] && echo "data kept in $DATA" >&2 || rm -rf "$DATA"
}
trap cleanup EXIT

DATA_DIR="$DATA/data" STORAGE_PATH="$DATA/models" MAX_CONCURRENT_JOBS="${MAX_CONCURRENT_JOBS:-1}" \
API_SERVICE_PORT="$BASE_PORT" TRAINING_SERVICE_PORT="$((BASE_PORT + 1))" MODEL_SERVICE_PORT="$((BASE_PORT + 2))" \
WEBSOCKET_SERVICE_PORT="$((BASE_PORT + 3))" MONITORING_SERVICE_PORT="$((BASE_PORT + 4))" \
  "$JAVA_HOME/bin/java" @launcher/jvm.options -jar launcher/target/agent-forge.jar start > "$DATA/server.log" 2>&1 &
SERVER_PID=$!
for _ in $(seq 1 120); do
  curl -fsS "$API/health" >/dev/null 2>&1 && break
  sleep 1
done
curl -fsS "$API/health" >/dev/null || { echo "the server did not start; see $DATA/server.log" >&2; KEEP_DATA=1; exit 1; }

echo "pipeline on $PRESET: $BODY" >&2
START=$(date +%s)
curl -fsS -X POST -H 'Content-Type: application/json' -d "$BODY" "$API/pipeline/run" > "$DATA/started.json" \
  || { cat "$DATA/started.json" >&2; exit 1; }
DEADLINE=$((START + ${TIMEOUT_MINUTES:-240} * 60))
while :; do
  STATUS="$(curl -fsS "$API/pipeline/status")"
  STATE="$(jq -r .data.status <<<"$STATUS")"
  printf '%s  %s  %.0f%%  %s\n' "$(date -u +%H:%M:%S)" "$STATE" "$(jq -r '.data.progress * 100' <<<"$STATUS")" \
    "$(jq -r .data.message <<<"$STATUS")" >&2
  [[ "$STATE" != running ]] && break
  (( $(date +%s) > DEADLINE )) && { echo "timed out; the run goes on in the server, which is stopped now" >&2; break; }
  sleep 15
done
END=$(date +%s)
REPORT="$(curl -fsS "$API/pipeline/report")"

jq -n --argjson report "$(jq .data <<<"$REPORT")" --argjson status "$(jq .data <<<"$STATUS")" \
  --argjson request "$BODY" --arg preset "$PRESET" --arg machine "$(nproc) cores, $(uname -sr)" \
  --argjson seconds "$((END - START))" \
  '{preset: $preset, machine: $machine, measured_seconds: $seconds, request: $request, status: $status, report: $report}' \
  > "$OUT.json"
{
  echo "# Pipeline on \`$PRESET\` ($STAMP)"
  echo
  echo "Machine: $(nproc) cores, $(uname -sr). Request: \`$BODY\`."
  echo "Outcome: **$(jq -r .status <<<"$(jq .data <<<"$REPORT")")** after $((END - START)) s: $(jq -r .data.message <<<"$REPORT")"
  echo
  echo "| phase | status | wall time (s, stats) | job (s) | winner bytes | proof numbers |"
  echo "|---|---|---|---|---|---|"
  jq -r '.data.phases[] | "| \(.phase) | \(.status) | \(.wall_time_seconds // "") | \(.job_seconds // "") | \(.winner_bytes // "") | \(.proof | del(.models) | to_entries | map("\(.key)=\(.value | tostring)") | join(", ")) |"' <<<"$REPORT"
  echo
  echo "Full report: \`$(basename "$OUT").json\`."
} > "$OUT.md"
echo "wrote $OUT.json and $OUT.md" >&2
[[ "$(jq -r .data.status <<<"$REPORT")" == completed ]]
