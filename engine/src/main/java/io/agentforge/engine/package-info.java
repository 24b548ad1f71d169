/**
 * The ML engine: decoder-only transformer language models trained on DJL/PyTorch with the GrokFast gradient filter.
 * Plain Java, no HTTP, bus or database; the Training and Model services drive it.
 */
package io.agentforge.engine;
