package io.agentforge.platform.config;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The five services, by the names used on the command line ({@code agent-forge start training}), in health reports and
 * in {@code SERVICE_NAME}, in the order of SPEC section 1 (and of their default ports, 8000 to 8004).
 */
public enum ServiceName {
    API, TRAINING, MODELS, WEBSOCKET, MONITORING;

    /** The name as typed and printed, e.g. {@code models}. */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * Reads a service name; {@code model} is accepted for {@code models} (the SPEC calls it "the Model service"), and a
     * {@code -service} or {@code _service} suffix is ignored so that names such as {@code training-service} work.
     */
    public static Optional<ServiceName> parse(String text) {
        if (text == null) {
            return Optional.empty();
        }
        var name = text.trim().toLowerCase(Locale.ROOT).replaceFirst("[-_]service$", "");
        if (name.equals("model")) {
            name = "models";
        }
        for (var service : values()) {
            if (service.id().equals(name)) {
                return Optional.of(service);
            }
        }
        return Optional.empty();
    }

    /** "api, training, models, websocket, monitoring", for messages. */
    public static String choices() {
        return Arrays.stream(values()).map(ServiceName::id).collect(Collectors.joining(", "));
    }

    @Override
    public String toString() {
        return id();
    }
}
