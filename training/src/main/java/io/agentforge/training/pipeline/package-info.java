/**
 * Pipeline runs: the eight phases in order, each phase's job queued through the Training service and its winner
 * handed to the next. Runs and their steps live in this service's store ({@code pipeline_runs},
 * {@code pipeline_steps}); one replica drives a run under a lease, and another continues it when that one dies.
 * Depends on the contracts, the platform's persistence and bus, and the parameters package; not on the job internals.
 */
package io.agentforge.training.pipeline;
