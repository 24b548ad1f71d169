/**
 * Text generation from a trained model: greedy, temperature and top-k sampling, one new token per forward pass over a
 * key/value cache, stopping at a token budget or an end token. Depends on the model and tokenizer packages.
 */
package io.agentforge.engine.generation;
