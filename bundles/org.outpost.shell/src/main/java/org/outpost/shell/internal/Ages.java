package org.outpost.shell.internal;

import java.time.Duration;
import java.time.Instant;

/** Short human durations as kubectl shows ages: {@code 40s}, {@code 5m}, {@code 3h}, {@code 2d}, {@code 3y}. */
final class Ages {

    static final String UNKNOWN = "<unknown>";

    private Ages() {
    }

    /** The age of something that happened at {@code then}, seen at {@code now}. */
    static String since(Instant then, Instant now) {
        if (then == null) {
            return UNKNOWN;
        }
        return format(Duration.between(then, now));
    }

    /** The largest whole unit: seconds below a minute, minutes below an hour, and so on. */
    static String format(Duration duration) {
        if (duration == null) {
            return UNKNOWN;
        }
        long seconds = duration.getSeconds();
        if (seconds < 0) {
            return "0s"; // clock skew between nodes
        }
        if (seconds < 60) {
            return seconds + "s";
        }
        long minutes = seconds / 60;
        if (minutes < 60) {
            return minutes + "m";
        }
        long hours = minutes / 60;
        if (hours < 24) {
            return hours + "h";
        }
        long days = hours / 24;
        if (days < 365) {
            return days + "d";
        }
        return days / 365 + "y";
    }
}
