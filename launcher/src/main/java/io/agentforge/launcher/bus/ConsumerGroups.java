package io.agentforge.launcher.bus;

import io.lettuce.core.RedisException;
import io.lettuce.core.XGroupCreateArgs;
import io.lettuce.core.XReadArgs.StreamOffset;
import io.lettuce.core.api.sync.RedisCommands;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;

/**
 * The consumer groups of this process on the stream: creating a group where it does not exist yet, and numbering
 * the members this process runs in each, so that a member subscribed again gets the same consumer name and with it
 * its pending entries.
 */
final class ConsumerGroups {
    private final String streamKey;
    private final Supplier<RedisCommands<String, String>> commands;
    /** Member numbers in use per group. */
    private final Map<String, Set<Integer>> members = new HashMap<>();

    ConsumerGroups(String streamKey, Supplier<RedisCommands<String, String>> commands) {
        this.streamKey = streamKey;
        this.commands = commands;
    }

    /**
     * A new group starts from now ({@code $}), or from {@code fromId} when given: starting from {@code 0} would replay
     * every retained event, re-running old work, the first time a service is deployed.
     *
     * @param fromId the first entry id the new group delivers, or null for "entries added from now on"
     */
    void createIfAbsent(String group, String fromId) {
        var offset = fromId == null ? StreamOffset.latest(streamKey) : StreamOffset.from(streamKey, fromId);
        try {
            commands.get().xgroupCreate(offset, group, XGroupCreateArgs.Builder.mkstream());
        } catch (RedisException e) {
            if (e.getMessage() == null || !e.getMessage().startsWith("BUSYGROUP")) {
                throw e;
            }
            // The group exists: it continues after its last delivered entry, which is the point of a group.
        }
    }

    /** The lowest member number of the group that no live member of this process holds. */
    synchronized int claimMember(String group) {
        Set<Integer> taken = members.computeIfAbsent(group, g -> new TreeSet<>());
        int number = 1;
        while (taken.contains(number)) {
            number++;
        }
        taken.add(number);
        return number;
    }

    synchronized void releaseMember(String group, int number) {
        members.computeIfPresent(group, (name, taken) -> {
            taken.remove(number);
            return taken;
        });
    }
}
