package io.agentforge.cli.commands;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Left-aligned columns as wide as their widest cell, with a header; the last column is not padded. */
final class Table {
    private final List<String[]> rows = new ArrayList<>();

    Table(String... header) {
        rows.add(header);
    }

    Table row(Object... cells) {
        rows.add(Arrays.stream(cells).map(cell -> cell == null ? "-" : String.valueOf(cell)).toArray(String[]::new));
        return this;
    }

    void print(PrintStream out) {
        var columns = rows.getFirst().length;
        var widths = new int[columns];
        for (var row : rows) {
            for (var i = 0; i < columns; i++) {
                widths[i] = Math.max(widths[i], row[i].length());
            }
        }
        for (var row : rows) {
            var line = new StringBuilder();
            for (var i = 0; i < columns; i++) {
                line.append(i == columns - 1 ? row[i] : String.format("%-" + (widths[i] + 2) + "s", row[i]));
            }
            out.println(line.toString().stripTrailing());
        }
    }

    /** The first 8 characters of a UUID, as git shortens hashes; the full id is in {@code -o json}. */
    static String shortId(String id) {
        return id == null || id.length() <= 8 ? id : id.substring(0, 8);
    }
}
