/**
 * The Training service's REST routes on port 8001: parse the request, call the
 * {@link io.agentforge.contracts.training.TrainingService}, answer in the envelope. Errors are thrown and mapped to
 * HTTP by the platform's web frame; no logic lives here.
 */
package io.agentforge.training.web;
