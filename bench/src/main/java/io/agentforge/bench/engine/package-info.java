/**
 * Benchmarks of the ML engine: steps to grokking with and without GrokFast, and training throughput against a
 * matrix-multiply peak measured through the same engine. Each writes a markdown file under bench/results.
 */
package io.agentforge.bench.engine;
