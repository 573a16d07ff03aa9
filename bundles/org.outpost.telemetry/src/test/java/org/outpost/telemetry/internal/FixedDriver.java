package org.outpost.telemetry.internal;

import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;

import org.outpost.api.device.Channel;
import org.outpost.api.device.Device;
import org.outpost.api.device.DeviceConnection;
import org.outpost.api.device.DeviceDriver;
import org.outpost.api.device.Reading;

/** A driver whose devices read {@code value} on every channel and keep what is written to them. */
final class FixedDriver implements DeviceDriver {
    final String type;
    final double value;
    final ConcurrentLinkedQueue<String> written = new ConcurrentLinkedQueue<>();

    FixedDriver(String type, double value) {
        this.type = type;
        this.value = value;
    }

    @Override
    public String type() {
        return type;
    }

    @Override
    public String description() {
        return "reads " + value;
    }

    @Override
    public List<String> channelArguments() {
        return List.of();
    }

    @Override
    public List<String> validate(Device device) {
        return List.of();
    }

    @Override
    public DeviceConnection open(Device device) {
        return new DeviceConnection() {
            @Override
            public List<Reading> read(List<Channel> channels) {
                return channels.stream().map(c -> Reading.good(device.name(), c.name(), System.currentTimeMillis(), value)).toList();
            }

            @Override
            public void write(Channel channel, Object rawValue) {
                written.add(device.name() + "/" + channel.name() + "=" + rawValue);
            }

            @Override
            public boolean connected() {
                return true;
            }

            @Override
            public void close() {
            }
        };
    }
}
