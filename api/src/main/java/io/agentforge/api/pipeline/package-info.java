/**
 * The pipeline: the eight phases run in order on one virtual thread, each phase's model handed to the next, with
 * {@code pipeline_update} events on the bus. Depends on the phases package and the contracts' service interfaces.
 */
package io.agentforge.api.pipeline;
