package io.agentforge.contracts.phases;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import io.agentforge.contracts.errors.InvalidRequestException;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The eight phases of the Agent Forge pipeline, in pipeline order. The wire spelling uses hyphens
 * ({@code forge-training}); underscore spellings ({@code forge_training}) are accepted on input.
 */
public enum ModelPhase {
    COGNATE("cognate", "Cognate"),
    EVOMERGE("evomerge", "EvoMerge"),
    QUIETSTAR("quietstar", "Quiet-STaR"),
    BITNET("bitnet", "BitNet"),
    FORGE_TRAINING("forge-training", "Forge Training"),
    TOOL_PERSONA("tool-persona", "Tool/Persona"),
    ADAS("adas", "ADAS"),
    FINAL_COMPRESSION("final-compression", "Final Compression");

    private final String wireName;
    private final String displayName;

    ModelPhase(String wireName, String displayName) {
        this.wireName = wireName;
        this.displayName = displayName;
    }

    /** The URL and JSON spelling, e.g. {@code forge-training}. */
    @JsonValue
    public String wireName() {
        return wireName;
    }

    /** The human name, e.g. {@code Forge Training}. */
    public String displayName() {
        return displayName;
    }

    /** The phase before this one in the pipeline, or null for the first. */
    public ModelPhase previous() {
        return ordinal() == 0 ? null : values()[ordinal() - 1];
    }

    /** The phase after this one in the pipeline, or null for the last. */
    public ModelPhase next() {
        return ordinal() == values().length - 1 ? null : values()[ordinal() + 1];
    }

    /**
     * Parses a wire name or its underscore alias, case-insensitively.
     *
     * @throws InvalidRequestException naming the accepted spellings when the text is no phase
     */
    @JsonCreator
    public static ModelPhase parse(String text) {
        if (text != null) {
            var normalised = text.trim().toLowerCase(Locale.ROOT).replace('_', '-');
            for (var phase : values()) {
                if (phase.wireName.equals(normalised)) {
                    return phase;
                }
            }
        }
        throw new InvalidRequestException("phase", "one of " + wireNames(), text);
    }

    /** All wire names, comma separated, for error messages and documentation. */
    public static String wireNames() {
        return Arrays.stream(values()).map(ModelPhase::wireName).collect(Collectors.joining(", "));
    }

    @Override
    public String toString() {
        return wireName;
    }
}
