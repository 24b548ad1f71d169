/**
 * The phase parameters of SPEC section 7: their defaults (those of the original system), their ranges, and the
 * validation that turns a caller's request into one checked {@link io.agentforge.training.parameters.PhaseParameters}.
 * Depends only on the contracts; everything else in the service reads parameters through this package.
 */
package io.agentforge.training.parameters;
