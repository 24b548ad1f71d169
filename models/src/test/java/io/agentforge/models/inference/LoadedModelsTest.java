package io.agentforge.models.inference;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

class LoadedModelsTest {
    /** Stands for a loaded model: a block of memory that must be freed exactly once. */
    static final class Weights implements AutoCloseable {
        final String id;
        final byte[] bytes;
        int closes;

        Weights(String id, int size) {
            this.id = id;
            this.bytes = new byte[size];
        }

        @Override
        public void close() {
            closes++;
        }
    }

    final List<Weights> loaded = new ArrayList<>();
    final AtomicInteger loads = new AtomicInteger();

    Weights load(String id, int size) {
        loads.incrementAndGet();
        var w = new Weights(id, size);
        synchronized (loaded) {
            loaded.add(w);
        }
        return w;
    }

    @Test
    void aLoadedModelIsReusedNotLoadedAgain() {
        var models = new LoadedModels<Weights>(1_000, w -> w.bytes.length);
        var first = models.use("a", () -> load("a", 10), w -> w);
        var second = models.use("a", () -> load("a", 10), w -> w);
        assertThat(second).isSameAs(first);
        assertThat(loads).hasValue(1);
        assertThat(models.loadedBytes()).isEqualTo(10);
    }

    @Test
    void theLeastRecentlyUsedModelIsClosedWhenTheBudgetIsExceeded() {
        var models = new LoadedModels<Weights>(100, w -> w.bytes.length);
        var a = models.use("a", () -> load("a", 40), w -> w);
        var b = models.use("b", () -> load("b", 40), w -> w);
        models.use("a", () -> load("a", 40), w -> w); // a is now more recent than b
        var c = models.use("c", () -> load("c", 40), w -> w);

        assertThat(models.isLoaded("b")).isFalse();
        assertThat(b.closes).isEqualTo(1);
        assertThat(a.closes).isZero();
        assertThat(c.closes).isZero();
        assertThat(models.loadedBytes()).isEqualTo(80);
    }

    @Test
    void aModelInUseIsClosedOnlyWhenItsGenerationEnds() {
        var models = new LoadedModels<Weights>(50, w -> w.bytes.length);
        var a = models.use("a", () -> load("a", 40), w -> {
            // While "a" generates, another request loads "b" and pushes "a" out of the budget.
            models.use("b", () -> load("b", 40), x -> x);
            assertThat(models.isLoaded("a")).isFalse();
            assertThat(w.closes).isZero();
            return w;
        });
        assertThat(a.closes).isEqualTo(1);
    }

    @Test
    void aModelLargerThanTheBudgetStillServesAndStaysUntilAnotherIsNeeded() {
        var models = new LoadedModels<Weights>(10, w -> w.bytes.length);
        var big = models.use("big", () -> load("big", 100), w -> w);
        assertThat(models.isLoaded("big")).isTrue();
        assertThat(big.closes).isZero();
        models.use("other", () -> load("other", 5), w -> w);
        assertThat(big.closes).isEqualTo(1);
    }

    @Test
    void concurrentRequestsForAColdModelLoadItOnce() throws Exception {
        var models = new LoadedModels<Weights>(1_000, w -> w.bytes.length);
        var start = new CountDownLatch(1);
        try (var pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < 16; i++) {
                pool.submit(() -> {
                    start.await();
                    return models.use("a", () -> load("a", 10), w -> w);
                });
            }
            start.countDown();
        }
        assertThat(loads).hasValue(1);
    }

    @Test
    void closingClosesEveryModelOnce() {
        var models = new LoadedModels<Weights>(1_000, w -> w.bytes.length);
        models.use("a", () -> load("a", 10), w -> w);
        models.use("b", () -> load("b", 10), w -> w);
        models.close();
        assertThat(loaded).allSatisfy(w -> assertThat(w.closes).isEqualTo(1));
        assertThat(models.loadedBytes()).isZero();
    }
}
