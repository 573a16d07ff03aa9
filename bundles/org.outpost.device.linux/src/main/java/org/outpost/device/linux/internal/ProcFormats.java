package org.outpost.device.linux.internal;

import java.util.HashMap;
import java.util.Map;

/** Parses the text of the few /proc and /sys files the driver reads. */
final class ProcFormats {

    private ProcFormats() {
    }

    /** The 1, 5 and 15 minute load averages from {@code /proc/loadavg} ("0.52 0.58 0.59 1/345 12345"). */
    static double[] loadAverages(String text) {
        String[] fields = text.trim().split("\\s+");
        if (fields.length < 3) throw new IllegalArgumentException("expected three load averages, found '" + text.trim() + "'");
        return new double[] { number(fields[0]), number(fields[1]), number(fields[2]) };
    }

    /** The fields of {@code /proc/meminfo} in bytes ("MemTotal:  16314412 kB" gives MemTotal = 16314412 * 1024). */
    static Map<String, Long> memoryInfo(String text) {
        Map<String, Long> fields = new HashMap<>();
        for (String line : text.split("\n")) {
            int colon = line.indexOf(':');
            if (colon <= 0) continue;
            String[] amount = line.substring(colon + 1).trim().split("\\s+");
            if (amount.length == 0 || amount[0].isEmpty()) continue;
            try {
                long value = Long.parseLong(amount[0]);
                if (amount.length > 1 && amount[1].equalsIgnoreCase("kB")) value *= 1024;
                fields.put(line.substring(0, colon).trim(), value);
            } catch (NumberFormatException e) {
                // a line this driver does not use; the fields it needs are checked by the caller
            }
        }
        return fields;
    }

    /** The seconds since boot from {@code /proc/uptime} ("350735.47 234388.90"). */
    static double uptimeSeconds(String text) {
        String[] fields = text.trim().split("\\s+");
        return number(fields[0]);
    }

    /** The aggregate counters from the first line of {@code /proc/stat} ("cpu  user nice system idle iowait ..."). */
    static CpuTimes cpuTimes(String firstLine) {
        String[] fields = firstLine.trim().split("\\s+");
        if (fields.length < 5 || !fields[0].equals("cpu")) {
            throw new IllegalArgumentException("expected the 'cpu' line, found '" + firstLine.trim() + "'");
        }
        long total = 0;
        long idle = 0;
        // user nice system idle iowait irq softirq steal; guest and guest_nice are part of user and nice
        int counted = Math.min(fields.length, 9);
        for (int i = 1; i < counted; i++) {
            long ticks = Long.parseLong(fields[i]);
            total += ticks;
            if (i == 4 || i == 5) idle += ticks;
        }
        return new CpuTimes(idle, total);
    }

    /** An integer sensor value such as {@code /sys/class/thermal/thermal_zone0/temp} ("45000"). */
    static long sensorValue(String text) {
        try {
            return Long.parseLong(text.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("expected a whole number, found '" + text.trim() + "'");
        }
    }

    private static double number(String field) {
        try {
            return Double.parseDouble(field);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("expected a number, found '" + field + "'");
        }
    }
}
