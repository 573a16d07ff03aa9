package org.outpost.telemetry.internal;

import java.io.Closeable;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

import org.outpost.api.device.Channel;
import org.outpost.api.device.Device;
import org.outpost.api.device.Reading;

/**
 * The newest reading of every channel (also of aggregates, which are channels the device does not
 * have), and the followers that see each reading as it comes ({@code edge:device-watch}).
 */
final class LatestReadings {

    private final Map<String, Reading> latest = new ConcurrentHashMap<>();
    private final List<Follower> followers = new CopyOnWriteArrayList<>();

    void remember(Reading reading) {
        latest.put(key(reading.device(), reading.channel()), reading);
        for (Follower follower : followers) {
            if (follower.device.equals(reading.device()) && (follower.channel == null || follower.channel.equals(reading.channel()))) {
                try {
                    follower.sink.accept(reading);
                } catch (RuntimeException e) {
                    followers.remove(follower); // a follower that fails has gone away
                }
            }
        }
    }

    /** Forgets a device's readings (it was removed, or its configuration replaced). */
    void forget(String device) {
        latest.keySet().removeIf(key -> key.startsWith(device + "/"));
    }

    /**
     * The newest reading of each readable channel in channel order (a bad one saying so where none
     * came yet), then those of channels the device does not have (aggregates).
     */
    List<Reading> of(Device device, long now) {
        List<Reading> list = new ArrayList<>();
        for (Channel channel : device.channels()) {
            if (!channel.mode().readable()) continue;
            Reading reading = latest.get(key(device.name(), channel.name()));
            list.add(reading != null ? reading : Reading.bad(device.name(), channel.name(), now, "no reading yet"));
        }
        for (Reading reading : latest.values()) {
            if (reading.device().equals(device.name()) && device.channel(reading.channel()) == null) list.add(reading);
        }
        return list;
    }

    /** @param channel null for every channel of the device */
    Closeable follow(String device, String channel, Consumer<Reading> sink) {
        Follower follower = new Follower(device, channel, sink);
        followers.add(follower);
        return () -> followers.remove(follower);
    }

    private static String key(String device, String channel) {
        return device + "/" + channel;
    }

    private record Follower(String device, String channel, Consumer<Reading> sink) {
    }
}
