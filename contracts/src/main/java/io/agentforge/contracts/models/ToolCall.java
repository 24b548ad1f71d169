package io.agentforge.contracts.models;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

/**
 * A tool call a model made while generating, as the runtime executed it.
 *
 * @param tool   the tool's name ({@code calculator})
 * @param call   the text the model wrote between the call tokens
 * @param result the text injected between the result tokens: the value, or {@code ERROR}
 * @param error  why the call failed (outside the grammar, over a cap, over the calls allowed per answer), or null
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record ToolCall(String tool, String call, String result, String error) {
}
