/**
 * Load benchmark of the API service: {@code GET /phases/status} and {@code GET /models} under wrk against a bare
 * Helidon hello-world measured in the same run. Run on demand; results are appended to {@code bench/results/api.md}.
 */
package io.agentforge.bench.api;
