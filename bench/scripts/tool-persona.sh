#!/usr/bin/env bash
# Tool/Persona on one preset, through the phase runner of the Training worker (no servers), from a ternary model
# (Forge Training's winner: the export directory in its job directory). Writes
# bench/results/tool-persona-<preset>-<UTC>.md, its phase_stats.json and progress stream.
#
#   bench/scripts/tool-persona.sh small /path/to/forge/export     # the BENCHMARKS.md figures (500 steps, lr 1e-3)
#   JAVA_OPTS="-Dsteps=40 -DevalProblems=10" bench/scripts/tool-persona.sh tiny /path/to/tiny/ternary/export   # smoke
#
# Other settings as -D in JAVA_OPTS: see the javadoc of io.agentforge.bench.training.ToolPersonaBench.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$ROOT"
export JAVA_HOME="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
CP_FILE="$(mktemp)"
mvn -B -q -pl bench -am package -DskipTests dependency:build-classpath -Dmdep.outputFile="$CP_FILE"
CP="bench/target/bench-0.1.0-SNAPSHOT.jar:$(cat "$CP_FILE")"
exec "$JAVA_HOME/bin/java" -Dai.djl.offline=true -Dai.djl.pytorch.num_threads="${THREADS:-1}" \
     -Dai.djl.pytorch.num_interop_threads=1 ${JAVA_OPTS:-} -cp "$CP" io.agentforge.bench.training.ToolPersonaBench "$@"
