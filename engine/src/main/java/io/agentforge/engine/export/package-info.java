/**
 * A model on disk: {@code model.safetensors} (the parameters), {@code config.json} (its {@code TransformerConfig}) and
 * {@code training_stats.json} (SPEC §7's fields), saved and loaded back to identical logits. Depends on the model package
 * only; the trainer, the Model service and the phases use it to hand models around.
 *
 * <h2>Tensor names</h2>
 * All float32, linear weights stored (out, in) as torch's {@code nn.Linear}, {@code i} from 0 to {@code layers - 1}:
 * <pre>
 * tok_embeddings.weight        (vocab_size, d_model)   token embedding; also the output head when tied_head
 * pos_embeddings.weight        (context_length, d_model) learned position embedding
 * layers.i.attn_norm.weight    (d_model)               LayerNorm before attention (gain)
 * layers.i.attn_norm.bias      (d_model)
 * layers.i.attn.qkv.weight     (3*d_model, d_model)    query, key, value projections stacked in that order;
 * layers.i.attn.qkv.bias       (3*d_model)             heads are consecutive slices of d_model/heads
 * layers.i.attn.out.weight     (d_model, d_model)      attention output projection
 * layers.i.attn.out.bias       (d_model)
 * layers.i.mlp_norm.weight     (d_model)               LayerNorm before the MLP
 * layers.i.mlp_norm.bias       (d_model)
 * layers.i.mlp.up.weight       (ffn_size, d_model)     MLP input projection, followed by GELU (erf form)
 * layers.i.mlp.up.bias         (ffn_size)
 * layers.i.mlp.down.weight     (d_model, ffn_size)     MLP output projection
 * layers.i.mlp.down.bias       (d_model)
 * final_norm.weight            (d_model)               LayerNorm before the head
 * final_norm.bias              (d_model)
 * lm_head.weight               (vocab_size, d_model)   only when tied_head is false
 * </pre>
 * For Hugging Face GPT-2 ({@code wte, wpe, h.i.ln_1, h.i.attn.c_attn, h.i.attn.c_proj, h.i.ln_2, h.i.mlp.c_fc,
 * h.i.mlp.c_proj, ln_f}) the same tensors map one to one in that order, transposed, since GPT-2's Conv1D stores (in, out).
 * LayerNorm epsilon is 1e-5; attention is causal, scaled by 1/sqrt(d_model/heads); there is no dropout.
 *
 * <h2>Quantization</h2>
 * {@code config.json}'s {@code quantization} says how the four projections ({@code attn.qkv}, {@code attn.out},
 * {@code mlp.up}, {@code mlp.down}) compute; absent means {@code none}. {@code bitnet}: the stored weights are latent
 * full-precision weights and the model computes with their BitNet b1.58 quantization (ternary by absmean, activations
 * int8 per token). {@code ternary}: each projection weight holds only {−γ, 0, γ} and is used as stored, activations
 * int8 per token. Another tool must apply the same activation quantization to reproduce the logits. The compressed
 * form of a model is the compression package's single-file container, not this directory.
 */
package io.agentforge.engine.export;
