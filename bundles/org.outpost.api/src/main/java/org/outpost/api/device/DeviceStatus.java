package org.outpost.api.device;

/** Where a device stands, as {@code edge:devices} shows it. */
public enum DeviceStatus {
    /** The driver answers for the device. */
    Connected,
    /** Opened, not answering yet (or reconnecting). */
    Connecting,
    /** Its driver is not installed (any more); readings stop, nothing queued is lost. */
    Disconnected,
    /** The configuration cannot be used; {@link DeviceState#problem()} says why. */
    Error
}
