package io.agentforge.engine.compression;

import java.io.IOException;

/** A packed model that is not what its manifest says: a damaged or truncated file, never a silently different model. */
public final class CorruptArtifactException extends IOException {

    public CorruptArtifactException(String message) {
        super(message);
    }

    public CorruptArtifactException(String message, Throwable cause) {
        super(message, cause);
    }
}
