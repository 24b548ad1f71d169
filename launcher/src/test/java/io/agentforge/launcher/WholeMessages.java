package io.agentforge.launcher;

import java.net.http.WebSocket;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;

/** A WebSocket listener that hands each whole text message (its frames joined) to a sink, then asks for the next. */
final class WholeMessages {
    private WholeMessages() {
    }

    static WebSocket.Listener into(Consumer<String> sink) {
        return new WebSocket.Listener() {
            private final StringBuilder partial = new StringBuilder();

            @Override
            public CompletionStage<?> onText(WebSocket webSocket, CharSequence text, boolean last) {
                partial.append(text);
                if (last) {
                    sink.accept(partial.toString());
                    partial.setLength(0);
                }
                webSocket.request(1);
                return null;
            }
        };
    }
}
