/**
 * The Training service (port 8001): training jobs, their queue, worker processes, progress and checkpoints.
 * Depends on the contracts, the platform and the engine, never on another service.
 */
package io.agentforge.training;
