#!/usr/bin/env bash
# One Cognate run through the public API of a fresh all-in-one server, timed end to end: POST /phases/cognate/start,
# then GET /phases/cognate/status until the job is final. Writes the final status (with its phase_stats as "stats")
# to bench/results/cognate-<preset>-<UTC time>.json and prints the wall time.
#
#   bench/scripts/cognate-run.sh tiny                 # the tiny preset, every other parameter at its default
#   bench/scripts/cognate-run.sh small                # the record run: {} is small, 3 x 2,000 steps (about an hour on 2 cores)
#   bench/scripts/cognate-run.sh tiny '"max_steps":200'   # extra parameters, as JSON members
#
# Ports 18000-18004 and a temporary DATA_DIR, so that it never meets a server already running on 8000-8004.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
PRESET="${1:-tiny}"
EXTRA="${2:-}"
BASE=${BASE:-18000}
DATA="$(mktemp -d /tmp/agent-forge-cognate-XXXXXX)"
OUT="$ROOT/bench/results/cognate-$PRESET-$(date -u +%Y%m%dT%H%M%SZ).json"
export API_SERVICE_PORT=$BASE TRAINING_SERVICE_PORT=$((BASE + 1)) MODEL_SERVICE_PORT=$((BASE + 2)) \
       WEBSOCKET_SERVICE_PORT=$((BASE + 3)) MONITORING_SERVICE_PORT=$((BASE + 4)) DATA_DIR="$DATA"
"$ROOT/agent-forge" start > "$DATA/server.log" 2>&1 &
SERVER=$!
trap 'kill $SERVER 2>/dev/null; wait $SERVER 2>/dev/null || true' EXIT
until curl -sf "localhost:$BASE/health" > /dev/null; do
  kill -0 $SERVER 2>/dev/null || { echo "server died; see $DATA/server.log" >&2; exit 1; }
  sleep 1
done
PARAMETERS="\"model_preset\":\"$PRESET\"${EXTRA:+,$EXTRA}"
[[ "$PRESET" == "small" && -z "$EXTRA" ]] && PARAMETERS=""   # the record run: exactly {}
START=$(date +%s.%N)
curl -sf -X POST "localhost:$BASE/phases/cognate/start" -H 'Content-Type: application/json' \
  -d "{\"parameters\":{$PARAMETERS}}" > /dev/null
while true; do
  STATUS="$(curl -sf "localhost:$BASE/phases/cognate/status")"
  STATE="$(printf '%s' "$STATUS" | python3 -c 'import json,sys; print(json.load(sys.stdin)["data"]["status"])')"
  [[ "$STATE" == completed || "$STATE" == failed || "$STATE" == cancelled ]] && break
  sleep 2
done
END=$(date +%s.%N)
mkdir -p "$(dirname "$OUT")"
printf '%s\n' "$STATUS" > "$OUT"
printf 'cognate %s: %s in %.1f s (load average %s); status and stats in %s\n' "$PRESET" "$STATE" \
  "$(echo "$END - $START" | bc)" "$(cut -d' ' -f1-3 /proc/loadavg)" "$OUT"
