package io.agentforge.launcher.bus;

import io.agentforge.contracts.events.EventEnvelope;
import io.agentforge.platform.bus.EventTypePattern;
import io.lettuce.core.XReadArgs;
import io.lettuce.core.XReadArgs.StreamOffset;

import java.util.function.Consumer;

/** A plain subscription: XREAD BLOCK from a fixed starting entry, every matching event to the handler. */
final class StreamReader extends RedisReader {
    private final RedisStreamsEventBus bus;
    private final EventTypePattern pattern;
    private String lastId;

    StreamReader(RedisStreamsEventBus bus, EventTypePattern pattern, Consumer<EventEnvelope> handler, String startId) {
        super("event-bus-subscriber-" + pattern, handler, bus::connectForReads, bus::unregister);
        this.bus = bus;
        this.pattern = pattern;
        this.lastId = startId;
    }

    @Override
    boolean readOnce() {
        var messages = reads().xread(XReadArgs.Builder.block(bus.settings().blockTimeout())
                        .count(RedisStreamsEventBus.READ_BATCH),
                StreamOffset.from(bus.settings().streamKey(), lastId));
        for (var message : messages) {
            // Advance even past events we skip, so that a retry after a failure resumes, never repeats.
            lastId = message.getId();
            EventEnvelope envelope = StreamEntries.matches(pattern, message) ? StreamEntries.decode(message) : null;
            if (envelope != null && !deliver(envelope)) {
                return false;
            }
        }
        return true;
    }
}
