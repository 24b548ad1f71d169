package io.agentforge.contracts;

import io.agentforge.contracts.errors.InvalidRequestException;

import java.util.Map;

/** Phase parameters as requests carry them: a JSON object whose values may be anything but {@code null}. */
public final class Parameters {
    private Parameters() {
    }

    /**
     * An immutable copy; absent parameters are an empty map.
     *
     * @throws InvalidRequestException naming {@code parameters.<name>} when a value is null (JSON {@code null}),
     *                                 which an immutable map cannot hold and no parameter means
     */
    public static Map<String, Object> copyOf(Map<String, Object> parameters) {
        if (parameters == null) {
            return Map.of();
        }
        for (var entry : parameters.entrySet()) {
            if (entry.getValue() == null) {
                throw new InvalidRequestException("parameters." + entry.getKey(),
                        "a value; leave the parameter out for its default", null);
            }
        }
        return Map.copyOf(parameters);
    }
}
