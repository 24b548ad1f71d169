package io.agentforge.models.inference;

import com.sun.management.OperatingSystemMXBean;
import io.agentforge.contracts.errors.InvalidRequestException;
import io.agentforge.contracts.models.Generation;
import io.agentforge.contracts.models.GenerationRequest;
import io.agentforge.contracts.models.ModelMetadata;
import io.agentforge.engine.generation.GenerationSettings;
import io.agentforge.engine.generation.ToolAwareGenerator;
import io.agentforge.engine.tokenizer.SpecialToken;
import io.agentforge.engine.tools.Calculator;
import io.agentforge.engine.model.LanguageModel;
import io.agentforge.engine.tokenizer.ByteTokenizer;
import io.agentforge.models.storage.Directories;
import io.agentforge.contracts.models.ModelArchive;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;

/**
 * Generates text with stored models. A model is loaded from its verified artifact on first use (unpacked to a
 * scratch directory that is removed right after loading) and kept in {@link LoadedModels}; its memory is estimated
 * as four bytes per parameter (float32 weights, native memory outside the Java heap).
 */
public final class ModelInference implements AutoCloseable {
    public static final int MAX_TOKENS_LIMIT = 1024;
    public static final double MAX_TEMPERATURE = 5.0;

    private final LoadedModels<LanguageModel> loaded;
    private final long maxExpanded;
    private final ByteTokenizer tokenizer = new ByteTokenizer();

    /**
     * @param memoryBudgetBytes estimated bytes of weights to keep loaded
     * @param maxExpanded       the most bytes one artifact may unpack to
     */
    public ModelInference(long memoryBudgetBytes, long maxExpanded) {
        this.loaded = new LoadedModels<>(memoryBudgetBytes, model -> model.parameterCount() * Float.BYTES);
        this.maxExpanded = maxExpanded;
    }

    /** A quarter of the machine's memory, at most 2 GiB: room for many small models without crowding training. */
    public static long defaultMemoryBudget() {
        long physical = 8L << 30;
        if (ManagementFactory.getOperatingSystemMXBean() instanceof OperatingSystemMXBean os) {
            physical = os.getTotalMemorySize();
        }
        return Math.min(physical / 4, 2L << 30);
    }

    /**
     * Generates a continuation of the prompt.
     *
     * @param artifact opens the model's verified artifact; called only when the model is not loaded
     * @throws InvalidRequestException naming {@code prompt}, {@code max_tokens}, {@code temperature} or {@code top_k}
     */
    public Generation generate(ModelMetadata model, Supplier<InputStream> artifact, GenerationRequest request) {
        var settings = settings(request);
        var prompt = tokenizer.encode(request.prompt());
        return loaded.use(model.modelId(), () -> load(model, artifact), languageModel -> {
            long start = System.nanoTime();
            // A thought (<sot> … <eot>, closed at its cap) is kept apart from the answer; tool calls are not run here.
            var answer = new ToolAwareGenerator(new Calculator()).generate(languageModel, prompt,
                    ToolAwareGenerator.Settings.of(settings, ToolAwareGenerator.RuntimeMode.OFF));
            double seconds = (System.nanoTime() - start) / 1e9;
            int produced = answer.tokens().length;
            return new Generation(model.modelId(), answer.answer(), prompt.length, produced,
                    languageModel.parameterCount(), seconds > 0 ? produced / seconds : 0,
                    thought(answer.tokens()) ? answer.thought() : null);
        });
    }

    private static boolean thought(int[] tokens) {
        return java.util.Arrays.stream(tokens).anyMatch(t -> t == SpecialToken.THOUGHT_START.id());
    }

    /** Frees a model's memory now (or when its current generations end). */
    public void unload(String modelId) {
        loaded.evict(modelId);
    }

    /** Estimated bytes of the models loaded now. */
    public long loadedBytes() {
        return loaded.loadedBytes();
    }

    public boolean isLoaded(String modelId) {
        return loaded.isLoaded(modelId);
    }

    private LanguageModel load(ModelMetadata model, Supplier<InputStream> artifact) {
        Path scratch = null;
        try {
            scratch = Files.createTempDirectory("agentforge-model-");
            try (var in = artifact.get()) {
                ModelArchive.unpack(in, scratch, model.modelId(), maxExpanded);
            }
            return ModelDirectories.load(model.modelId(), scratch);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot load model " + model.modelId(), e);
        } finally {
            if (scratch != null) {
                Directories.deleteRecursively(scratch);
            }
        }
    }

    private static GenerationSettings settings(GenerationRequest request) {
        if (request == null || request.prompt() == null || request.prompt().isEmpty()) {
            throw new InvalidRequestException("prompt", "a non-empty string", request == null ? null : request.prompt());
        }
        if (request.maxTokens() < 1 || request.maxTokens() > MAX_TOKENS_LIMIT) {
            throw new InvalidRequestException("max_tokens", "an integer from 1 to " + MAX_TOKENS_LIMIT,
                    request.maxTokens());
        }
        if (!(request.temperature() >= 0 && request.temperature() <= MAX_TEMPERATURE)) {
            throw new InvalidRequestException("temperature", "a number from 0 (greedy) to " + MAX_TEMPERATURE,
                    request.temperature());
        }
        if (request.topK() < 0 || request.topK() > ByteTokenizer.VOCAB_SIZE) {
            throw new InvalidRequestException("top_k", "an integer from 0 (no cut) to " + ByteTokenizer.VOCAB_SIZE,
                    request.topK());
        }
        if (request.temperature() == 0) {
            return GenerationSettings.greedy(request.maxTokens());
        }
        return GenerationSettings.sampling(request.maxTokens(), request.temperature(), request.topK(),
                ThreadLocalRandom.current().nextLong());
    }

    @Override
    public void close() {
        loaded.close();
    }
}
