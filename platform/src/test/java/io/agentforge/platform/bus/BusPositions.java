package io.agentforge.platform.bus;

/**
 * Orders two positions from the same bus. Both forms are numbers, a counter ({@code "42"}) and a Redis entry id
 * ({@code "1764170000000-3"}), and neither sorts as a string.
 */
final class BusPositions {
    private BusPositions() {
    }

    static int compare(String a, String b) {
        long[] left = parse(a);
        long[] right = parse(b);
        int byFirst = Long.compare(left[0], right[0]);
        return byFirst != 0 ? byFirst : Long.compare(left[1], right[1]);
    }

    private static long[] parse(String position) {
        int dash = position.indexOf('-');
        try {
            return dash < 0
                    ? new long[] {Long.parseLong(position), 0}
                    : new long[] {Long.parseLong(position, 0, dash, 10),
                            Long.parseLong(position, dash + 1, position.length(), 10)};
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not an event bus position: '" + position + "'", e);
        }
    }
}
