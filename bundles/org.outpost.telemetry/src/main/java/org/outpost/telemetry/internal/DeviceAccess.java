package org.outpost.telemetry.internal;

import java.util.ArrayList;
import java.util.List;

import org.outpost.api.ErrorCode;
import org.outpost.api.OutpostException;
import org.outpost.api.device.Channel;
import org.outpost.api.device.DeviceException;
import org.outpost.api.device.Quality;
import org.outpost.api.device.Reading;
import org.outpost.api.device.Values;

/** Reads and writes a user asks for, checked against the device's channels before the device is touched. */
final class DeviceAccess {

    private DeviceAccess() {
    }

    /** Reads the named channels now (every readable one when none is named). */
    static List<Reading> read(DeviceRunner runner, List<String> channelNames, long timeoutMillis) {
        String device = runner.device().name();
        List<Channel> channels = new ArrayList<>();
        if (channelNames.isEmpty()) {
            runner.device().channels().stream().filter(c -> c.mode().readable()).forEach(channels::add);
        }
        for (String name : channelNames) {
            Channel channel = runner.device().channel(name);
            if (channel == null) {
                throw new OutpostException(ErrorCode.NOT_FOUND, "device " + device + " has no channel " + name);
            }
            if (!channel.mode().readable()) {
                throw new OutpostException(ErrorCode.INVALID_ARGUMENT, "channel " + name + " of " + device + " is write-only");
            }
            channels.add(channel);
        }
        try {
            return runner.readNow(channels, timeoutMillis);
        } catch (DeviceException e) {
            throw new OutpostException(ErrorCode.UNAVAILABLE, "read of " + device + " failed: " + e.getMessage());
        }
    }

    /** Writes a value as the user typed it: parsed as the channel's type, unscaled, written by the driver. */
    static Reading write(DeviceRunner runner, String channelName, String value, long timeoutMillis) {
        String device = runner.device().name();
        Channel channel = runner.device().channel(channelName);
        if (channel == null) {
            throw new OutpostException(ErrorCode.NOT_FOUND, "device " + device + " has no channel " + channelName);
        }
        if (!channel.mode().writable()) {
            throw new OutpostException(ErrorCode.INVALID_ARGUMENT, "channel " + channelName + " of " + device + " is read-only ("
                    + channel.mode() + ")");
        }
        Object parsed;
        Object raw;
        try {
            parsed = Values.parse(channel.valueType(), value);
            raw = Values.toRaw(channel, parsed);
        } catch (IllegalArgumentException e) {
            throw new OutpostException(ErrorCode.INVALID_ARGUMENT, "channel " + channelName + ": " + e.getMessage());
        }
        try {
            runner.write(channel, raw, timeoutMillis);
        } catch (DeviceException e) {
            throw new OutpostException(ErrorCode.UNAVAILABLE, "write to " + device + "/" + channelName + " failed: " + e.getMessage());
        }
        return new Reading(device, channelName, System.currentTimeMillis(), channel.valueType(), parsed, Quality.GOOD, "");
    }
}
