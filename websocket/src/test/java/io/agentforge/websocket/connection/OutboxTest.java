package io.agentforge.websocket.connection;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** One client's queue and its writer, against a socket whose writes the test can hold up. */
class OutboxTest {
    private final CountDownLatch release = new CountDownLatch(1);
    private final CountDownLatch firstWriteStarted = new CountDownLatch(1);
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private final LongAdder sent = new LongAdder();
    /** A socket whose writes wait for {@link #release}, as a client that stopped reading would make them. */
    private final FakeSocket socket = new FakeSocket(text -> {
        firstWriteStarted.countDown();
        release.await();
    });
    private final List<String> written = socket.written;

    @Test
    void writesInOrderAndCountsWhatWasWritten() {
        var outbox = new Outbox(10, socket.onPing(() -> written.add("<ping>")), failure::set, sent);
        release.countDown();
        outbox.offer("a");
        outbox.ping();
        outbox.offer("b");

        await().until(() -> written.size() == 3);
        assertThat(written).containsExactly("a", "<ping>", "b");
        assertThat(sent.sum()).isEqualTo(2);
        assertThat(outbox.depth()).isZero();
    }

    @Test
    void aFullOutboxRefusesAtOnceAndKeepsItsHighWater() throws Exception {
        var outbox = new Outbox(3, socket, failure::set, sent);
        outbox.offer("in the writer's hands");
        assertThat(firstWriteStarted.await(5, TimeUnit.SECONDS)).isTrue();
        assertThat(outbox.offer("1")).isTrue();
        assertThat(outbox.offer("2")).isTrue();
        assertThat(outbox.offer("3")).isTrue();

        assertThat(outbox.offer("4")).isFalse();
        assertThat(outbox.depth()).isEqualTo(3);
        assertThat(outbox.highWater()).isEqualTo(3);

        release.countDown();
        await().until(() -> written.size() == 4);
        assertThat(written).containsExactly("in the writer's hands", "1", "2", "3");
        assertThat(outbox.highWater()).isEqualTo(3);
    }

    @Test
    void putWaitsForRoomAndGivesUpAfterItsTimeout() throws Exception {
        var outbox = new Outbox(1, socket, failure::set, sent);
        outbox.offer("held");
        assertThat(firstWriteStarted.await(5, TimeUnit.SECONDS)).isTrue();
        outbox.offer("queued");

        assertThat(outbox.put("times out", 50)).isFalse();

        var waiter = Thread.ofVirtual().start(() -> {
            try {
                outbox.put("waited", 10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        await().during(Duration.ofMillis(100)).atMost(Duration.ofSeconds(2))
                .untilAsserted(() -> assertThat(waiter.isAlive()).as("put waits while the outbox is full").isTrue());
        release.countDown();
        waiter.join(5_000);
        await().until(() -> written.size() == 3);
        assertThat(written).containsExactly("held", "queued", "waited");
    }

    @Test
    void closeFreesTheBacklogInterruptsABlockedWriterAndRefusesMore() throws Exception {
        var outbox = new Outbox(100, socket, failure::set, sent);
        for (int i = 0; i < 50; i++) {
            outbox.offer("m" + i);
        }
        assertThat(firstWriteStarted.await(5, TimeUnit.SECONDS)).isTrue();

        outbox.close();

        assertThat(outbox.depth()).isZero();
        assertThat(outbox.offer("late")).isFalse();
        assertThat(outbox.put("late", 10)).isFalse();
        // The writer's blocked send was interrupted; a close is no failure to report, however late it would come.
        await().during(Duration.ofMillis(100)).atMost(Duration.ofSeconds(2)).untilAsserted(() -> {
            assertThat(written).isEmpty();
            assertThat(failure.get()).isNull();
        });
    }

    @Test
    void aFailedWriteIsReportedOnce() {
        var broken = new Outbox(10, new FakeSocket(text -> {
            throw new java.io.IOException("connection reset");
        }), failure::set, sent);
        broken.offer("a");
        await().until(() -> failure.get() != null);
        assertThat(failure.get()).hasMessage("connection reset");
        assertThat(sent.sum()).isZero();
    }
}
