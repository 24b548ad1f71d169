package io.agentforge.engine.model;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;
import io.agentforge.engine.generation.GenerationSettings;
import io.agentforge.engine.generation.TextGenerator;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

class InferenceModeTest {

    @Test
    void aForwardOnAFreshThreadRecordsNoGradientGraphInInferenceMode() throws Exception {
        try (var model = LanguageModel.initialize(TransformerConfig.tiny(), 1)) {
            var withoutInferenceMode = new AtomicReference<Throwable>();
            var inInferenceMode = new AtomicReference<Throwable>();
            var thread = Thread.ofPlatform().start(() -> {
                try (var manager = NDManager.newBaseManager()) {
                    var tokens = manager.create(new long[] {1, 2, 3}, new Shape(1, 3));
                    // A new thread starts with torch's grad mode on: this forward builds a graph to differentiate.
                    withoutInferenceMode.set(backward(model.forward(tokens)));
                    InferenceMode.enter();
                    inInferenceMode.set(backward(model.forward(tokens)));
                }
            });
            thread.join();
            assertThat(withoutInferenceMode.get()).isNull();
            assertThat(inInferenceMode.get()).as("backward through an inference-mode forward")
                    .isNotNull().hasMessageContaining("grad");
        }
    }

    /** Differentiates the output's sum: fails when the forward recorded no graph. */
    private static Throwable backward(ai.djl.ndarray.NDArray output) {
        try (var collector = ai.djl.engine.Engine.getInstance().newGradientCollector()) {
            collector.backward(output.sum());
            return null;
        } catch (RuntimeException e) {
            return e;
        }
    }

    @Test
    void aThousandGenerationsOnPooledThreadsRecordNoGraphAndKeepMemoryFlat() throws Exception {
        try (var model = LanguageModel.initialize(TransformerConfig.tiny(), 2)) {
            var generator = new TextGenerator(model);
            var settings = GenerationSettings.sampling(3, 1.0, 0, 3);
            var gradModeAfter = new AtomicInteger();
            Runnable generate = () -> {
                JniUtils.setGradMode(true); // as on a thread that torch has never seen
                generator.generate(new int[] {10, 20, 30, 40}, settings);
                if (JniUtils.isGradMode()) {
                    gradModeAfter.incrementAndGet();
                }
            };
            run(200, generate);
            System.gc();
            long arrays = liveArrays();
            long rss = residentBytes();
            run(1000, generate);
            System.gc();
            assertThat(gradModeAfter.get()).as("generations that left grad mode on").isZero();
            assertThat(liveArrays()).isEqualTo(arrays);
            assertThat(residentBytes() - rss).as("RSS growth over 1,000 generations").isLessThan(64L << 20);
        }
    }

    private static void run(int generations, Runnable generate) {
        // Platform threads: torch's grad mode belongs to the OS thread, and a virtual thread may move to another carrier
        // (whose mode another task just set) between its generation and the check, which made this test flaky.
        try (var executor = Executors.newFixedThreadPool(4)) {
            for (int i = 0; i < generations; i++) {
                executor.submit(generate);
            }
        }
    }

    private static long liveArrays() {
        try (var probe = NDManager.newBaseManager()) {
            return probe.getParentManager().getManagedArrays().size();
        }
    }

    private static long residentBytes() throws Exception {
        for (var line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("\\D", "")) * 1024;
            }
        }
        throw new IllegalStateException("no VmRSS in /proc/self/status");
    }
}
