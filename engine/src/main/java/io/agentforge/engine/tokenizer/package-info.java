/**
 * The byte-level tokenizer and its fixed vocabulary: ids 0-255 are the UTF-8 bytes, ids 256 and up are the special
 * tokens of every phase (end of text, padding, thoughts, tool calls, personas) plus spares, reserved from the first
 * model on so that no later phase resizes the embeddings and models stay mergeable. Depends on nothing else here.
 */
package io.agentforge.engine.tokenizer;
