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
source "$(dirname "$0")/classpath.sh"
exec "${BENCH_JAVA[@]}" ${JAVA_OPTS:-} -cp "$CP" io.agentforge.bench.training.QuietStarBench "$@"
