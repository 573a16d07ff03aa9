package org.outpost.api.device;

import java.util.List;

/** A device configuration that cannot be used, with every problem found (each names its key). */
public class InvalidDeviceException extends Exception {
    private static final long serialVersionUID = 1L;

    private final List<String> problems;

    public InvalidDeviceException(String device, List<String> problems) {
        super((device == null ? "device" : "device " + device) + ": " + String.join("; ", problems));
        this.problems = List.copyOf(problems);
    }

    public List<String> problems() {
        return problems;
    }
}
