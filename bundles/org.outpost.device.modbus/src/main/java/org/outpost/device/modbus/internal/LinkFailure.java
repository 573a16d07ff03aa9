package org.outpost.device.modbus.internal;

/**
 * The TCP link to a device failed (refused, timed out, closed, garbled); the link is unusable and
 * gets closed. The message is the reason readings carry, starting with the device's address.
 */
final class LinkFailure extends Exception {
    private static final long serialVersionUID = 1L;

    private final boolean closedByDevice;

    LinkFailure(String reason, boolean closedByDevice) {
        super(reason, null, false, false);
        this.closedByDevice = closedByDevice;
    }

    /**
     * Whether the device (or something between) closed a connection that had been working: worth
     * one immediate retry on a fresh connection, as devices drop idle connections.
     */
    boolean closedByDevice() {
        return closedByDevice;
    }
}
