/**
 * A job's metric history for charts: every recorded point folded, as it is recorded, into min/max/last blocks of
 * 4 to 65,536 steps ({@code job_metric_rollups}), and bucketed answers read from the coarsest blocks a chart's
 * resolution allows. Used by the Training service's jobs package; depends only on the platform's database plumbing
 * and the contracts.
 */
package io.agentforge.training.history;
