package org.outpost.device.simulated.internal;

/**
 * The shapes a simulated channel can follow. Periodic shapes are functions of the phase, the
 * position in the current period as a fraction in [0, 1), so they are exact for a given time.
 */
enum Signal {
    /** min..max as a sine wave: the midpoint at phase 0, max at 1/4, min at 3/4. */
    SINE,
    /** Rises linearly from min to max over the period, then starts again at min. */
    RAMP,
    /** A uniformly distributed value in [min, max] per read, reproducible from the seed. */
    RANDOM,
    /** min for the first half of the period, max for the second. */
    STEP,
    /** Always {@code value}. */
    CONSTANT;

    static final String NAMES = "sine, ramp, random, step, constant";

    /** The signal named {@code text} (any case), or null. */
    static Signal named(String text) {
        for (Signal signal : values()) {
            if (signal.name().equalsIgnoreCase(text.trim())) return signal;
        }
        return null;
    }

    /** The value of a periodic shape at {@code phase}; RANDOM takes {@code uniform} in [0, 1) instead. */
    double at(double min, double max, double phase, double uniform) {
        return switch (this) {
            case SINE -> min + (max - min) * (1 + Math.sin(2 * Math.PI * phase)) / 2;
            case RAMP -> min + (max - min) * phase;
            case STEP -> phase < 0.5 ? min : max;
            case RANDOM -> min + (max - min) * uniform;
            case CONSTANT -> throw new IllegalStateException("a constant has no shape");
        };
    }
}
