package org.outpost.api.device;

/** What an edge rule does with a channel's readings. */
public enum RuleKind {
    /** Raises an alert when the value stays above or below a limit for a while; clears past the hysteresis. */
    THRESHOLD,
    /** Forwards a reading only when it differs from the last one forwarded by more than the deadband. */
    DEADBAND,
    /** Forwards the minimum, maximum and average of each window as {@code <channel>.min/.max/.avg}. */
    WINDOW
}
