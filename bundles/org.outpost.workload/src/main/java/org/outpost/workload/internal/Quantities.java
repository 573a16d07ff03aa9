package org.outpost.workload.internal;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Map;
import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Kubernetes resource quantities: CPU as cores or millicores, memory with SI or binary suffixes. */
public final class Quantities {
    private static final Pattern CPU = Pattern.compile("(\\d+(?:\\.\\d+)?)(m?)");
    private static final Pattern MEMORY = Pattern.compile("(\\d+(?:\\.\\d+)?)(Ki|Mi|Gi|Ti|Pi|k|K|M|G|T|P)?");
    private static final Map<String, BigDecimal> MEMORY_UNITS = Map.ofEntries(
            Map.entry("Ki", BigDecimal.valueOf(1L << 10)), Map.entry("Mi", BigDecimal.valueOf(1L << 20)),
            Map.entry("Gi", BigDecimal.valueOf(1L << 30)), Map.entry("Ti", BigDecimal.valueOf(1L << 40)),
            Map.entry("Pi", BigDecimal.valueOf(1L << 50)), Map.entry("k", BigDecimal.valueOf(1_000L)),
            Map.entry("K", BigDecimal.valueOf(1_000L)), Map.entry("M", BigDecimal.valueOf(1_000_000L)),
            Map.entry("G", BigDecimal.valueOf(1_000_000_000L)), Map.entry("T", BigDecimal.valueOf(1_000_000_000_000L)),
            Map.entry("P", BigDecimal.valueOf(1_000_000_000_000_000L)));

    private Quantities() {
    }

    /** {@code 500m} → 500, {@code 0.5} → 500, {@code 2} → 2000; empty when not a CPU quantity or finer than 1m. */
    public static OptionalLong cpuMillis(String text) {
        Matcher m = CPU.matcher(text.trim());
        if (!m.matches()) {
            return OptionalLong.empty();
        }
        BigDecimal value = new BigDecimal(m.group(1));
        BigDecimal millis = m.group(2).isEmpty() ? value.movePointRight(3) : value;
        try {
            return OptionalLong.of(millis.longValueExact());
        } catch (ArithmeticException fractionOrTooLarge) {
            return OptionalLong.empty();
        }
    }

    /** {@code 128Mi} → 134217728, {@code 1G} → 10^9, {@code 1024} → 1024; fractions of a byte round up. */
    public static OptionalLong memoryBytes(String text) {
        Matcher m = MEMORY.matcher(text.trim());
        if (!m.matches()) {
            return OptionalLong.empty();
        }
        BigDecimal value = new BigDecimal(m.group(1));
        if (m.group(2) != null) {
            value = value.multiply(MEMORY_UNITS.get(m.group(2)));
        }
        try {
            return OptionalLong.of(value.setScale(0, RoundingMode.CEILING).longValueExact());
        } catch (ArithmeticException tooLarge) {
            return OptionalLong.empty();
        }
    }
}
