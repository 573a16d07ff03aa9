package org.outpost.shell.internal;

import java.util.Locale;

/** Byte counts in binary units as kubectl prints quantities: {@code 512}, {@code 1.5Ki}, {@code 7.7Gi}. */
final class Sizes {

    private static final String[] UNITS = {"Ki", "Mi", "Gi", "Ti", "Pi", "Ei"};

    private Sizes() {
    }

    static String format(long bytes) {
        if (bytes < 1024) {
            return Long.toString(bytes);
        }
        double v = bytes;
        int unit = -1;
        while (v >= 1024 && unit < UNITS.length - 1) {
            v /= 1024;
            unit++;
        }
        return String.format(Locale.ROOT, "%.1f%s", v, UNITS[unit]);
    }
}
