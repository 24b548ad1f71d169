/**
 * The compressed model container of final compression: each tensor coded by what it is (ternary matrices as base-3
 * trits, other matrices as int8 per row or int4 per group, norms and biases as fp16), every byte stream entropy-coded
 * with the smaller of zstd and Deflate, and a JSON manifest whose sha256 of every decoded tensor is checked when the
 * container is read back. Depends on the model and quantization packages.
 */
package io.agentforge.engine.compression;
