package io.agentforge.platform.security;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * What a caller may do, each role including the ones before it: {@code viewer} reads (and follows the WebSocket),
 * {@code operator} starts, stops, pauses and cancels work, runs the pipeline, chats and exports, {@code admin} deletes,
 * resets the pipeline and resolves alerts. {@code service} is the other services of this deployment: everything, and
 * the only role the internal Training and Model ports accept.
 */
public enum Role {
    VIEWER, OPERATOR, ADMIN, SERVICE;

    public boolean includes(Role required) {
        return ordinal() >= required.ordinal();
    }

    /** The spelling in configuration and tokens: {@code viewer}, {@code operator}, {@code admin}. */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** A role a person can be given; {@code service} is not one (it comes only from {@code SERVICE_TOKEN}). */
    public static Optional<Role> parseUserRole(String text) {
        return Arrays.stream(values()).filter(role -> role != SERVICE && role.wireName().equals(text)).findFirst();
    }

    public static String userRoleChoices() {
        return Arrays.stream(values()).filter(role -> role != SERVICE).map(Role::wireName)
                .collect(Collectors.joining(", "));
    }
}
