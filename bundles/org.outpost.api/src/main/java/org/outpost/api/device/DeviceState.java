package org.outpost.api.device;

/**
 * A device and how it fares.
 *
 * @param problem why it is not Connected, or empty
 * @param lastReadingAt ms since the epoch of the last GOOD reading, 0 when none yet
 * @param readings readings taken since the device was (re)configured
 * @param errors BAD readings among them
 */
public record DeviceState(Device device, DeviceStatus status, String problem, long lastReadingAt, long readings,
        long errors) {

    public DeviceState {
        problem = problem == null ? "" : problem;
    }

    public String name() {
        return device.name();
    }
}
