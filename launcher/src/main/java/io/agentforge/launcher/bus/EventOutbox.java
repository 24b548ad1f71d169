package io.agentforge.launcher.bus;

import io.agentforge.contracts.Json;
import io.agentforge.contracts.events.Event;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;

/**
 * Events this process published while Redis was away, kept in order on local disk until they are relayed: an
 * append-only journal of one JSON event per line, written through to the disk before {@code publish} returns, and
 * beside it the byte offset up to which the journal has been relayed. A process killed with events still waiting
 * leaves its journal behind, and whoever opens the same slot next (the same replica restarted, or another process on
 * the same directory) relays them first. Bounded: beyond {@link #capacity()} events an append is refused, so an outage
 * that lasts too long costs events loudly instead of filling the disk.
 *
 * <p>Each process holds its journal under an OS file lock, released when the process dies however it dies, so two
 * processes never write one journal and a dead one's journal is found free. Not thread-safe: the bus serialises use.
 */
final class EventOutbox implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EventOutbox.class);
    private static final String JOURNAL = ".events.jsonl";
    private static final String OFFSET = ".relayed";
    private static final int MAX_SLOTS = 64;

    private final Path journalFile;
    private final Path offsetFile;
    private final FileChannel journal;
    private final FileLock lock;
    private final int capacity;
    /** The journal's lines not relayed yet, oldest first; the disk has them too. */
    private final Deque<String> waiting = new ArrayDeque<>();
    private long relayedUpTo;

    private EventOutbox(Path journalFile, FileChannel journal, FileLock lock, int capacity) throws IOException {
        this.journalFile = journalFile;
        this.offsetFile = journalFile.resolveSibling(journalFile.getFileName().toString().replace(JOURNAL, OFFSET));
        this.journal = journal;
        this.lock = lock;
        this.capacity = capacity;
        load();
    }

    /**
     * Opens the first journal of {@code name} in {@code directory} that no live process holds ({@code name.events.jsonl},
     * then {@code name-2.events.jsonl}, ...), with whatever a dead holder left in it.
     */
    static EventOutbox open(Path directory, String name, int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be at least 1, was " + capacity);
        }
        var safeName = name.replaceAll("[^A-Za-z0-9._-]", "_");
        try {
            Files.createDirectories(directory);
            for (int slot = 1; slot <= MAX_SLOTS; slot++) {
                var file = directory.resolve(safeName + (slot == 1 ? "" : "-" + slot) + JOURNAL);
                var claimed = tryClaim(file, capacity);
                if (claimed.isPresent()) {
                    return claimed.get();
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the event outbox in " + directory, e);
        }
        throw new IllegalStateException(MAX_SLOTS + " processes named " + name + " already hold an event outbox in "
                + directory);
    }

    /** Journals in {@code directory} that no live process holds and that still have events, claimed for relaying. */
    static List<EventOutbox> orphans(Path directory, int capacity) {
        var found = new ArrayList<EventOutbox>();
        try (var files = Files.list(directory)) {
            for (var file : files.filter(f -> f.getFileName().toString().endsWith(JOURNAL)).toList()) {
                var claimed = tryClaim(file, capacity);
                if (claimed.isEmpty()) {
                    continue;
                }
                if (claimed.get().isEmpty()) {
                    claimed.get().close();
                } else {
                    found.add(claimed.get());
                }
            }
        } catch (IOException e) {
            LOG.warn("cannot look for left-over event outboxes in {}: {}", directory, e.toString());
        }
        return found;
    }

    private static Optional<EventOutbox> tryClaim(Path file, int capacity) throws IOException {
        var channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE);
        FileLock lock;
        try {
            lock = channel.tryLock();
        } catch (OverlappingFileLockException e) {
            lock = null; // held by this very JVM
        }
        if (lock == null) {
            channel.close();
            return Optional.empty();
        }
        try {
            return Optional.of(new EventOutbox(file, channel, lock, capacity));
        } catch (IOException | RuntimeException e) {
            lock.release();
            channel.close();
            throw e;
        }
    }

    private void load() throws IOException {
        relayedUpTo = 0;
        if (Files.exists(offsetFile)) {
            try {
                relayedUpTo = Long.parseLong(Files.readString(offsetFile).trim());
            } catch (NumberFormatException e) {
                LOG.warn("unreadable relay offset in {}; relaying its journal from the start", offsetFile);
            }
        }
        long size = journal.size();
        if (relayedUpTo > size) {
            relayedUpTo = 0;
        }
        var buffer = ByteBuffer.allocate((int) Math.min(Integer.MAX_VALUE, size - relayedUpTo));
        journal.read(buffer, relayedUpTo);
        var text = new String(buffer.array(), 0, buffer.position(), StandardCharsets.UTF_8);
        // A line without its newline is a write the process did not finish when it died: not published, dropped.
        int end = text.lastIndexOf('\n');
        for (var line : (end < 0 ? "" : text.substring(0, end)).split("\n")) {
            if (!line.isBlank()) {
                waiting.add(line);
            }
        }
        if (end + 1 < text.length()) {
            journal.truncate(relayedUpTo + text.substring(0, end + 1).getBytes(StandardCharsets.UTF_8).length);
        }
        if (!waiting.isEmpty()) {
            LOG.info("event outbox {} holds {} events not yet on the bus; they are relayed first", journalFile,
                    waiting.size());
        }
    }

    /** Keeps the event on disk (forced) before it returns; false when the outbox is full. */
    boolean append(Event event) {
        if (waiting.size() >= capacity) {
            return false;
        }
        var line = Json.write(event).replace("\n", " ");
        try {
            var bytes = ByteBuffer.wrap((line + "\n").getBytes(StandardCharsets.UTF_8));
            long position = journal.size();
            while (bytes.hasRemaining()) {
                position += journal.write(bytes, position);
            }
            journal.force(false);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the event outbox " + journalFile, e);
        }
        waiting.add(line);
        return true;
    }

    /** The oldest event not relayed yet. */
    Optional<Event> oldest() {
        var line = waiting.peekFirst();
        return line == null ? Optional.empty() : Optional.of(Json.read(line, Event.class));
    }

    /** The oldest event is on the bus now: remembered on disk, so a restart does not relay it again. */
    void relayed() {
        var line = waiting.pollFirst();
        if (line == null) {
            return;
        }
        try {
            if (waiting.isEmpty()) {
                // Everything is out: start the files over instead of letting them grow.
                journal.truncate(0);
                journal.force(false);
                relayedUpTo = 0;
                Files.deleteIfExists(offsetFile);
                return;
            }
            relayedUpTo += line.getBytes(StandardCharsets.UTF_8).length + 1;
            var temporary = offsetFile.resolveSibling(offsetFile.getFileName() + ".tmp");
            Files.writeString(temporary, Long.toString(relayedUpTo), StandardOpenOption.CREATE,
                    StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE, StandardOpenOption.SYNC);
            Files.move(temporary, offsetFile, StandardCopyOption.REPLACE_EXISTING,
                    StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot record the relay in " + offsetFile, e);
        }
    }

    int size() {
        return waiting.size();
    }

    boolean isEmpty() {
        return waiting.isEmpty();
    }

    int capacity() {
        return capacity;
    }

    Path file() {
        return journalFile;
    }

    @Override
    public void close() {
        try {
            lock.release();
        } catch (IOException e) {
            // closing the channel releases it anyway
        }
        try {
            journal.close();
        } catch (IOException e) {
            LOG.warn("cannot close the event outbox {}: {}", journalFile, e.toString());
        }
    }

    @Override
    public String toString() {
        return "EventOutbox[" + journalFile.getFileName() + ", " + waiting.size() + " waiting]";
    }
}
