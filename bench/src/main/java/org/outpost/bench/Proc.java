package org.outpost.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;

/** What Linux reports about a process under /proc, plus the JVM's GC counters through jstat. */
final class Proc {
    private static volatile long clockTicks;

    private Proc() {
    }

    /** A field of /proc/PID/status in kB (VmRSS, VmHWM, ...), or empty when the process is gone. */
    static OptionalLong statusKb(long pid, String field) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", String.valueOf(pid), "status"), StandardCharsets.US_ASCII)) {
                if (line.startsWith(field + ":")) {
                    String[] parts = line.substring(field.length() + 1).trim().split("\\s+");
                    return OptionalLong.of(Long.parseLong(parts[0]));
                }
            }
        } catch (IOException | RuntimeException e) {
            // process gone
        }
        return OptionalLong.empty();
    }

    /** Resident set size in MiB (VmRSS), or NaN when the process is gone. */
    static double rssMiB(long pid) {
        OptionalLong kb = statusKb(pid, "VmRSS");
        return kb.isPresent() ? kb.getAsLong() / 1024.0 : Double.NaN;
    }

    /** Peak resident set size in MiB (VmHWM), or NaN. */
    static double peakRssMiB(long pid) {
        OptionalLong kb = statusKb(pid, "VmHWM");
        return kb.isPresent() ? kb.getAsLong() / 1024.0 : Double.NaN;
    }

    /** utime + stime of the process (all its threads) in clock ticks from /proc/PID/stat, or -1. */
    static long cpuTicks(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", String.valueOf(pid), "stat"), StandardCharsets.US_ASCII);
            // The command name (field 2) is in parentheses and may contain spaces: split after the last ')'.
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).trim().split("\\s+");
            // f[0] is field 3 (state); utime is field 14, stime field 15.
            return Long.parseLong(f[11]) + Long.parseLong(f[12]);
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /** Clock ticks per second (getconf CLK_TCK; 100 on practically every Linux). */
    static long clockTicksPerSecond() {
        if (clockTicks == 0) {
            long ticks = 100;
            try {
                Process p = new ProcessBuilder("getconf", "CLK_TCK").redirectErrorStream(true).start();
                String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).trim();
                if (p.waitFor(5, TimeUnit.SECONDS) && out.matches("\\d+")) {
                    ticks = Long.parseLong(out);
                }
            } catch (IOException | InterruptedException e) {
                // keep 100
            }
            clockTicks = ticks;
        }
        return clockTicks;
    }

    /** CPU seconds used by the process so far, or NaN. */
    static double cpuSeconds(long pid) {
        long ticks = cpuTicks(pid);
        return ticks < 0 ? Double.NaN : ticks / (double) clockTicksPerSecond();
    }

    static String commandLine(long pid) {
        try {
            byte[] raw = Files.readAllBytes(Path.of("/proc", String.valueOf(pid), "cmdline"));
            return new String(raw, StandardCharsets.UTF_8).replace('\0', ' ').trim();
        } catch (IOException e) {
            return "";
        }
    }

    /** The 1-minute load average. */
    static double loadAverage() {
        try {
            return Double.parseDouble(Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+")[0]);
        } catch (IOException | RuntimeException e) {
            return Double.NaN;
        }
    }

    /**
     * CPU milliseconds used so far by each group of a JVM's threads, from {@code jcmd PID
     * Thread.print} (which names threads in full, unlike /proc's 15-character comm); threads are
     * grouped by name without trailing numbers ("outpost-https-io-3-1" → "outpost-https-io").
     * Taking the dump stops the JVM briefly, so call it outside a latency measurement.
     */
    static Map<String, Double> threadCpuMillis(long pid) {
        Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        if (!Files.isExecutable(jcmd)) {
            return Map.of();
        }
        try {
            Process p = new ProcessBuilder(jcmd.toString(), String.valueOf(pid), "Thread.print").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(20, TimeUnit.SECONDS) || p.exitValue() != 0) {
                p.destroy();
                return Map.of();
            }
            Map<String, Double> groups = new LinkedHashMap<>();
            java.util.regex.Pattern cpu = java.util.regex.Pattern.compile(" cpu=([0-9.]+)ms ");
            for (String line : out.split("\n")) {
                if (!line.startsWith("\"")) {
                    continue;
                }
                int end = line.indexOf('"', 1);
                java.util.regex.Matcher m = cpu.matcher(line);
                if (end < 0 || !m.find()) {
                    continue;
                }
                String group = line.substring(1, end).replaceAll("([-#]\\d+)+$", "").replaceAll("\\d+$", "");
                groups.merge(group, Double.parseDouble(m.group(1)), Double::sum);
            }
            return groups;
        } catch (IOException | RuntimeException e) {
            return Map.of();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Map.of();
        }
    }

    /**
     * GC counters of a HotSpot JVM from {@code jstat -gcutil}: YGC, YGCT, FGC, FGCT, GCT (seconds),
     * and O (old generation occupancy, %). Empty if jstat is missing or cannot attach.
     */
    static Map<String, Double> gc(long pid) {
        Path jstat = Path.of(System.getProperty("java.home"), "bin", "jstat");
        if (!Files.isExecutable(jstat)) {
            return Map.of();
        }
        try {
            Process p = new ProcessBuilder(jstat.toString(), "-gcutil", String.valueOf(pid)).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
            if (!p.waitFor(10, TimeUnit.SECONDS) || p.exitValue() != 0) {
                p.destroy();
                return Map.of();
            }
            List<String> lines = new ArrayList<>(Arrays.asList(out.trim().split("\n")));
            if (lines.size() < 2) {
                return Map.of();
            }
            String[] header = lines.get(0).trim().split("\\s+");
            String[] values = lines.get(1).trim().split("\\s+");
            Map<String, Double> gc = new LinkedHashMap<>();
            for (int i = 0; i < header.length && i < values.length; i++) {
                try {
                    gc.put(header[i], Double.parseDouble(values[i]));
                } catch (NumberFormatException e) {
                    // "-" for a space the collector does not have
                }
            }
            return gc;
        } catch (IOException e) {
            return Map.of();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Map.of();
        }
    }
}
