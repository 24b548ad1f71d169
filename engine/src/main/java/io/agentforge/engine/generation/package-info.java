/**
 * Text generation from a trained model: greedy, temperature and top-k sampling, one new token per forward pass over a
 * key/value cache, stopping at a token budget or an end token; and tool-aware generation, which pauses at the end of a
 * tool call, feeds the runtime's result into the same cache and continues, with thoughts kept out of the answer.
 * Depends on the model, tokenizer and tools packages.
 */
package io.agentforge.engine.generation;
