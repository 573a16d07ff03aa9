package org.outpost.shell.internal;

import java.util.Locale;

/** The {@code -o} option: absent for human text, {@code json} for JSON. */
final class Output {

    private Output() {
    }

    /** @throws IllegalArgumentException for a format other than {@code json} */
    static boolean isJson(String format) {
        if (format == null) {
            return false;
        }
        if ("json".equals(format.toLowerCase(Locale.ROOT))) {
            return true;
        }
        throw new IllegalArgumentException("unsupported output format \"" + format + "\"; use -o json");
    }
}
