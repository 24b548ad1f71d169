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
source "$(dirname "$0")/classpath.sh"
exec "${BENCH_JAVA[@]}" ${JAVA_OPTS:-} -cp "$CP" io.agentforge.bench.training.ToolPersonaBench "$@"
