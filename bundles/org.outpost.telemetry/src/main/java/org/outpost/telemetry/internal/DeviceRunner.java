package org.outpost.telemetry.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

import org.outpost.api.device.Channel;
import org.outpost.api.device.Device;
import org.outpost.api.device.DeviceConnection;
import org.outpost.api.device.DeviceDriver;
import org.outpost.api.device.DeviceException;
import org.outpost.api.device.DeviceState;
import org.outpost.api.device.DeviceStatus;
import org.outpost.api.device.Quality;
import org.outpost.api.device.Reading;
import org.outpost.api.device.Values;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads one device: opens it with its driver on the device's own thread (so a slow device stalls
 * nobody else), polls each group of channels that share an interval at a fixed rate, and skips a
 * tick while the previous read of that group still runs (no pile-up, no drift).
 */
final class DeviceRunner {
    private static final Logger LOG = LoggerFactory.getLogger(DeviceRunner.class);

    private final Device device;
    private final ScheduledExecutorService ticker;
    private final Consumer<Reading> readings;
    private final Runnable changed;
    private final ExecutorService worker;
    private final List<ScheduledFuture<?>> schedules = new ArrayList<>();
    private final AtomicLong count = new AtomicLong();
    private final AtomicLong errors = new AtomicLong();
    private final AtomicLong overruns = new AtomicLong();
    private volatile DeviceDriver driver;
    private volatile DeviceConnection connection;
    private volatile DeviceStatus status;
    private volatile String problem;
    private volatile long lastReadingAt;
    private volatile boolean closed;

    DeviceRunner(Device device, ScheduledExecutorService ticker, Consumer<Reading> readings, Runnable changed) {
        this.device = device;
        this.ticker = ticker;
        this.readings = readings;
        this.changed = changed;
        ThreadPoolExecutor executor = new ThreadPoolExecutor(1, 1, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
                runnable -> {
                    Thread thread = new Thread(runnable, "outpost-device-" + device.name());
                    thread.setDaemon(true);
                    return thread;
                });
        executor.allowCoreThreadTimeOut(true);
        this.worker = executor;
        this.status = DeviceStatus.Disconnected;
        this.problem = "driver " + device.driver() + " is not installed";
    }

    Device device() {
        return device;
    }

    DeviceDriver driver() {
        return driver;
    }

    DeviceState state() {
        return new DeviceState(device, status, problem, lastReadingAt, count.get(), errors.get());
    }

    long overruns() {
        return overruns.get();
    }

    /** Marks the device unusable (bad configuration) without starting anything. */
    void fail(String reason) {
        status = DeviceStatus.Error;
        problem = reason;
        changed.run();
    }

    /** Starts the device with its driver: validate, open, schedule. */
    synchronized void start(DeviceDriver withDriver) {
        if (closed) return;
        stopReading();
        driver = withDriver;
        List<String> problems = DeviceLimits.driverProblems(withDriver, device);
        if (!problems.isEmpty()) {
            fail(String.join("; ", problems));
            return;
        }
        status = DeviceStatus.Connecting;
        problem = "";
        changed.run();
        submit(this::open);
    }

    /** The driver went away: stop reading, keep the device configured. */
    synchronized void driverGone() {
        stopReading();
        driver = null;
        status = DeviceStatus.Disconnected;
        problem = "driver " + device.driver() + " is not installed";
        changed.run();
    }

    synchronized void close() {
        closed = true;
        stopReading();
        worker.shutdown();
    }

    private void stopReading() {
        schedules.forEach(schedule -> schedule.cancel(false));
        schedules.clear();
        DeviceConnection open = connection;
        connection = null;
        if (open != null) submit(open::close);
    }

    private void open() {
        DeviceDriver using = driver;
        if (using == null || closed) return;
        DeviceConnection opened;
        try {
            opened = using.open(device);
        } catch (DeviceException | RuntimeException e) {
            LOG.warn("Device {} cannot be opened by driver {}: {}", device.name(), device.driver(), e.getMessage());
            synchronized (this) {
                if (driver == using && !closed) {
                    setState(DeviceStatus.Error, "cannot open: " + e.getMessage());
                }
            }
            return;
        }
        synchronized (this) {
            if (driver != using || closed) {
                opened.close();
                return;
            }
            connection = opened;
            schedulePolls(opened);
        }
        if (startListening(opened)) {
            settle(opened, opened.connected() ? DeviceStatus.Connected : DeviceStatus.Connecting, "");
        }
    }

    private void schedulePolls(DeviceConnection opened) {
        Map<Long, List<Channel>> byInterval = new TreeMap<>();
        for (Channel channel : device.channels()) {
            if (channel.enabled() && channel.mode().readable() && !channel.listen()) {
                byInterval.computeIfAbsent(channel.pollMillis(), k -> new ArrayList<>()).add(channel);
            }
        }
        for (Map.Entry<Long, List<Channel>> group : byInterval.entrySet()) {
            List<Channel> channels = List.copyOf(group.getValue());
            AtomicBoolean busy = new AtomicBoolean();
            schedules.add(ticker.scheduleAtFixedRate(() -> {
                if (!busy.compareAndSet(false, true)) {
                    overruns.incrementAndGet();
                    return;
                }
                if (!submit(() -> {
                    try {
                        poll(opened, channels);
                    } finally {
                        busy.set(false);
                    }
                })) {
                    busy.set(false);
                }
            }, 0, group.getKey(), TimeUnit.MILLISECONDS));
        }
    }

    /** Returns false when the driver could not listen; the device is then in error. */
    private boolean startListening(DeviceConnection opened) {
        List<Channel> listened = new ArrayList<>();
        for (Channel channel : device.channels()) {
            if (channel.enabled() && channel.mode().readable() && channel.listen()) listened.add(channel);
        }
        if (listened.isEmpty()) return true;
        try {
            opened.listen(listened, raw -> {
                Channel channel = device.channel(raw.channel());
                if (channel != null && connection == opened) taken(channel, raw, opened);
            });
            return true;
        } catch (DeviceException | RuntimeException e) {
            settle(opened, DeviceStatus.Error, "cannot listen: " + e.getMessage());
            return false;
        }
    }

    private void poll(DeviceConnection opened, List<Channel> channels) {
        if (connection != opened) return;
        List<Reading> raw;
        try {
            raw = opened.read(channels);
        } catch (RuntimeException e) {
            long now = System.currentTimeMillis();
            raw = new ArrayList<>(channels.size());
            for (Channel channel : channels) {
                raw.add(Reading.bad(device.name(), channel.name(), now, "driver failed: " + e));
            }
        }
        for (int i = 0; i < raw.size() && i < channels.size(); i++) {
            taken(channels.get(i), raw.get(i), opened);
        }
    }

    private void taken(Channel channel, Reading raw, DeviceConnection opened) {
        Reading reading = Values.toChannel(channel, raw);
        count.incrementAndGet();
        boolean good = reading.quality() != Quality.BAD;
        if (good) {
            lastReadingAt = reading.timestamp();
        } else {
            errors.incrementAndGet();
        }
        readings.accept(reading);
        if (good) {
            settle(opened, DeviceStatus.Connected, "");
        } else if (!opened.connected()) {
            settle(opened, DeviceStatus.Connecting, reading.reason());
        }
    }

    /**
     * Sets the state a connection found, unless the device has moved on from that connection (a
     * read that ends after the driver went away must not mark the device connected again).
     */
    private void settle(DeviceConnection from, DeviceStatus newStatus, String newProblem) {
        if (status == newStatus && problem.equals(newProblem)) {
            return; // the common case, every reading: no lock
        }
        synchronized (this) {
            if (connection == from) {
                setState(newStatus, newProblem);
            }
        }
    }

    private void setState(DeviceStatus newStatus, String newProblem) {
        if (status != newStatus || !problem.equals(newProblem)) {
            status = newStatus;
            problem = newProblem;
            changed.run();
        }
    }

    /** Reads channels on the device's own thread now, waiting for the answer; scaled, not recorded. */
    List<Reading> readNow(List<Channel> channels, long timeoutMillis) throws DeviceException {
        DeviceConnection open = connection;
        if (open == null) {
            long now = System.currentTimeMillis();
            String reason = "device " + device.name() + " is " + status + (problem.isEmpty() ? "" : ": " + problem);
            return channels.stream().map(c -> Reading.bad(device.name(), c.name(), now, reason)).toList();
        }
        java.util.concurrent.CompletableFuture<List<Reading>> done = new java.util.concurrent.CompletableFuture<>();
        if (!submit(() -> {
            try {
                List<Reading> raw = open.read(channels);
                List<Reading> scaled = new ArrayList<>(raw.size());
                for (int i = 0; i < raw.size() && i < channels.size(); i++) {
                    scaled.add(Values.toChannel(channels.get(i), raw.get(i)));
                }
                done.complete(scaled);
            } catch (RuntimeException e) {
                done.completeExceptionally(e);
            }
        })) {
            throw new DeviceException("device " + device.name() + " is being removed");
        }
        try {
            return done.get(timeoutMillis, TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            throw new DeviceException("driver failed: " + e.getCause(), e.getCause());
        } catch (java.util.concurrent.TimeoutException e) {
            throw new DeviceException("device " + device.name() + " did not answer the read within " + timeoutMillis + " ms");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DeviceException("interrupted");
        }
    }

    /** Writes a raw value on the device's own thread, waiting for the answer. */
    void write(Channel channel, Object raw, long timeoutMillis) throws DeviceException {
        DeviceConnection open = connection;
        if (open == null) {
            throw new DeviceException("device " + device.name() + " is " + status + (problem.isEmpty() ? "" : ": " + problem));
        }
        java.util.concurrent.CompletableFuture<Void> done = new java.util.concurrent.CompletableFuture<>();
        if (!submit(() -> {
            try {
                open.write(channel, raw);
                done.complete(null);
            } catch (DeviceException | RuntimeException e) {
                done.completeExceptionally(e);
            }
        })) {
            throw new DeviceException("device " + device.name() + " is being removed");
        }
        try {
            done.get(timeoutMillis, TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            Throwable cause = e.getCause();
            throw cause instanceof DeviceException de ? de : new DeviceException(String.valueOf(cause.getMessage()), cause);
        } catch (java.util.concurrent.TimeoutException e) {
            throw new DeviceException("device " + device.name() + " did not answer the write within " + timeoutMillis + " ms");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DeviceException("interrupted");
        }
    }

    private boolean submit(Runnable task) {
        try {
            worker.execute(task);
            return true;
        } catch (RejectedExecutionException e) {
            return false;
        }
    }
}
