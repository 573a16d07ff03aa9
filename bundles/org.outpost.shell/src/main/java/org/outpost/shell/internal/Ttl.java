package org.outpost.shell.internal;

import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses token lifetimes: a number with a unit {@code s}, {@code m}, {@code h} or {@code d}
 * ({@code 30s}, {@code 15m}, {@code 1h}, {@code 2d}), or several of them ({@code 1h30m}); {@code 0}
 * or {@code none} for no expiry.
 */
final class Ttl {

    private static final Pattern WHOLE = Pattern.compile("(?:\\d+[smhd])+");
    private static final Pattern PART = Pattern.compile("(\\d+)([smhd])");

    private Ttl() {
    }

    /**
     * @return the lifetime, or null for no expiry
     * @throws IllegalArgumentException with a readable sentence for anything else
     */
    static Duration parse(String text) {
        if (text == null || text.isBlank()) {
            throw invalid(text);
        }
        String s = text.trim().toLowerCase(Locale.ROOT);
        if (s.equals("0") || s.equals("none") || s.equals("never")) {
            return null;
        }
        if (!WHOLE.matcher(s).matches()) {
            throw invalid(text);
        }
        Duration total = Duration.ZERO;
        Matcher m = PART.matcher(s);
        try {
            while (m.find()) {
                long n = Long.parseLong(m.group(1));
                Duration part = switch (m.group(2)) {
                    case "s" -> Duration.ofSeconds(n);
                    case "m" -> Duration.ofMinutes(n);
                    case "h" -> Duration.ofHours(n);
                    default -> Duration.ofDays(n);
                };
                total = total.plus(part);
            }
        } catch (ArithmeticException | NumberFormatException e) {
            throw new IllegalArgumentException("invalid TTL \"" + text + "\": too long");
        }
        return total.isZero() ? null : total;
    }

    private static IllegalArgumentException invalid(String text) {
        return new IllegalArgumentException("invalid TTL \"" + (text == null ? "" : text)
                + "\": use a number with a unit s, m, h or d (e.g. 30s, 15m, 1h, 2d), or 0/none for no expiry");
    }
}
