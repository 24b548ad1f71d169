/**
 * Training data as token sequences: the Cognate curriculum (word problems, scratchpad arithmetic, modular arithmetic,
 * short questions) and its per-model mixes, the single-task generators, user text and JSONL files, and the split into
 * {@code train}, {@code select} (every choice) and {@code test} (every reported number), fixed by each example's hash.
 * Depends only on the tokenizer.
 */
package io.agentforge.engine.data;
