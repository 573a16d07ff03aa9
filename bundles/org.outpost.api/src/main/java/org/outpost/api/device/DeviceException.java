package org.outpost.api.device;

/** A device could not be reached, read or written; the message says why in words a user understands. */
public class DeviceException extends Exception {
    private static final long serialVersionUID = 1L;

    public DeviceException(String message) {
        super(message);
    }

    public DeviceException(String message, Throwable cause) {
        super(message, cause);
    }
}
