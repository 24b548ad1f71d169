#!/usr/bin/env bash
# Sourced by the benchmark scripts that run a main class of the bench module (not run on its own): moves to the
# repository's root, builds the bench module and what it uses (tests skipped, nothing installed), and sets
#   CP         the bench jar and its dependencies
#   BENCH_JAVA the java command with the flags every benchmark runs with: DJL offline, THREADS PyTorch threads
#              (default 1; latencies are measured at that count) and one inter-op thread.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
export JAVA_HOME="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
CP_FILE="$(mktemp)"
mvn -B -q -pl bench -am package -DskipTests dependency:build-classpath -Dmdep.outputFile="$CP_FILE"
CP="bench/target/bench-0.1.0-SNAPSHOT.jar:$(cat "$CP_FILE")"
rm -f "$CP_FILE"
BENCH_JAVA=("$JAVA_HOME/bin/java" -Dai.djl.offline=true -Dai.djl.pytorch.num_threads="${THREADS:-1}"
            -Dai.djl.pytorch.num_interop_threads=1)
