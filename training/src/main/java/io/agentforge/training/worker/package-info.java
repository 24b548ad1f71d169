/**
 * The worker: the child JVM that runs one job (DJL allows one gradient collector per JVM, and a native crash must
 * not take the service down), and its protocol: a {@link io.agentforge.training.worker.WorkerSpec} file in, JSON-line
 * {@link io.agentforge.training.worker.WorkerMessage}s out on stdout, a {@code stop} line in on stdin.
 * The only package of the service that calls the engine; it knows nothing of HTTP, the bus or the database.
 */
package io.agentforge.training.worker;
