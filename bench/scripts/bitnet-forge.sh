#!/usr/bin/env bash
# BitNet and Forge Training on one preset, through the phase runners of the Training worker (no servers): a
# full-precision model (trained first, or the exported model directory given as the second argument) -> BitNet ->
# Forge Training. Writes bench/results/bitnet-forge-<preset>-<UTC>.md and both phase_stats.json beside it.
#
#   bench/scripts/bitnet-forge.sh small                      # the BENCHMARKS.md figures (FP 2,000 steps, BitNet 400, Forge <= 1,500)
#   bench/scripts/bitnet-forge.sh small /path/to/fp/export   # from an existing full-precision model (e.g. a Cognate winner)
#   JAVA_OPTS="-DbitnetSteps=60 -DforgeSteps=40 -DfpSteps=80" bench/scripts/bitnet-forge.sh tiny   # a smoke run
#
# Other settings as -D in JAVA_OPTS: see the javadoc of io.agentforge.bench.training.BitNetForgeBench.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$ROOT"
export JAVA_HOME="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
CP_FILE="$(mktemp)"
mvn -B -q -pl bench -am package -DskipTests dependency:build-classpath -Dmdep.outputFile="$CP_FILE"
CP="bench/target/bench-0.1.0-SNAPSHOT.jar:$(cat "$CP_FILE")"
exec "$JAVA_HOME/bin/java" -Dai.djl.offline=true -Dai.djl.pytorch.num_threads="${THREADS:-1}" \
     -Dai.djl.pytorch.num_interop_threads=1 ${JAVA_OPTS:-} -cp "$CP" io.agentforge.bench.training.BitNetForgeBench "$@"
