/**
 * The model routes' logic that the Model service interface does not give directly: the listing with its
 * {@code summary}, and the export's answer. Depends only on the contracts' ModelService.
 */
package io.agentforge.api.models;
