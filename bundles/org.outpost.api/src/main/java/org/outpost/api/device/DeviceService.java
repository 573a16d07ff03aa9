package org.outpost.api.device;

import java.io.Closeable;
import java.util.List;
import java.util.function.Consumer;

import org.osgi.annotation.versioning.ProviderType;

/**
 * The devices of this node: registered on a node that reads devices (the agent role). Devices
 * themselves are added and removed as factory configurations ({@link DeviceConfig#FACTORY_PID}).
 */
@ProviderType
public interface DeviceService {

    /** The factory PID of local rules (one configuration per rule). */
    String RULE_FACTORY_PID = "org.outpost.rule";

    List<DriverInfo> drivers();

    /** Every configured device, by name. */
    List<DeviceState> devices();

    /** The device, or null. */
    DeviceState device(String name);

    /**
     * Checks a device before it is configured: the driver must be installed and accept it.
     *
     * @return the problems, each naming its key; empty when it can be added
     */
    List<String> validate(Device device);

    /**
     * The latest reading of each readable channel, in channel order (BAD "no reading yet" before
     * the first).
     *
     * @throws org.outpost.api.OutpostException NOT_FOUND for an unknown device
     */
    List<Reading> latest(String device);

    /**
     * Reads channels from the device now, on the device's own thread, in the order given (every
     * readable channel when {@code channels} is empty). Values are scaled as in the telemetry; the
     * readings are answered, not recorded. A channel that cannot be read comes back BAD with the reason.
     *
     * @throws org.outpost.api.OutpostException NOT_FOUND for an unknown device or channel,
     *         INVALID_ARGUMENT for a write-only channel, UNAVAILABLE when the device does not answer in time
     */
    List<Reading> read(String device, List<String> channels);

    /**
     * Writes a value the user typed to a channel: parsed as the channel's type, unscaled, written
     * by the driver.
     *
     * @throws org.outpost.api.OutpostException NOT_FOUND (device, channel), INVALID_ARGUMENT (value,
     *         read-only channel), UNAVAILABLE (device not connected or the write failed)
     */
    Reading write(String device, String channel, String value);

    /**
     * Sends every new reading of the device (of one channel when {@code channel} is not null) to the
     * sink until the handle is closed.
     */
    Closeable follow(String device, String channel, Consumer<Reading> sink);

    /** Every rule in force on this node: local ones and those the server pushed. */
    List<Rule> rules();
}
