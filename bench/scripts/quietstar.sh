#!/usr/bin/env bash
# Quiet-STaR on one preset, through the phase runner of the Training worker (no servers), from a full-precision model
# directory (the EvoMerge winner's export). Writes bench/results/quietstar-<preset>-<UTC>.md, the phase_stats.json,
# the per-problem test results and the progress lines beside it.
#
#   bench/scripts/quietstar.sh small /path/to/evomerge/winner/export     # the BENCHMARKS.md run (Stage A 400, Stage B 30)
#   JAVA_OPTS="-DstageASteps=20 -DreinforceSteps=3 -DmaxEvalSamples=20" bench/scripts/quietstar.sh tiny /path/to/tiny/model
#
# Other settings as -D in JAVA_OPTS: see the javadoc of io.agentforge.bench.training.QuietStarBench.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$ROOT"
export JAVA_HOME="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
CP_FILE="$(mktemp)"
mvn -B -q -pl bench -am package -DskipTests dependency:build-classpath -Dmdep.outputFile="$CP_FILE"
CP="bench/target/bench-0.1.0-SNAPSHOT.jar:$(cat "$CP_FILE")"
exec "$JAVA_HOME/bin/java" -Dai.djl.offline=true -Dai.djl.pytorch.num_threads="${THREADS:-1}" \
     -Dai.djl.pytorch.num_interop_threads=1 ${JAVA_OPTS:-} -cp "$CP" io.agentforge.bench.training.QuietStarBench "$@"
