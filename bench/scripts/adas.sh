#!/usr/bin/env bash
# The ADAS phase on one preset, through the phase runner of the Training worker (no servers): an NSGA-II search whose
# candidates are built, trained and timed, then the chosen architecture distilled from the incoming model. Writes
# bench/results/adas-<preset>-<UTC>.md (front table, hypervolume gain, chosen vs incoming) and phase_stats.json beside it.
#
#   bench/scripts/adas.sh small /path/to/tool-persona/winner/export   # along the pipeline (the BENCHMARKS.md run)
#   bench/scripts/adas.sh small                                       # incoming = a stand-in trained here (1,500 steps)
#   JAVA_OPTS="-DfpSteps=40 -Dgenerations=2 -Dpopulation=3 -DcandidateSteps=6 -DparameterCap=120000 -DdistillSteps=12" \
#     bench/scripts/adas.sh tiny                                      # a smoke run
#
# Other settings as -D in JAVA_OPTS: see the javadoc of io.agentforge.bench.training.AdasBench. THREADS fixes the
# thread count latencies are measured at (default 1); run nothing else on the machine meanwhile.
set -euo pipefail
source "$(dirname "$0")/classpath.sh"
exec "${BENCH_JAVA[@]}" ${JAVA_OPTS:-} -cp "$CP" io.agentforge.bench.training.AdasBench "$@"
