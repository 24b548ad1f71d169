/**
 * Benchmarks, run on demand rather than by the test suite; each writes its figures to a file under bench/results.
 */
package io.agentforge.bench;
