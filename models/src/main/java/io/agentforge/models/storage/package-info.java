/**
 * Where model artifacts live on disk: the {@link io.agentforge.models.storage.ArtifactStore} (temp file, sha256 while
 * streaming, size limit, fsync, atomic rename, checksum verified on every read) and {@link
 * io.agentforge.models.storage.SafeNames}, the one gate every id, name and tag passes before it may touch a path.
 * Depends only on the contracts.
 */
package io.agentforge.models.storage;
