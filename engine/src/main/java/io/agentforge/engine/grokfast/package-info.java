/**
 * GrokFast (Lee et al. 2024, "Grokfast: Accelerated Grokking by Amplifying Slow Gradients"): a filter applied to the
 * gradients between backward and the optimizer step that amplifies their slow component, in an EMA and a moving-average
 * variant, with its state for checkpoints. Depends only on DJL; the training loop calls it.
 */
package io.agentforge.engine.grokfast;
