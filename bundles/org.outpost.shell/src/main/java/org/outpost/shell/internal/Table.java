package org.outpost.shell.internal;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;

/**
 * A plain text table in the kubectl style: a header row, every column padded to its widest cell,
 * two spaces between columns, no trailing blanks.
 */
final class Table {

    private static final String GAP = "  ";

    private final List<String[]> rows = new ArrayList<>();
    private final int columns;

    Table(String... headers) {
        if (headers.length == 0) {
            throw new IllegalArgumentException("a table needs at least one column");
        }
        this.columns = headers.length;
        rows.add(headers.clone());
    }

    /** Adds a row; null cells print empty. */
    Table row(Object... cells) {
        if (cells.length != columns) {
            throw new IllegalArgumentException("row has " + cells.length + " cells, table has " + columns + " columns");
        }
        String[] row = new String[columns];
        for (int i = 0; i < columns; i++) {
            row[i] = cells[i] == null ? "" : String.valueOf(cells[i]);
        }
        rows.add(row);
        return this;
    }

    /** Number of data rows (without the header). */
    int size() {
        return rows.size() - 1;
    }

    /** The lines of the table, header first. */
    List<String> lines() {
        int[] widths = new int[columns];
        for (String[] row : rows) {
            for (int i = 0; i < columns; i++) {
                widths[i] = Math.max(widths[i], row[i].length());
            }
        }
        List<String> lines = new ArrayList<>(rows.size());
        for (String[] row : rows) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < columns; i++) {
                if (i > 0) {
                    line.append(GAP);
                }
                line.append(row[i]);
                if (i < columns - 1) {
                    line.append(" ".repeat(widths[i] - row[i].length()));
                }
            }
            // a blank last cell would otherwise leave the padding of the previous ones
            lines.add(stripTrailing(line));
        }
        return lines;
    }

    String render() {
        return String.join("\n", lines()) + "\n";
    }

    void print(PrintStream out) {
        lines().forEach(out::println);
    }

    private static String stripTrailing(StringBuilder sb) {
        int end = sb.length();
        while (end > 0 && sb.charAt(end - 1) == ' ') {
            end--;
        }
        return sb.substring(0, end);
    }
}
