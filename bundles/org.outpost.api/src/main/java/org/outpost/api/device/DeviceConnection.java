package org.outpost.api.device;

import java.util.List;
import java.util.function.Consumer;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * An open connection to one device. Calls for one device never overlap (the caller serialises
 * them); they may block on I/O.
 */
@ConsumerType
public interface DeviceConnection extends AutoCloseable {

    /**
     * Reads the channels, one reading per channel in the same order, with raw values. A channel
     * that cannot be read comes back as a {@link Quality#BAD} reading with the reason; the call
     * itself does not throw for a device that is unreachable.
     */
    List<Reading> read(List<Channel> channels);

    /**
     * Writes a raw value (already unscaled and of the channel's raw type).
     *
     * @throws DeviceException when the device refused or could not be reached
     */
    void write(Channel channel, Object rawValue) throws DeviceException;

    /**
     * Delivers readings of {@code listen} channels as the device sends them, until
     * {@link #close()}. The sink may be called from the driver's own threads.
     *
     * @throws DeviceException when the driver cannot listen (e.g. does not support it)
     */
    default void listen(List<Channel> channels, Consumer<Reading> sink) throws DeviceException {
        throw new DeviceException("the driver cannot listen; give the channels a poll interval instead");
    }

    /** Whether the device answers now (as far as the driver knows). */
    boolean connected();

    /** Closes the connection; never throws. */
    @Override
    void close();
}
