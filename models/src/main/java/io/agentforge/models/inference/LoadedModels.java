package io.agentforge.models.inference;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.function.ToLongFunction;

/**
 * Models kept loaded between requests, evicted least-recently-used when their estimated memory exceeds a budget.
 * A model is closed only when no request is using it, so eviction never pulls weights from under a generation.
 * The most recently used model always stays, even alone over the budget: loading it again per request would
 * not use less memory, only more time.
 *
 * @param <M> a loaded model; closing it frees its memory
 */
final class LoadedModels<M extends AutoCloseable> implements AutoCloseable {
    private final long budgetBytes;
    private final ToLongFunction<M> sizeOf;
    // Access order: iteration starts at the least recently used.
    private final LinkedHashMap<String, Entry<M>> entries = new LinkedHashMap<>(16, 0.75f, true);
    private final Object loading = new Object();
    private long totalBytes;

    public LoadedModels(long budgetBytes, ToLongFunction<M> sizeOf) {
        this.budgetBytes = budgetBytes;
        this.sizeOf = sizeOf;
    }

    /**
     * Runs {@code action} with the model, loading it with {@code loader} if it is not loaded. Loads are serialised:
     * two requests for a cold model load it once, and two cold models never double the peak memory.
     */
    public <R> R use(String modelId, Supplier<M> loader, Function<M, R> action) {
        var entry = acquire(modelId, loader);
        try {
            return action.apply(entry.model);
        } finally {
            release(entry);
        }
    }

    /** Whether the model is loaded now. */
    public synchronized boolean isLoaded(String modelId) {
        return entries.containsKey(modelId);
    }

    /** Estimated bytes of the loaded models. */
    public synchronized long loadedBytes() {
        return totalBytes;
    }

    /** Drops a model (e.g. when it is deleted); closed now, or when its last user finishes. */
    public void evict(String modelId) {
        Entry<M> removed;
        synchronized (this) {
            removed = entries.remove(modelId);
            if (removed != null) {
                totalBytes -= removed.bytes;
                removed.evicted = true;
            }
        }
        if (removed != null) {
            closeIfIdle(removed);
        }
    }

    private Entry<M> acquire(String modelId, Supplier<M> loader) {
        var cached = lookup(modelId);
        if (cached != null) {
            return cached;
        }
        synchronized (loading) {
            cached = lookup(modelId);
            if (cached != null) {
                return cached;
            }
            var model = loader.get();
            var entry = new Entry<>(modelId, model, sizeOf.applyAsLong(model));
            entry.users = 1;
            synchronized (this) {
                entries.put(modelId, entry);
                totalBytes += entry.bytes;
            }
            evictOverBudget(modelId);
            return entry;
        }
    }

    private synchronized Entry<M> lookup(String modelId) {
        var entry = entries.get(modelId);
        if (entry != null) {
            entry.users++;
        }
        return entry;
    }

    private void release(Entry<M> entry) {
        synchronized (this) {
            entry.users--;
        }
        closeIfIdle(entry);
    }

    private void evictOverBudget(String keep) {
        var victims = new ArrayList<Entry<M>>();
        synchronized (this) {
            var it = entries.values().iterator();
            while (totalBytes > budgetBytes && it.hasNext()) {
                var entry = it.next();
                if (entry.id.equals(keep)) {
                    continue;
                }
                it.remove();
                totalBytes -= entry.bytes;
                entry.evicted = true;
                victims.add(entry);
            }
        }
        victims.forEach(this::closeIfIdle);
    }

    private void closeIfIdle(Entry<M> entry) {
        synchronized (this) {
            if (!entry.evicted || entry.users > 0 || entry.closed) {
                return;
            }
            entry.closed = true;
        }
        try {
            entry.model.close();
        } catch (Exception e) {
            throw new IllegalStateException("cannot unload model " + entry.id, e);
        }
    }

    @Override
    public void close() {
        List<String> ids;
        synchronized (this) {
            ids = List.copyOf(entries.keySet());
        }
        ids.forEach(this::evict);
    }

    private static final class Entry<M> {
        final String id;
        final M model;
        final long bytes;
        int users;
        boolean evicted;
        boolean closed;

        Entry(String id, M model, long bytes) {
            this.id = id;
            this.model = model;
            this.bytes = bytes;
        }
    }
}
