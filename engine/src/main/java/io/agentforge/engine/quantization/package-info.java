/**
 * BitNet b1.58 at the level of whole models: ternarising a model (post-training quantization, or exporting a
 * quantization-aware-trained one), turning a ternary model back into latent weights for further training, and the
 * statistics that prove a model is ternary. The arithmetic itself is the model package's {@code BitLinear}. Depends on
 * the model package only.
 */
package io.agentforge.engine.quantization;
