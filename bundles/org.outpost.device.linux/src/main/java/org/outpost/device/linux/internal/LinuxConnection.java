package org.outpost.device.linux.internal;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.outpost.api.device.Channel;
import org.outpost.api.device.DeviceConnection;
import org.outpost.api.device.DeviceException;
import org.outpost.api.device.Quality;
import org.outpost.api.device.Reading;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The host itself as a device: every read samples /proc and /sys afresh. */
final class LinuxConnection implements DeviceConnection {

    private static final Logger LOG = LoggerFactory.getLogger(LinuxConnection.class);

    private final String device;
    private final HostFiles files;
    private final Map<String, HostSource> sources = new HashMap<>();
    private final Set<String> failing = new HashSet<>();
    private volatile boolean closed;

    LinuxConnection(String device, HostFiles files) {
        this.device = device;
        this.files = files;
        files.startCpuSampling();
    }

    @Override
    public synchronized List<Reading> read(List<Channel> channels) {
        HostSample sample = new HostSample(files);
        List<Reading> readings = new ArrayList<>(channels.size());
        for (Channel channel : channels) {
            readings.add(read(channel, sample));
        }
        return readings;
    }

    private Reading read(Channel channel, HostSample sample) {
        long now = System.currentTimeMillis();
        HostSource source = sources.get(channel.name());
        if (source == null) {
            List<String> problems = new ArrayList<>();
            source = HostSources.forChannel(channel, problems);
            if (source == null) return Reading.bad(device, channel.name(), now, String.join("; ", problems));
            sources.put(channel.name(), source);
        }
        Reading reading;
        try {
            reading = Reading.good(device, channel.name(), now, source.read(sample));
        } catch (SourceMissingException e) {
            reading = Reading.bad(device, channel.name(), now, e.getMessage());
        } catch (IOException | RuntimeException e) {
            reading = Reading.bad(device, channel.name(), now, "cannot read " + channel.driverValue(HostSources.SOURCE, "")
                    + ": " + (e.getMessage() == null ? e.toString() : e.getMessage()));
        }
        reportChange(reading);
        return reading;
    }

    /** One log line when a channel starts failing and one when it reads again, not one per read. */
    private void reportChange(Reading reading) {
        if (reading.quality() == Quality.BAD) {
            if (failing.add(reading.channel())) {
                LOG.warn("Device {}: channel {} cannot be read: {}", device, reading.channel(), reading.reason());
            }
        } else if (failing.remove(reading.channel())) {
            LOG.info("Device {}: channel {} reads again", device, reading.channel());
        }
    }

    @Override
    public void write(Channel channel, Object rawValue) throws DeviceException {
        throw new DeviceException("channel " + channel.name() + " of " + device + " is read-only: the linux driver only reads");
    }

    @Override
    public boolean connected() {
        return !closed;
    }

    @Override
    public void close() {
        closed = true;
    }
}
