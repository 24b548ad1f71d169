/**
 * {@code POST /chat}: a stored model generates the reply through the Model service. Depends only on the contracts'
 * {@link io.agentforge.contracts.models.ModelService}.
 */
package io.agentforge.api.chat;
