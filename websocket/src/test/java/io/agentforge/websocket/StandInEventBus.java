package io.agentforge.websocket;

import io.agentforge.contracts.events.Event;
import io.agentforge.contracts.events.EventBus;
import io.agentforge.contracts.events.EventEnvelope;

import java.util.ArrayList;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.Consumer;

/**
 * TEMPORARY: a minimal in-memory bus until the platform's InProcessEventBus is merged into main; then the tests use
 * the real one and this file goes. Wildcard patterns are limited to "*".
 */
final class StandInEventBus implements EventBus {
    private final List<EventEnvelope> history = new ArrayList<>();
    private final List<LinkedBlockingQueue<EventEnvelope>> queues = new ArrayList<>();
    private long position;

    @Override
    public synchronized String publish(Event event) {
        var envelope = new EventEnvelope(Long.toString(++position), event);
        history.add(envelope);
        queues.forEach(q -> q.add(envelope));
        return envelope.position();
    }

    @Override
    public synchronized Subscription subscribe(String pattern, Consumer<EventEnvelope> handler) {
        var queue = new LinkedBlockingQueue<EventEnvelope>();
        queues.add(queue);
        var thread = Thread.ofVirtual().start(() -> {
            try {
                while (true) {
                    handler.accept(queue.take());
                }
            } catch (InterruptedException e) {
                // closed
            }
        });
        return thread::interrupt;
    }

    @Override
    public Subscription subscribeGroup(String group, String pattern, Consumer<EventEnvelope> handler) {
        throw new UnsupportedOperationException();
    }

    @Override
    public synchronized List<EventEnvelope> after(String eventId, int limit) {
        for (int i = 0; i < history.size(); i++) {
            if (history.get(i).event().eventId().equals(eventId)) {
                return List.copyOf(history.subList(i + 1, Math.min(history.size(), i + 1 + limit)));
            }
        }
        throw new NoSuchElementException(eventId);
    }

    @Override
    public boolean isHealthy() {
        return true;
    }

    @Override
    public void close() {
    }
}
