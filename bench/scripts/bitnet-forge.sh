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
source "$(dirname "$0")/classpath.sh"
exec "${BENCH_JAVA[@]}" ${JAVA_OPTS:-} -cp "$CP" io.agentforge.bench.training.BitNetForgeBench "$@"
