/**
 * The parent's side of the worker protocol: starting a worker JVM with thread counts that let concurrent jobs share
 * the cores, reading its JSON lines, asking it to stop and killing it after a deadline, and keeping its log.
 * Knows the worker protocol, not the queue, the bus or HTTP.
 */
package io.agentforge.training.supervisor;
