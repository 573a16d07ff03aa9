package org.outpost.bench;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/** Medians and percentiles (nearest rank) of small and large samples. */
final class Stats {
    private Stats() {
    }

    /** The median; for an even count the mean of the two middle values. NaN values are ignored. */
    static double median(List<Double> values) {
        double[] v = values.stream().filter(d -> !Double.isNaN(d)).mapToDouble(Double::doubleValue).sorted().toArray();
        if (v.length == 0) {
            return Double.NaN;
        }
        int mid = v.length / 2;
        return v.length % 2 == 1 ? v[mid] : (v[mid - 1] + v[mid]) / 2;
    }

    /** The nearest-rank percentile p (0 < p ≤ 100) of an already sorted array. */
    static long percentile(long[] sorted, double p) {
        if (sorted.length == 0) {
            return -1;
        }
        int rank = (int) Math.ceil(p / 100.0 * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }

    static long[] sortedCopy(long[] values, int count) {
        long[] copy = Arrays.copyOf(values, count);
        Arrays.sort(copy);
        return copy;
    }

    static String seconds(double s) {
        return Double.isNaN(s) ? "n/a" : String.format(Locale.ROOT, "%.2f s", s);
    }

    /** "a / b / c" of the individual runs, for showing the spread next to a median. */
    static String runs(List<Double> values, String format) {
        return values.stream().map(v -> Double.isNaN(v) ? "failed" : String.format(Locale.ROOT, format, v))
                .collect(Collectors.joining(" / "));
    }
}
