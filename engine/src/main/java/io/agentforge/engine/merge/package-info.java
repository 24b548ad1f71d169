/**
 * Model merging and the evolutionary search over merge recipes (PHASES.md section 1): per-tensor operators (linear
 * soup, SLERP, task arithmetic, TIES, DARE) on models' named parameters, the recipe genome, and a (mu+lambda) genetic
 * algorithm that takes its fitness as a function, so that the evaluation harness stays outside. Depends on the model
 * package only; the EvoMerge phase in the Training service drives it.
 */
package io.agentforge.engine.merge;
