package org.outpost.api.device;

/** How far a reading can be trusted. */
public enum Quality {
    /** Read from the device just now. */
    GOOD,
    /** The read failed; the reading carries the reason and no value. */
    BAD,
    /** A value, but not a fresh one (e.g. the device answered with stale data, or the driver went away). */
    UNCERTAIN
}
