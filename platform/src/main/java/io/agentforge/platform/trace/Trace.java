package io.agentforge.platform.trace;

import org.slf4j.MDC;

import java.util.Optional;

/**
 * The trace the current thread works for. A request's virtual thread, an event handler's call and a job's scheduler
 * work each {@link #open} a scope, which also puts the trace id into the log MDC as {@code trace_id}; closing it
 * restores what was there before, so a pooled or long-lived thread does not carry one job's trace into the next.
 */
public final class Trace {
    /** The W3C header, also the name of the field on bus events. */
    public static final String HEADER = "traceparent";
    /** The MDC key of the trace id in log lines. */
    public static final String MDC_KEY = "trace_id";

    private static final ThreadLocal<TraceContext> CURRENT = new ThreadLocal<>();

    private Trace() {
    }

    /** The trace of the work this thread is doing, if any. */
    public static Optional<TraceContext> current() {
        return Optional.ofNullable(CURRENT.get());
    }

    /**
     * What to send to another service or put on an event: a new span of the current trace, or of a new trace when the
     * thread has none, so that the receiver's work can still be followed from here on.
     */
    public static String outgoing() {
        return current().map(TraceContext::child).orElseGet(TraceContext::start).traceparent();
    }

    /** Makes {@code context} (null: none) the current trace until the scope closes. */
    public static Scope open(TraceContext context) {
        var previous = CURRENT.get();
        var previousMdc = MDC.get(MDC_KEY);
        set(context);
        return () -> {
            set(previous);
            if (previous == null && previousMdc != null) {
                MDC.put(MDC_KEY, previousMdc);
            }
        };
    }

    /**
     * Continues the trace of an incoming {@code traceparent} (a request's header, an event's field) in a new span; with
     * none or an invalid one, work under {@code startWhenAbsent ? a new trace : no trace}.
     */
    public static Scope resume(String traceparent, boolean startWhenAbsent) {
        var context = TraceContext.parse(traceparent).map(TraceContext::child)
                .orElseGet(() -> startWhenAbsent ? TraceContext.start() : null);
        return open(context);
    }

    private static void set(TraceContext context) {
        if (context == null) {
            CURRENT.remove();
            MDC.remove(MDC_KEY);
        } else {
            CURRENT.set(context);
            MDC.put(MDC_KEY, context.traceId());
        }
    }

    /** A current trace that ends when closed; closing never throws. */
    @FunctionalInterface
    public interface Scope extends AutoCloseable {
        @Override
        void close();
    }
}
