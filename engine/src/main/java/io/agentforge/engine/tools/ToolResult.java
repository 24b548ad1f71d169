package io.agentforge.engine.tools;

/**
 * What a tool answered: a value, or an error (a malformed or refused call). Never an exception: a bad call is
 * something the model did, not a failure of the job.
 *
 * @param output the text injected between the result tokens: the value, or {@code ERROR}
 * @param error  why the call failed, or null
 */
public record ToolResult(String output, String error) {

    public static final String ERROR_OUTPUT = "ERROR";

    public static ToolResult value(String output) {
        return new ToolResult(output, null);
    }

    public static ToolResult error(String reason) {
        return new ToolResult(ERROR_OUTPUT, reason);
    }

    public boolean ok() {
        return error == null;
    }
}
