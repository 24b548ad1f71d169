/**
 * Models: their metadata, handoffs between phases, export requests, generation, and the
 * {@link io.agentforge.contracts.models.ModelService} that owns artifacts.
 */
package io.agentforge.contracts.models;
