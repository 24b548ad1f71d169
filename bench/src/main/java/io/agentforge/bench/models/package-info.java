/**
 * Benchmarks of the Model service: listing latency over 100,000 models in PostgreSQL, artifact upload and download
 * throughput against a plain file copy, and generation speed of the {@code small} preset. Run on demand; results go
 * to {@code bench/results/models-*.md}.
 */
package io.agentforge.bench.models;
