/**
 * The Model service (port 8002): model artifacts and their metadata, versions, lineage, handoffs, export and inference.
 * Depends on the contracts, the platform and the engine, never on another service.
 */
package io.agentforge.models;
