/**
 * The {@link io.agentforge.models.registry.ModelRegistry}: the Model service's implementation of
 * {@link io.agentforge.contracts.models.ModelService}, tying artifacts on disk to metadata rows
 * ({@link io.agentforge.models.registry.ModelRepository}, {@link io.agentforge.models.registry.ModelHandoffs}; the
 * schema is {@code db/models}), publishing {@code model_saved} and {@code model_handoff_created}, and validating every
 * caller-supplied value first. Depends on the contracts, the platform's persistence, and this module's storage,
 * export and inference packages.
 */
package io.agentforge.models.registry;
