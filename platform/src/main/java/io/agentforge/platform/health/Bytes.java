package io.agentforge.platform.health;

import java.util.Locale;

/** Byte counts as people read them in a health report: 1.5 GB rather than 1610612736. */
final class Bytes {
    private static final String[] UNITS = {"B", "KB", "MB", "GB", "TB", "PB", "EB"};

    private Bytes() {
    }

    static String readable(long bytes) {
        var value = (double) bytes;
        var unit = 0;
        while (value >= 1024 && unit < UNITS.length - 1) {
            value /= 1024;
            unit++;
        }
        return unit == 0 ? bytes + " B" : String.format(Locale.ROOT, "%.1f %s", value, UNITS[unit]);
    }
}
