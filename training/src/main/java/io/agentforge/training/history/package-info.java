/**
 * A job's metric history for charts: read from the job_metrics table once into columns, then kept up to date by
 * reading only the rows recorded since, and folded into min/max/last buckets per request. Used by the Training
 * service's jobs package; depends only on the platform's database plumbing and the contracts.
 */
package io.agentforge.training.history;
