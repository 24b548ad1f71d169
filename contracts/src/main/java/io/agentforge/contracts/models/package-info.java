/**
 * Models: their metadata, handoffs between phases, export requests, generation, the
 * {@link io.agentforge.contracts.models.ModelService} that owns artifacts, and the artifact format
 * ({@link io.agentforge.contracts.models.ModelArchive}) in which Training hands a model over.
 */
package io.agentforge.contracts.models;
