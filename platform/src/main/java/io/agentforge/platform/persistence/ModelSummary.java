package io.agentforge.platform.persistence;

/**
 * Totals over the models a listing matched (the {@code summary} of {@code GET /models}).
 *
 * @param totalModels     how many models matched
 * @param totalParameters the sum of their {@code parameter_count} parameters (models without one count 0)
 */
public record ModelSummary(long totalModels, long totalParameters) {
}
