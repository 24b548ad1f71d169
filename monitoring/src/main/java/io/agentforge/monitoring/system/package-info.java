/**
 * Operating-system measurements: the {@link io.agentforge.monitoring.system.SystemSampler} reads cpu, memory, the
 * data directory's disk and network counters (through OSHI and the JDK) and keeps a bounded history of samples.
 * Depends only on the contracts.
 */
package io.agentforge.monitoring.system;
