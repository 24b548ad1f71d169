/**
 * The artifact format of a model: its engine directory ({@code config.json}, the safetensors weights,
 * {@code training_stats.json}) packed as one zip, so that one checksum covers the whole model and one streamed
 * upload carries it. Unpacking refuses entries that would land outside the target (zip-slip) and archives that
 * expand beyond a limit. Depends only on the contracts.
 */
package io.agentforge.models.archive;
