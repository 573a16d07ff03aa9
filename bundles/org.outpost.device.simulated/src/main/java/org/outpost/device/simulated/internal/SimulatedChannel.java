package org.outpost.device.simulated.internal;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicLong;

import org.outpost.api.device.Reading;
import org.outpost.api.device.ValueType;
import org.outpost.api.device.Values;

/**
 * One channel of an open simulated device: its signal, how often it was read and the value last
 * written to it. Reads may come from the poller and the listen scheduler at once, hence the atomics.
 */
final class SimulatedChannel {

    static final String FAILURE = "simulated failure";
    static final String NOTHING_WRITTEN = "nothing written yet";

    private final String device;
    private final String name;
    private final ValueType type;
    private final SignalSettings settings;
    private final long randomKey;
    private final AtomicLong reads = new AtomicLong();
    private volatile Object written;

    SimulatedChannel(String device, String name, ValueType type, SignalSettings settings, long seed) {
        this.device = device;
        this.name = name;
        this.type = type;
        this.settings = settings;
        this.randomKey = mix(seed ^ mix(nameHash(name)));
    }

    SignalSettings settings() {
        return settings;
    }

    /** The next reading at {@code now}; each call is one read (it advances the random sequence). */
    Reading read(long now) {
        long index = reads.getAndIncrement();
        if (settings.failEvery() > 0 && (index + 1) % settings.failEvery() == 0) {
            return Reading.bad(device, name, now, FAILURE);
        }
        Object value = written;
        if (value != null) return Reading.good(device, name, now, value);
        if (settings.signal() == null) return Reading.bad(device, name, now, NOTHING_WRITTEN);
        return Reading.good(device, name, now, value(now, index));
    }

    void write(Object rawValue) {
        written = rawValue;
    }

    private Object value(long now, long index) {
        Signal signal = settings.signal();
        if (signal == Signal.CONSTANT) {
            String text = settings.constant();
            return switch (type) {
                case STRING -> text;
                case BOOLEAN -> Values.parse(ValueType.BOOLEAN, text);
                default -> Double.parseDouble(text.trim());
            };
        }
        double phase = (double) Math.floorMod(now, settings.periodMillis()) / settings.periodMillis();
        double number = signal.at(settings.min(), settings.max(), phase, signal == Signal.RANDOM ? uniform(index) : 0);
        return switch (type) {
            case BOOLEAN -> signal == Signal.STEP ? phase >= 0.5 : number > (settings.min() + settings.max()) / 2;
            case STRING -> Values.format(number);
            default -> number;
        };
    }

    /** A uniform double in [0, 1) that depends only on the seed, the channel name and the read index. */
    double uniform(long index) {
        return (mix(randomKey + (index + 1) * 0x9E3779B97F4A7C15L) >>> 11) * 0x1.0p-53;
    }

    /** A 64-bit finaliser that spreads every input bit over the output (the SplitMix64 mix). */
    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** FNV-1a over the name's UTF-8 bytes: stable across JVMs, unlike identity hashes. */
    private static long nameHash(String name) {
        long hash = 0xCBF29CE484222325L;
        for (byte b : name.getBytes(StandardCharsets.UTF_8)) {
            hash ^= b & 0xFF;
            hash *= 0x100000001B3L;
        }
        return hash;
    }
}
