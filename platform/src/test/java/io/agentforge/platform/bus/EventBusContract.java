package io.agentforge.platform.bus;

import io.agentforge.contracts.events.Event;
import io.agentforge.contracts.events.EventBus;
import io.agentforge.contracts.events.EventBus.Subscription;
import io.agentforge.contracts.events.EventEnvelope;
import io.agentforge.contracts.events.EventTypes;
import io.agentforge.platform.trace.Trace;
import io.agentforge.platform.trace.TraceContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * What every {@link EventBus} must do (SPEC section 6), run against each implementation by a subclass.
 *
 * <p>"Not delivered" is checked without sleeping: delivery to a subscriber is ordered, so once an event published
 * later has arrived, an earlier one that should not arrive can no longer come.
 */
public abstract class EventBusContract {
    public static final Duration WAIT = Duration.ofSeconds(15);

    protected EventBus bus;
    private final List<AutoCloseable> toClose = new ArrayList<>();

    /** A fresh bus on fresh state: no events, no groups. Each call within one test shares that test's state. */
    protected abstract EventBus newBus(int historySize);

    protected EventBus newBus() {
        return newBus(1_000);
    }

    @BeforeEach
    void openBus() {
        bus = closeAfterTest(newBus());
    }

    @AfterEach
    void closeEverything() throws Exception {
        for (AutoCloseable closeable : toClose.reversed()) {
            closeable.close();
        }
    }

    protected <T extends AutoCloseable> T closeAfterTest(T closeable) {
        toClose.add(closeable);
        return closeable;
    }

    public static Event event(String type) {
        return Event.of(type, "contract-test", Map.of("note", type));
    }

    private static List<String> ids(List<Event> events) {
        return events.stream().map(Event::eventId).toList();
    }

    private List<Event> publishAll(String type, int count) {
        var events = new ArrayList<Event>();
        for (int i = 0; i < count; i++) {
            var event = Event.of(type, "contract-test", Map.of("n", i));
            bus.publish(event);
            events.add(event);
        }
        return events;
    }

    @Test
    void deliversPublishedEventWithItsPositionToSubscriber() {
        var received = new ReceivedEvents();
        bus.subscribe("*", received);
        var started = Event.of(EventTypes.TRAINING_STARTED, "training", Map.of("job_id", "j-1", "epochs", 3));

        String position = bus.publish(started);

        await().atMost(WAIT).until(() -> received.count() == 1);
        EventEnvelope envelope = received.envelopes().getFirst();
        assertThat(envelope.position()).isEqualTo(position);
        assertThat(envelope.event().eventId()).isEqualTo(started.eventId());
        assertThat(envelope.event().eventType()).isEqualTo(EventTypes.TRAINING_STARTED);
        assertThat(envelope.event().sourceService()).isEqualTo("training");
        assertThat(envelope.event().timestamp()).isEqualTo(started.timestamp());
        assertThat(envelope.event().data()).containsEntry("job_id", "j-1").containsEntry("epochs", 3);
    }

    @Test
    void publishedEventCarriesThePublishersTraceAndItsHandlerRunsInThatTrace() {
        var seenByHandler = new CopyOnWriteArrayList<String>();
        var received = new ReceivedEvents();
        bus.subscribe("*", envelope -> {
            seenByHandler.add(Trace.current().map(TraceContext::traceId).orElse("none"));
            seenByHandler.add(String.valueOf(MDC.get(Trace.MDC_KEY)));
            received.accept(envelope);
        });
        var publisher = TraceContext.start();

        try (var ignored = Trace.open(publisher)) {
            bus.publish(event(EventTypes.TRAINING_STARTED));
        }

        await().atMost(WAIT).until(() -> received.count() == 1);
        var carried = TraceContext.parse(received.envelopes().getFirst().event().traceparent()).orElseThrow();
        assertThat(carried.traceId()).isEqualTo(publisher.traceId());
        assertThat(carried.spanId()).isNotEqualTo(publisher.spanId());
        assertThat(seenByHandler).containsExactly(publisher.traceId(), publisher.traceId());
    }

    @Test
    void eventPublishedOutsideAnyTraceStartsOneAndKeepsAGivenOne() {
        var received = new ReceivedEvents();
        bus.subscribe("*", received);
        var given = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

        bus.publish(event(EventTypes.TRAINING_STARTED));
        bus.publish(event(EventTypes.TRAINING_PROGRESS).withTraceparent(given));

        await().atMost(WAIT).until(() -> received.count() == 2);
        assertThat(TraceContext.parse(received.envelopes().get(0).event().traceparent())).isPresent();
        assertThat(received.envelopes().get(1).event().traceparent()).isEqualTo(given);
    }

    @Test
    void handlersRunOnBusThreadsNotOnThePublisher() {
        var received = new ReceivedEvents();
        bus.subscribe("*", received);

        bus.publish(event(EventTypes.MODEL_SAVED));

        await().atMost(WAIT).until(() -> received.count() == 1);
        assertThat(received.threads().getFirst()).isNotSameAs(Thread.currentThread());
    }

    @Test
    void prefixWildcardMatchesOnlyThatFamily() {
        var training = new ReceivedEvents();
        bus.subscribe("training_*", training);

        var started = event(EventTypes.TRAINING_STARTED);
        var saved = event(EventTypes.MODEL_SAVED);
        var progress = event(EventTypes.TRAINING_PROGRESS);
        var alert = event(EventTypes.ALERT_CREATED);
        var completed = event(EventTypes.TRAINING_COMPLETED);
        Stream.of(started, saved, progress, alert, completed).forEach(bus::publish);

        await().atMost(WAIT).until(() -> training.eventIds().contains(completed.eventId()));
        assertThat(training.eventIds()).containsExactly(started.eventId(), progress.eventId(), completed.eventId());
    }

    @Test
    void starMatchesEveryEventType() {
        var everything = new ReceivedEvents();
        bus.subscribe("*", everything);

        var events = Stream.of(EventTypes.TRAINING_STARTED, EventTypes.MODEL_HANDOFF_CREATED,
                EventTypes.SERVICE_HEALTH_CHANGED, "a_type_nobody_declared").map(EventBusContract::event).toList();
        events.forEach(bus::publish);

        await().atMost(WAIT).until(() -> everything.count() == events.size());
        assertThat(everything.eventIds()).containsExactlyElementsOf(ids(events));
    }

    @Test
    void wildcardInTheMiddleAndExactPatternsMatchWholeTypes() {
        var exact = new ReceivedEvents();
        var middle = new ReceivedEvents();
        bus.subscribe("model_saved", exact);
        bus.subscribe("training_*ed", middle);

        var savedAgain = event("model_saved_again");
        var progress = event(EventTypes.TRAINING_PROGRESS);
        var saved = event(EventTypes.MODEL_SAVED);
        var failed = event(EventTypes.TRAINING_FAILED);
        Stream.of(savedAgain, progress, saved, failed).forEach(bus::publish);

        await().atMost(WAIT).until(() -> exact.count() >= 1 && middle.count() >= 1);
        assertThat(exact.eventIds()).containsExactly(saved.eventId());
        assertThat(middle.eventIds()).containsExactly(failed.eventId());
    }

    @Test
    void patternCharactersOtherThanStarAreLiteral() {
        var dotted = new ReceivedEvents();
        bus.subscribe("model.saved", dotted);

        bus.publish(event(EventTypes.MODEL_SAVED));
        var literal = event("model.saved");
        bus.publish(literal);

        await().atMost(WAIT).until(() -> dotted.count() >= 1);
        assertThat(dotted.eventIds()).containsExactly(literal.eventId());
    }

    @Test
    void positionsIncreaseInPublishOrder() {
        var positions = new ArrayList<String>();
        for (int i = 0; i < 50; i++) {
            positions.add(bus.publish(event(EventTypes.TRAINING_PROGRESS)));
        }

        for (int i = 1; i < positions.size(); i++) {
            assertThat(BusPositions.compare(positions.get(i - 1), positions.get(i)))
                    .as("%s before %s", positions.get(i - 1), positions.get(i)).isNegative();
        }
    }

    @Test
    void nonMatchingEventsAreNotDelivered() {
        var alerts = new ReceivedEvents();
        bus.subscribe(EventTypes.ALERT_CREATED, alerts);

        publishAll(EventTypes.TRAINING_PROGRESS, 5);
        var alert = event(EventTypes.ALERT_CREATED);
        bus.publish(alert);

        await().atMost(WAIT).until(() -> alerts.count() >= 1);
        assertThat(alerts.eventIds()).containsExactly(alert.eventId());
    }

    @Test
    void subscriberSeesOnlyEventsPublishedAfterItSubscribed() {
        bus.publish(event(EventTypes.TRAINING_STARTED));
        var received = new ReceivedEvents();
        bus.subscribe("*", received);
        var later = event(EventTypes.TRAINING_PROGRESS);

        bus.publish(later);

        await().atMost(WAIT).until(() -> received.count() >= 1);
        assertThat(received.eventIds()).containsExactly(later.eventId());
    }

    @Test
    void eachSubscriberReceivesEventsInPublishOrder() {
        var first = new ReceivedEvents();
        var second = new ReceivedEvents();
        bus.subscribe("training_*", first);
        bus.subscribe("*", second);

        var published = publishAll(EventTypes.TRAINING_PROGRESS, 300);

        await().atMost(WAIT).until(() -> first.count() == 300 && second.count() == 300);
        assertThat(first.eventIds()).containsExactlyElementsOf(ids(published));
        assertThat(second.eventIds()).containsExactlyElementsOf(ids(published));
    }

    @Test
    void slowHandlerDoesNotDelayAnotherSubscriber() throws InterruptedException {
        var release = new CountDownLatch(1);
        var slow = new ReceivedEvents();
        bus.subscribe("*", envelope -> {
            slow.accept(envelope);
            awaitUninterruptibly(release);
        });
        var fast = new ReceivedEvents();
        bus.subscribe("*", fast);

        try {
            var published = publishAll(EventTypes.TRAINING_PROGRESS, 20);

            await().atMost(WAIT).until(() -> fast.count() == 20);
            // The slow subscriber is still stuck in its first event while the other one has all of them.
            assertThat(slow.count()).isEqualTo(1);
            assertThat(fast.eventIds()).containsExactlyElementsOf(ids(published));
            release.countDown();
            await().atMost(WAIT).until(() -> slow.count() == 20);
            assertThat(slow.eventIds()).containsExactlyElementsOf(ids(published));
        } finally {
            release.countDown();
        }
    }

    @Test
    void handlerThatThrowsKeepsReceiving() {
        var received = new ReceivedEvents();
        bus.subscribe("*", envelope -> {
            received.accept(envelope);
            throw new IllegalStateException("a handler bug, on purpose");
        });

        var first = event(EventTypes.TRAINING_STARTED);
        var second = event(EventTypes.TRAINING_COMPLETED);
        bus.publish(first);
        bus.publish(second);

        await().atMost(WAIT).until(() -> received.count() == 2);
        assertThat(received.eventIds()).containsExactly(first.eventId(), second.eventId());
    }

    @Test
    void closedSubscriptionReceivesNothingMore() {
        var closing = new ReceivedEvents();
        var staying = new ReceivedEvents();
        Subscription subscription = bus.subscribe("*", closing);
        bus.subscribe("*", staying);
        var before = event(EventTypes.TRAINING_STARTED);
        bus.publish(before);
        await().atMost(WAIT).until(() -> closing.count() == 1);

        subscription.close();
        var after = event(EventTypes.TRAINING_COMPLETED);
        bus.publish(after);

        await().atMost(WAIT).until(() -> staying.count() == 2);
        assertThat(closing.eventIds()).containsExactly(before.eventId());
    }

    @Test
    void consumerGroupGivesEachEventToExactlyOneMember() {
        var first = new ReceivedEvents();
        var second = new ReceivedEvents();
        bus.subscribeGroup("trainers", "training_*", first);
        bus.subscribeGroup("trainers", "training_*", second);

        var published = publishAll(EventTypes.TRAINING_STARTED, 60);

        await().atMost(WAIT).until(() -> first.count() + second.count() >= 60);
        var all = new ArrayList<String>(first.eventIds());
        all.addAll(second.eventIds());
        assertThat(all).hasSize(60).containsExactlyInAnyOrderElementsOf(ids(published));
    }

    @Test
    void busyGroupMemberLeavesTheOtherEventsToTheOtherMember() {
        var release = new CountDownLatch(1);
        var busy = new ReceivedEvents();
        bus.subscribeGroup("trainers", "*", envelope -> {
            busy.accept(envelope);
            awaitUninterruptibly(release);
        });
        var published = publishAll(EventTypes.TRAINING_STARTED, 1);
        await().atMost(WAIT).until(() -> busy.count() == 1);
        var free = new ReceivedEvents();
        bus.subscribeGroup("trainers", "*", free);

        try {
            var more = publishAll(EventTypes.TRAINING_STARTED, 10);

            await().atMost(WAIT).until(() -> free.count() == 10);
            assertThat(free.eventIds()).containsExactlyElementsOf(ids(more));
            assertThat(busy.eventIds()).containsExactlyElementsOf(ids(published));
        } finally {
            release.countDown();
        }
    }

    @Test
    void groupAndBroadcastSubscribersEachGetTheEvent() {
        var member = new ReceivedEvents();
        var watcher = new ReceivedEvents();
        bus.subscribeGroup("monitoring", "*", member);
        bus.subscribe("*", watcher);

        var alert = event(EventTypes.ALERT_CREATED);
        bus.publish(alert);

        await().atMost(WAIT).until(() -> member.count() == 1 && watcher.count() == 1);
        assertThat(member.eventIds()).containsExactly(alert.eventId());
        assertThat(watcher.eventIds()).containsExactly(alert.eventId());
    }

    @Test
    void newGroupStartsFromNow() {
        bus.publish(event(EventTypes.TRAINING_STARTED));
        var member = new ReceivedEvents();
        bus.subscribeGroup("late-comers", "*", member);
        var later = event(EventTypes.TRAINING_COMPLETED);

        bus.publish(later);

        await().atMost(WAIT).until(() -> member.count() >= 1);
        assertThat(member.eventIds()).containsExactly(later.eventId());
    }

    @Test
    void restartedGroupContinuesAfterLastHandledEventIncludingThoseMissedWhileAway() {
        var beforeRestart = new ReceivedEvents();
        Subscription member = bus.subscribeGroup("models", "*", beforeRestart);
        var handled = publishAll(EventTypes.MODEL_SAVED, 3);
        await().atMost(WAIT).until(() -> beforeRestart.count() == 3);
        member.close();

        var missed = publishAll(EventTypes.MODEL_SAVED, 4);
        var afterRestart = new ReceivedEvents();
        bus.subscribeGroup("models", "*", afterRestart);
        var live = publishAll(EventTypes.MODEL_HANDOFF_CREATED, 2);

        await().atMost(WAIT).until(() -> afterRestart.count() >= 6);
        var expected = new ArrayList<>(ids(missed));
        expected.addAll(ids(live));
        assertThat(afterRestart.eventIds()).containsExactlyElementsOf(expected);
        assertThat(beforeRestart.eventIds()).containsExactlyElementsOf(ids(handled));
    }

    @Test
    void groupsAreIndependentOfEachOther() {
        var training = new ReceivedEvents();
        var monitoring = new ReceivedEvents();
        bus.subscribeGroup("training", "*", training);
        bus.subscribeGroup("monitoring", "*", monitoring);

        var published = publishAll(EventTypes.SERVICE_HEALTH_CHANGED, 5);

        await().atMost(WAIT).until(() -> training.count() == 5 && monitoring.count() == 5);
        assertThat(training.eventIds()).containsExactlyElementsOf(ids(published));
        assertThat(monitoring.eventIds()).containsExactlyElementsOf(ids(published));
    }

    @Test
    void afterReturnsExactlyTheLaterEventsInOrderWithTheirPositions() {
        var published = new ArrayList<Event>();
        var positions = new ArrayList<String>();
        for (int i = 0; i < 7; i++) {
            var event = event(EventTypes.TRAINING_PROGRESS);
            published.add(event);
            positions.add(bus.publish(event));
        }

        List<EventEnvelope> later = bus.after(published.get(2).eventId(), 100);

        assertThat(later).extracting(envelope -> envelope.event().eventId())
                .containsExactlyElementsOf(ids(published.subList(3, 7)));
        assertThat(later).extracting(EventEnvelope::position).containsExactlyElementsOf(positions.subList(3, 7));
    }

    @Test
    void afterReturnsAtMostLimitOldestFirstAndNothingAfterTheNewest() {
        var published = publishAll(EventTypes.TRAINING_PROGRESS, 8);

        assertThat(bus.after(published.get(1).eventId(), 3)).extracting(envelope -> envelope.event().eventId())
                .containsExactlyElementsOf(ids(published.subList(2, 5)));
        assertThat(bus.after(published.getLast().eventId(), 10)).isEmpty();
    }

    @Test
    void afterAnUnknownEventIdThrowsNoSuchElement() {
        publishAll(EventTypes.TRAINING_PROGRESS, 3);

        assertThatThrownBy(() -> bus.after("not-an-event-we-ever-saw", 10))
                .isInstanceOf(NoSuchElementException.class);
    }

    @Test
    void afterForgetsEventsOlderThanTheKeptHistory() {
        EventBus small = closeAfterTest(newBus(50));
        var published = IntStream.range(0, 400).mapToObj(i -> event(EventTypes.TRAINING_PROGRESS))
                .peek(small::publish).toList();

        assertThatThrownBy(() -> small.after(published.getFirst().eventId(), 10))
                .isInstanceOf(NoSuchElementException.class);
        assertThat(small.after(published.get(395).eventId(), 10)).extracting(envelope -> envelope.event().eventId())
                .containsExactlyElementsOf(ids(published.subList(396, 400)));
    }

    @Test
    void closedBusIsUnhealthyAndRefusesToPublish() {
        var received = new ReceivedEvents();
        bus.subscribe("*", received);
        bus.publish(event(EventTypes.TRAINING_STARTED));
        await().atMost(WAIT).until(() -> received.count() == 1);
        assertThat(bus.isHealthy()).isTrue();

        bus.close();

        assertThat(bus.isHealthy()).isFalse();
        assertThatThrownBy(() -> bus.publish(event(EventTypes.TRAINING_STARTED)))
                .isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> bus.subscribe("*", received)).isInstanceOf(IllegalStateException.class);
    }

    public static void awaitUninterruptibly(CountDownLatch latch) {
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    if (latch.await(1, TimeUnit.MINUTES)) {
                        return;
                    }
                    throw new IllegalStateException("latch never released");
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
