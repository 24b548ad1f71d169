package io.agentforge.cli.commands;

import com.fasterxml.jackson.databind.JsonNode;
import io.agentforge.cli.ExitCodes;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code forge chat <model> [message]}: one reply, or a prompt that goes on until an empty input at EOF or
 * {@code /exit}. A reply's thought ({@code metadata.thought}, from a Quiet-STaR model) and tool calls
 * ({@code metadata.tool_calls}) are shown before the answer when the server sends them.
 */
@Command(name = "chat", description = "Talk to a stored model: one message, or an interactive prompt without one.")
public final class ChatCommand implements Callable<Integer> {
    /** Generation runs on the server's CPU; a long reply from a big model takes a while. */
    private static final Duration REPLY_TIMEOUT = Duration.ofMinutes(5);
    private static final String DIM = "\u001b[2m";
    private static final String RESET = "\u001b[0m";

    private final Context context;

    @Parameters(index = "0", paramLabel = "<model>")
    String modelId;

    @Parameters(index = "1", arity = "0..1", paramLabel = "<message>")
    String message;

    @Option(names = "--max-tokens", paramLabel = "<n>")
    Integer maxTokens;

    @Option(names = "--temperature", paramLabel = "<t>")
    Double temperature;

    @Option(names = {"-o", "--output"}, defaultValue = "table", paramLabel = "table|json")
    Output output;

    ChatCommand(Context context) {
        this.context = context;
    }

    @Override
    public Integer call() throws IOException {
        if (message != null) {
            say(message);
            return ExitCodes.COMPLETED;
        }
        var in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        context.err().println("chatting with " + modelId + "; /exit or Ctrl-D ends");
        while (true) {
            context.out().print("you> ");
            context.out().flush();
            var line = in.readLine();
            if (line == null || line.strip().equals("/exit") || line.strip().equals("/quit")) {
                context.out().println();
                return ExitCodes.COMPLETED;
            }
            if (!line.isBlank()) {
                say(line);
            }
        }
    }

    private void say(String text) {
        var request = new LinkedHashMap<String, Object>();
        request.put("model_id", modelId);
        request.put("message", text);
        request.put("context", sampling());
        var reply = context.api().post("/chat", request, REPLY_TIMEOUT);
        Output.show(reply, output, context.out(), out -> {
            var metadata = reply.path("metadata");
            if (metadata.hasNonNull("thought")) {
                aside("thought: " + metadata.get("thought").asText());
            }
            for (var call : metadata.path("tool_calls")) {
                aside("tool call: " + toolCall(call));
            }
            out.println(reply.path("model_name").asText(modelId) + "> " + reply.path("response").asText());
            out.flush();
        });
    }

    private Map<String, Object> sampling() {
        var sampling = new LinkedHashMap<String, Object>();
        if (maxTokens != null) {
            sampling.put("max_tokens", maxTokens);
        }
        if (temperature != null) {
            sampling.put("temperature", temperature);
        }
        return sampling;
    }

    /** Thoughts and tool calls: dimmed on a terminal, plain text otherwise. */
    private void aside(String text) {
        context.out().println(context.terminal() ? DIM + text + RESET : text);
    }

    /** {@code name(arguments) -> result} for a call shaped like that, else the call's JSON. */
    static String toolCall(JsonNode call) {
        if (!call.isObject() || !call.has("name")) {
            return call.isTextual() ? call.asText() : call.toString();
        }
        var arguments = call.path("arguments");
        var text = call.get("name").asText() + "(" + (arguments.isMissingNode() ? "" : arguments.isTextual()
                ? arguments.asText() : arguments.toString()) + ")";
        var result = call.path("result");
        return result.isMissingNode() ? text : text + " -> " + (result.isTextual() ? result.asText() : result.toString());
    }
}
