package org.outpost.telemetry.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.outpost.api.device.Channel;
import org.outpost.api.device.ChannelMode;
import org.outpost.api.device.Device;
import org.outpost.api.device.DeviceConnection;
import org.outpost.api.device.DeviceDriver;
import org.outpost.api.device.DeviceStatus;
import org.outpost.api.device.Quality;
import org.outpost.api.device.Reading;
import org.outpost.api.device.ValueType;

/** The runner's scheduling with a driver that takes as long as the test says (the SPI is Outpost's own). */
class DeviceRunnerTest {

    private final ScheduledThreadPoolExecutor ticker = new ScheduledThreadPoolExecutor(1);
    private final List<DeviceRunner> runners = new ArrayList<>();

    @AfterEach
    void stop() {
        runners.forEach(DeviceRunner::close);
        ticker.shutdownNow();
    }

    private static Device device(String name, long pollMillis, double scale) {
        Channel channel = new Channel("value", ChannelMode.READ_WRITE, ValueType.DOUBLE, scale, 0, "", pollMillis, false, true,
                Map.of());
        return new Device(name, "timed", Map.of(), List.of(channel));
    }

    /** Reads take {@code readMillis}; the value is the number of the read. */
    private static DeviceDriver driver(long readMillis, AtomicInteger reads) {
        return driver(() -> {
            try {
                Thread.sleep(readMillis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, reads);
    }

    /** Every read runs {@code duringRead} first; the value is the number of the read. */
    private static DeviceDriver driver(Runnable duringRead, AtomicInteger reads) {
        return new DeviceDriver() {
            @Override
            public String type() {
                return "timed";
            }

            @Override
            public String description() {
                return "test";
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
                        int n = reads.incrementAndGet();
                        duringRead.run();
                        return channels.stream().map(c -> Reading.good(device.name(), c.name(), System.currentTimeMillis(), n)).toList();
                    }

                    @Override
                    public void write(Channel channel, Object rawValue) {
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
        };
    }

    private DeviceRunner runner(Device device, ConcurrentLinkedQueue<Reading> sink) {
        DeviceRunner runner = new DeviceRunner(device, ticker, sink::add, () -> { });
        runners.add(runner);
        return runner;
    }

    @Test
    void aSlowDeviceSkipsTicksInsteadOfPilingUpAndDoesNotStallAFastOne() throws Exception {
        ConcurrentLinkedQueue<Reading> slowReadings = new ConcurrentLinkedQueue<>();
        ConcurrentLinkedQueue<Reading> fastReadings = new ConcurrentLinkedQueue<>();
        AtomicInteger slowReads = new AtomicInteger();
        AtomicInteger fastReads = new AtomicInteger();
        DeviceRunner slow = runner(device("slow", 50, 1), slowReadings);
        DeviceRunner fast = runner(device("fast", 50, 1), fastReadings);
        slow.start(driver(400, slowReads));
        fast.start(driver(1, fastReads));

        // 4 reads of 400 ms take at least 1.6 s: 32 ticks of 50 ms, of which at most 5 can start a read
        await("four slow reads", () -> slowReads.get() >= 4);
        slow.close();
        fast.close();
        await("the read running at close() delivers", () -> slowReadings.size() == slowReads.get());

        int slowCount = slowReads.get();
        int fastCount = fastReads.get();
        assertTrue(slow.overruns() >= 20, "ticks that find the previous read running are skipped and counted: "
                + slow.overruns() + " for " + slowCount + " reads");
        assertTrue(fastCount >= 3 * slowCount, "the fast device kept its own pace next to the slow one: " + fastCount
                + " reads against " + slowCount);
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(10);
        }
    }

    @Test
    void readingsAreScaledToTheChannelAndTheStateFollows() throws Exception {
        ConcurrentLinkedQueue<Reading> readings = new ConcurrentLinkedQueue<>();
        DeviceRunner runner = runner(device("scaled", 20, 0.5), readings);
        assertEquals(DeviceStatus.Disconnected, runner.state().status());
        runner.start(driver(0, new AtomicInteger()));
        await("three readings", () -> readings.size() >= 3);
        Reading first = readings.peek();
        assertEquals(Quality.GOOD, first.quality());
        assertEquals(ValueType.DOUBLE, first.type());
        assertEquals(0.5, first.value(), "raw 1 × scale 0.5");
        assertEquals(DeviceStatus.Connected, runner.state().status());
        runner.driverGone();
        assertEquals(DeviceStatus.Disconnected, runner.state().status());
        int seen = readings.size();
        Thread.sleep(200);
        assertTrue(readings.size() <= seen + 1, "no reads without a driver");
    }

    @Test
    void aReadThatEndsAfterTheDriverWentAwayDoesNotMarkTheDeviceConnected() throws Exception {
        ConcurrentLinkedQueue<Reading> readings = new ConcurrentLinkedQueue<>();
        CountDownLatch reading = new CountDownLatch(1);
        CountDownLatch finish = new CountDownLatch(1);
        AtomicInteger reads = new AtomicInteger();
        DeviceRunner runner = runner(device("late", 20, 1), readings);
        runner.start(driver(() -> {
            reading.countDown();
            try {
                finish.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, reads));
        assertTrue(reading.await(20, TimeUnit.SECONDS), "a read started");

        runner.driverGone();
        finish.countDown();
        await("the late reading is delivered", () -> readings.size() == 1);

        assertEquals(DeviceStatus.Disconnected, runner.state().status());
        assertEquals("driver timed is not installed", runner.state().problem());
    }

    @Test
    void aConfigurationTheDriverRefusesIsAnError() {
        DeviceDriver picky = new DeviceDriver() {
            @Override
            public String type() {
                return "timed";
            }

            @Override
            public String description() {
                return "";
            }

            @Override
            public List<String> channelArguments() {
                return List.of();
            }

            @Override
            public List<String> validate(Device device) {
                return List.of("host: missing");
            }

            @Override
            public DeviceConnection open(Device device) {
                throw new AssertionError("never opened");
            }
        };
        DeviceRunner runner = runner(device("bad", 100, 1), new ConcurrentLinkedQueue<>());
        runner.start(picky);
        assertEquals(DeviceStatus.Error, runner.state().status());
        assertEquals("host: missing", runner.state().problem());
    }
}
