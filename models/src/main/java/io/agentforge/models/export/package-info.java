/**
 * Exports: models unpacked from their verified artifacts into a chosen {@link
 * io.agentforge.models.export.ExportFormat} ({@code pytorch}: safetensors + {@code config.json}; {@code djl}: DJL's
 * own NDList encoding; a compressed model is decoded, its packed file kept beside the pytorch export), with an {@code export_manifest.json}, zipped when asked. An export is staged and renamed into
 * place, so a half-written export is never visible. Depends on the contracts, the platform's artifact format, the storage package, DJL.
 */
package io.agentforge.models.export;
