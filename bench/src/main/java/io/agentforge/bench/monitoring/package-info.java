/**
 * Benchmarks of the Monitoring service, run on demand: how long from a service going down to the
 * {@code service_down} alert reaching its consumers. Results go to {@code bench/results/monitoring-*}.
 */
package io.agentforge.bench.monitoring;
