/**
 * Training data as token sequences: built-in generators (arithmetic word problems, modular arithmetic), user text and
 * JSONL files, and the deterministic, seeded split into {@code train}, {@code select} (every choice) and {@code test}
 * (every reported number). Depends only on the tokenizer.
 */
package io.agentforge.engine.data;
