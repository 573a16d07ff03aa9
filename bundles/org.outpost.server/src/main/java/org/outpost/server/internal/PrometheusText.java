package org.outpost.server.internal;

import java.util.HashSet;
import java.util.Locale;
import java.util.Set;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * One /metrics page in the Prometheus text exposition format (version 0.0.4). Every family is
 * declared once, with its HELP and TYPE lines before its samples, and every sample belongs to the
 * family declared last. Label values are escaped here, in one place, so a node name with a quote,
 * a backslash or a newline can neither break the page nor forge a series.
 */
final class PrometheusText {

    enum Type {
        COUNTER, GAUGE, HISTOGRAM;

        final String text = name().toLowerCase(Locale.ROOT);
    }

    private static final Pattern METRIC_NAME = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
    private static final Pattern LABEL_NAME = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");

    private final StringBuilder out = new StringBuilder(4096);
    private final Set<String> declared = new HashSet<>();
    private String family;
    private Type type;

    /** The page the writer puts together. */
    static String page(Consumer<PrometheusText> writer) {
        PrometheusText page = new PrometheusText();
        writer.accept(page);
        return page.toString();
    }

    /** Starts a family: its HELP and TYPE lines. A name may start only one family on a page. */
    PrometheusText family(String name, Type type, String help) {
        if (!METRIC_NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("not a metric name: " + name);
        }
        if (!declared.add(name)) {
            throw new IllegalStateException("metric family declared twice on one page: " + name);
        }
        family = name;
        this.type = type;
        out.append("# HELP ").append(name).append(' ');
        escape(help, false);
        out.append("\n# TYPE ").append(name).append(' ').append(type.text).append('\n');
        return this;
    }

    /** The current family's sample without labels. */
    PrometheusText sample(long value) {
        requirePlain();
        out.append(family).append(' ').append(value).append('\n');
        return this;
    }

    /** The current family's sample for one label value. */
    PrometheusText sample(String label, String labelValue, long value) {
        requirePlain();
        labelled(family, label, labelValue).append(value).append('\n');
        return this;
    }

    /** The current family's sample for one label value. */
    PrometheusText sample(String label, String labelValue, double value) {
        requirePlain();
        number(labelled(family, label, labelValue), value).append('\n');
        return this;
    }

    /**
     * One series of the current histogram family for one label value: cumulative buckets up to each
     * bound and +Inf, then sum and count.
     *
     * @param bucketCounts observations per bucket (not cumulative); the last one is above every bound
     */
    PrometheusText histogram(String label, String labelValue, double[] bounds, long[] bucketCounts, double sum, long count) {
        if (type != Type.HISTOGRAM) {
            throw new IllegalStateException("histogram series outside a histogram family: " + family);
        }
        if (bucketCounts.length != bounds.length + 1) {
            throw new IllegalArgumentException(bounds.length + " bounds need " + (bounds.length + 1) + " bucket counts");
        }
        long cumulative = 0;
        for (int i = 0; i <= bounds.length; i++) {
            cumulative += bucketCounts[i];
            String le = i < bounds.length ? Double.toString(bounds[i]) : "+Inf";
            series(family + "_bucket", label, labelValue, le).append(cumulative).append('\n');
        }
        number(labelled(family + "_sum", label, labelValue), sum).append('\n');
        labelled(family + "_count", label, labelValue).append(count).append('\n');
        return this;
    }

    @Override
    public String toString() {
        return out.toString();
    }

    private void requirePlain() {
        if (family == null) {
            throw new IllegalStateException("a sample before any family");
        }
        if (type == Type.HISTOGRAM) {
            throw new IllegalStateException("a plain sample in histogram family " + family);
        }
    }

    private StringBuilder labelled(String name, String label, String labelValue) {
        return series(name, label, labelValue, null);
    }

    /** Writes {@code name{label="value",le="bound"} } (le only when given) and returns the page to append the value to. */
    private StringBuilder series(String name, String label, String labelValue, String le) {
        if (!LABEL_NAME.matcher(label).matches() || label.startsWith("__") || label.equals("le")) {
            throw new IllegalArgumentException("not a label name here: " + label);
        }
        out.append(name).append('{').append(label).append("=\"");
        escape(labelValue, true);
        out.append('"');
        if (le != null) {
            out.append(",le=\"").append(le).append('"');
        }
        return out.append("} ");
    }

    /** Backslash and newline are escaped in HELP text and label values; a double quote only in label values. */
    private void escape(String text, boolean labelValue) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '"' -> out.append(labelValue ? "\\\"" : "\"");
                default -> out.append(c);
            }
        }
    }

    /** Java's own form for ordinary values (2.25, 1.0E-4: both parse as Prometheus floats); +Inf, -Inf, NaN as the format spells them. */
    private static StringBuilder number(StringBuilder out, double value) {
        if (Double.isNaN(value)) {
            return out.append("NaN");
        }
        if (Double.isInfinite(value)) {
            return out.append(value > 0 ? "+Inf" : "-Inf");
        }
        return out.append(value);
    }
}
