/**
 * Benchmarks of the Training service: many concurrent jobs on one machine against the same jobs one after another,
 * and the latency of the service's own requests meanwhile. Run on demand; results go to {@code bench/results}.
 */
package io.agentforge.bench.training;
