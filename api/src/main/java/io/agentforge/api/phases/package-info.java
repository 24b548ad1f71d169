/**
 * Starting, following and stopping one phase: the prerequisites each phase needs, the phase status built from the
 * phase's latest training job, and the overview of all eight. Plain classes over the Training and Model service
 * interfaces of the contracts module; the web layer and the pipeline call them.
 */
package io.agentforge.api.phases;
