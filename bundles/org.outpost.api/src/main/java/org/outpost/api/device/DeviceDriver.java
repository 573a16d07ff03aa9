package org.outpost.api.device;

import java.util.List;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Talks to one kind of device. Drivers are OSGi services (whiteboard) with the service property
 * {@link #TYPE_PROPERTY} equal to {@link #type()}; a device names its driver by that type in
 * {@link DeviceConfig#DRIVER_PID}. Installing a driver bundle at runtime brings its devices up;
 * removing it marks them Disconnected.
 *
 * <p>Drivers return raw values (what the device holds, e.g. an Integer from a 16-bit register);
 * scale, offset and conversion to the channel's {@link ValueType} are applied by the caller
 * ({@link Values#toChannel}), and undone before a write ({@link Values#toRaw}).
 */
@ConsumerType
public interface DeviceDriver {

    /** Service property with the driver's type, e.g. {@code modbus-tcp}. */
    String TYPE_PROPERTY = "outpost.driver";

    /** The driver's type, e.g. {@code modbus-tcp}, {@code simulated}, {@code linux}, {@code mqtt}. */
    String type();

    /** One line for {@code edge:drivers}. */
    String description();

    /**
     * The driver-specific channel keys that {@code edge:device-add --channel NAME:A:B:C} fills, in
     * order; e.g. Modbus {@code memory.area, start.address, data.type}.
     */
    List<String> channelArguments();

    /**
     * The device-level keys this driver reads (e.g. Modbus {@code host, port, unit.id, timeout}).
     * A device that sets any other key is refused, with these named. Null when the driver does not
     * say (then no key is refused for it).
     *
     * @since 1.2
     */
    default List<String> deviceKeys() {
        return null;
    }

    /**
     * Checks a device's configuration without touching the device: required keys, address ranges,
     * types the driver cannot produce for a channel. Each problem is one readable sentence naming
     * the key (e.g. {@code "temp#start.address: 70000 is not a register address (0..65535)"}).
     *
     * @return the problems; empty when the device can be opened
     */
    List<String> validate(Device device);

    /**
     * Opens a connection to the device. May block for I/O (seconds at most); called off any event
     * loop. A device that cannot be reached now is not an error here if the driver reconnects on
     * its own; reads then come back BAD until it is reachable.
     *
     * @throws DeviceException when the device cannot be opened at all
     */
    DeviceConnection open(Device device) throws DeviceException;
}
