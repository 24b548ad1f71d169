/**
 * The pipeline: the eight phases run in order by the Training service, each handing its winner to the next, and the
 * {@link io.agentforge.contracts.pipeline.PipelineService} through which the API service starts, follows, stops and
 * reports on a run. Depends on the phases and nothing else of ours.
 */
package io.agentforge.contracts.pipeline;
