package org.outpost.device.linux.internal;

import java.io.IOException;

/** A configured source this machine does not have (no such sensor, zone or file). */
final class SourceMissingException extends IOException {
    private static final long serialVersionUID = 1L;

    /** @param what the file, directory or sensor that is missing, e.g. {@code /sys/class/thermal/thermal_zone3} */
    SourceMissingException(String what) {
        super("no " + what + " on this machine");
    }
}
