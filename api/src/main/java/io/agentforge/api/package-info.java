/**
 * The API service (port 8000): the public REST API, its validation, the phases and the pipeline.
 * Reaches the other services only through the interfaces in the contracts module.
 */
package io.agentforge.api;
