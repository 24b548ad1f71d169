/**
 * Quiet-STaR at answer level (PHASES.md section 2): decoding that thinks between the reserved thought tokens before
 * it answers ({@link io.agentforge.engine.quietstar.ThoughtDecoder}), the REINFORCE step that rewards a thought by
 * how much it raises the likelihood of the right answer ({@link io.agentforge.engine.quietstar.ThoughtReinforce}),
 * and the accuracies with, without and with scrambled thoughts
 * ({@link io.agentforge.engine.quietstar.ThoughtAccuracy}). Depends on the model, data and training packages only.
 */
package io.agentforge.engine.quietstar;
