package io.agentforge.api.chat;

import io.agentforge.contracts.api.ChatRequest;
import io.agentforge.contracts.errors.InvalidRequestException;
import io.agentforge.contracts.models.GenerationRequest;
import io.agentforge.contracts.models.ModelService;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Chat with a stored model: the message is the prompt, and the reply is the answer the model generates; a thought it
 * wrote first (between its thought tokens) comes apart, in {@code metadata.thought}. Sampling settings
 * may come in the request's {@code context} ({@code max_tokens}, {@code temperature}, {@code top_k}); other context
 * keys are kept for the client and ignored here.
 */
public final class Chat {
    static final int MAX_MESSAGE_CHARS = 8_000;
    static final int MAX_TOKENS = 512;

    private final ModelService models;

    public Chat(ModelService models) {
        this.models = models;
    }

    public ChatReply reply(ChatRequest request) {
        if (request.modelId() == null || request.modelId().isBlank()) {
            throw new InvalidRequestException("model_id", "the id of a stored model", request.modelId());
        }
        if (request.message() == null || request.message().isBlank() || request.message().length() > MAX_MESSAGE_CHARS) {
            throw new InvalidRequestException("message", "a non-empty text of at most " + MAX_MESSAGE_CHARS
                    + " characters", request.message());
        }
        var generationRequest = new GenerationRequest(request.message(),
                integer(request.context(), "max_tokens", 1, MAX_TOKENS),
                decimal(request.context(), "temperature", 0, 5),
                integer(request.context(), "top_k", 0, 100_000));
        var model = models.model(request.modelId());
        var generation = models.generate(model.modelId(), generationRequest);
        var metadata = new LinkedHashMap<String, Object>();
        metadata.put("parameter_count", generation.parameterCount());
        metadata.put("tokens_per_second", generation.tokensPerSecond());
        metadata.put("prompt_tokens", generation.promptTokens());
        metadata.put("generated_tokens", generation.generatedTokens());
        metadata.put("max_tokens", generationRequest.maxTokens());
        metadata.put("temperature", generationRequest.temperature());
        metadata.put("top_k", generationRequest.topK());
        metadata.put("phase", model.phase().wireName());
        if (generation.thought() != null) {
            // The answer is the response; what the model thought before it is shown apart (Quiet-STaR).
            metadata.put("thought", generation.thought());
        }
        return new ChatReply(model.modelId(), model.name(), request.message(), generation.text(), metadata,
                Instant.now());
    }

    private static Integer integer(Map<String, Object> context, String name, int min, int max) {
        var value = context.get(name);
        if (value == null) {
            return null;
        }
        if (!(value instanceof Number number) || number.doubleValue() != Math.rint(number.doubleValue())
                || number.doubleValue() < min || number.doubleValue() > max) {
            throw new InvalidRequestException("context." + name, "an integer from " + min + " to " + max, value);
        }
        return number.intValue();
    }

    private static Double decimal(Map<String, Object> context, String name, double min, double max) {
        var value = context.get(name);
        if (value == null) {
            return null;
        }
        if (!(value instanceof Number number) || !Double.isFinite(number.doubleValue())
                || number.doubleValue() < min || number.doubleValue() > max) {
            throw new InvalidRequestException("context." + name, "a number from " + min + " to " + max, value);
        }
        return number.doubleValue();
    }
}
