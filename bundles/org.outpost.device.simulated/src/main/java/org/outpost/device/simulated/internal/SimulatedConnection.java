package org.outpost.device.simulated.internal;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import org.outpost.api.device.Channel;
import org.outpost.api.device.Device;
import org.outpost.api.device.DeviceConnection;
import org.outpost.api.device.DeviceException;
import org.outpost.api.device.Reading;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** An open simulated device: computes readings from the clock and keeps written values. */
final class SimulatedConnection implements DeviceConnection {

    private static final Logger LOG = LoggerFactory.getLogger(SimulatedConnection.class);

    private final String device;
    private final long seed;
    private final Clock clock;
    private final Map<String, SimulatedChannel> channels = new ConcurrentHashMap<>();
    private ScheduledExecutorService listener;
    private volatile boolean closed;

    SimulatedConnection(Device device, long seed, Clock clock) {
        this.device = device.name();
        this.seed = seed;
        this.clock = clock;
        for (Channel channel : device.channels()) {
            SimulatedChannel state = create(channel);
            if (state != null) channels.put(channel.name(), state);
        }
    }

    @Override
    public List<Reading> read(List<Channel> requested) {
        long now = clock.millis();
        List<Reading> readings = new ArrayList<>(requested.size());
        for (Channel channel : requested) {
            readings.add(readOne(channel, now));
        }
        return readings;
    }

    private Reading readOne(Channel channel, long now) {
        SimulatedChannel state = channel(channel);
        if (state == null) return Reading.bad(device, channel.name(), now, String.join("; ", problems(channel)));
        return state.read(now);
    }

    @Override
    public void write(Channel channel, Object rawValue) throws DeviceException {
        if (!channel.mode().writable()) {
            throw new DeviceException("channel " + channel.name() + " of " + device + " is read-only");
        }
        if (rawValue == null) throw new DeviceException("channel " + channel.name() + " of " + device + " needs a value");
        SimulatedChannel state = channel(channel);
        if (state == null) throw new DeviceException(String.join("; ", problems(channel)));
        state.write(rawValue);
    }

    @Override
    public synchronized void listen(List<Channel> listened, Consumer<Reading> sink) throws DeviceException {
        if (closed) throw new DeviceException("the connection to " + device + " is closed");
        List<SimulatedChannel> states = new ArrayList<>(listened.size());
        for (Channel channel : listened) {
            SimulatedChannel state = channel(channel);
            if (state == null) throw new DeviceException(String.join("; ", problems(channel)));
            states.add(state);
        }
        if (listener == null) {
            listener = Executors.newSingleThreadScheduledExecutor(task -> {
                Thread thread = new Thread(task, "outpost-simulated-" + device);
                thread.setDaemon(true);
                return thread;
            });
        }
        try {
            for (SimulatedChannel state : states) {
                long interval = state.settings().listenIntervalMillis();
                listener.scheduleAtFixedRate(() -> deliver(state, sink), 0, interval, TimeUnit.MILLISECONDS);
            }
        } catch (RejectedExecutionException e) {
            throw new DeviceException("the connection to " + device + " is closed");
        }
    }

    private void deliver(SimulatedChannel state, Consumer<Reading> sink) {
        try {
            sink.accept(state.read(clock.millis()));
        } catch (RuntimeException e) {
            // A failing sink must not cancel the schedule; the next reading tries again.
            LOG.warn("Device {}: a reading could not be delivered: {}", device, e.toString());
        }
    }

    @Override
    public boolean connected() {
        return !closed;
    }

    @Override
    public synchronized void close() {
        closed = true;
        if (listener != null) {
            listener.shutdownNow();
            listener = null;
        }
    }

    /** The state of a channel, created on first use for channels the device did not list when opened. */
    private SimulatedChannel channel(Channel channel) {
        SimulatedChannel state = channels.get(channel.name());
        if (state != null) return state;
        state = create(channel);
        if (state == null) return null;
        SimulatedChannel earlier = channels.putIfAbsent(channel.name(), state);
        return earlier != null ? earlier : state;
    }

    private SimulatedChannel create(Channel channel) {
        SignalSettings settings = SignalSettings.parse(channel, new ArrayList<>());
        return settings == null ? null : new SimulatedChannel(device, channel.name(), channel.valueType(), settings, seed);
    }

    private static List<String> problems(Channel channel) {
        List<String> problems = new ArrayList<>();
        SignalSettings.parse(channel, problems);
        return problems;
    }
}
