package io.agentforge.platform.bus;

import io.agentforge.contracts.events.EventEnvelope;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/** A handler that records what it was given, and on which thread, for tests to wait on and inspect. */
public final class ReceivedEvents implements Consumer<EventEnvelope> {
    private final List<EventEnvelope> envelopes = new CopyOnWriteArrayList<>();
    private final List<Thread> threads = new CopyOnWriteArrayList<>();

    @Override
    public void accept(EventEnvelope envelope) {
        threads.add(Thread.currentThread());
        envelopes.add(envelope);
    }

    public List<EventEnvelope> envelopes() {
        return List.copyOf(envelopes);
    }

    public List<String> eventIds() {
        return envelopes.stream().map(envelope -> envelope.event().eventId()).toList();
    }

    public List<String> eventTypes() {
        return envelopes.stream().map(envelope -> envelope.event().eventType()).toList();
    }

    public List<Thread> threads() {
        return List.copyOf(threads);
    }

    public int count() {
        return envelopes.size();
    }
}
