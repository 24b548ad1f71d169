#!/usr/bin/env bash
# The GrokFast A/B (x*y mod 97, steps and time to 95% validation accuracy, GrokFast EMA vs plain) over >= 5 seeds,
# in the setting where grokking happens (torch-default initialisation, FACTS.md's optimizer). Both variants of a
# seed run one after the other in one process, so their times see the same load. The summary -- per-seed ratios,
# medians of steps and of time, the ratio of medians and how capped runs count -- is computed by the benchmark
# (GrokFastComparison), printed, and written to bench/results/grokfast-ab.md; raw runs in grokfast-ab-runs.jsonl.
#
#   bench/scripts/grokfast-ab.sh                 # seeds 1-5, caps 3,000 (GrokFast) / 15,000 (plain); ~1.5 h on a quiet 2-core machine
#   SEEDS=1,2,3,4,5,6,7 PLAIN_CAP=20000 bench/scripts/grokfast-ab.sh
#   bench/scripts/grokfast-ab.sh summarize       # only rebuild the markdown from the recorded runs
set -euo pipefail
source "$(dirname "$0")/classpath.sh"
exec "${BENCH_JAVA[@]}" -Dinit=TORCH_DEFAULT -Dseeds="${SEEDS:-1,2,3,4,5}" \
     -DgrokfastCap="${GROKFAST_CAP:-3000}" -DplainCap="${PLAIN_CAP:-15000}" \
     -Dout="${OUT:-bench/results/grokfast-ab.md}" -cp "$CP" io.agentforge.bench.engine.GrokkingBenchmark "$@"
