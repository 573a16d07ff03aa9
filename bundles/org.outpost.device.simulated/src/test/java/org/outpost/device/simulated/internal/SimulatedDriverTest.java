package org.outpost.device.simulated.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.Test;
import org.outpost.api.device.Device;
import org.outpost.api.device.DeviceConfig;
import org.outpost.api.device.DeviceConnection;
import org.outpost.api.device.DeviceDriver;
import org.outpost.api.device.DeviceException;
import org.outpost.api.device.InvalidDeviceException;
import org.outpost.api.device.Quality;
import org.outpost.api.device.Reading;
import org.outpost.api.device.ValueType;
import org.outpost.api.device.Values;

class SimulatedDriverTest {

    /** A whole number of minutes since the epoch: phase 0 of a 60 s period. */
    private static final long T0 = 1_700_000_040_000L;

    private final MutableClock clock = new MutableClock(T0);
    private final SimulatedDriver driver = new SimulatedDriver(clock);

    @Test
    void describesItself() throws IOException {
        assertEquals("simulated", driver.type());
        assertEquals(List.of("signal"), driver.channelArguments());
        assertFalse(driver.description().isBlank());
        String component = componentXml("org.outpost.device.simulated.internal.SimulatedDriver");
        assertTrue(component.contains("name=\"" + DeviceDriver.TYPE_PROPERTY + "\""), component);
        assertTrue(component.contains("value=\"simulated\""), component);
        assertTrue(component.contains("interface=\"org.outpost.api.device.DeviceDriver\""), component);
    }

    @Test
    void sineGoesFromMinToMaxOverThePeriod() throws Exception {
        Device device = device("t#signal=sine", "t#min=10", "t#max=30", "t#period=60s");
        try (DeviceConnection connection = driver.open(device)) {
            assertEquals(20.0, valueAt(connection, device, "t", T0), 1e-9);
            assertEquals(30.0, valueAt(connection, device, "t", T0 + 15_000), 1e-9);
            assertEquals(20.0, valueAt(connection, device, "t", T0 + 30_000), 1e-9);
            assertEquals(10.0, valueAt(connection, device, "t", T0 + 45_000), 1e-9);
            assertEquals(20.0 + 10.0 * Math.sin(2 * Math.PI * 5 / 60), valueAt(connection, device, "t", T0 + 65_000), 1e-9);
        }
    }

    @Test
    void rampRisesOverThePeriodThenStartsAgain() throws Exception {
        Device device = device("r#signal=ramp", "r#min=-5", "r#max=5", "r#period=10s");
        try (DeviceConnection connection = driver.open(device)) {
            assertEquals(-5.0, valueAt(connection, device, "r", T0), 1e-9);
            assertEquals(0.0, valueAt(connection, device, "r", T0 + 5_000), 1e-9);
            assertEquals(4.0, valueAt(connection, device, "r", T0 + 9_000), 1e-9);
            assertEquals(-5.0, valueAt(connection, device, "r", T0 + 10_000), 1e-9);
            assertEquals(-4.0, valueAt(connection, device, "r", T0 + 11_000), 1e-9);
        }
    }

    @Test
    void stepAlternatesEveryHalfPeriodAndGivesBooleansToBooleanChannels() throws Exception {
        Device device = device("s#signal=step", "s#min=1", "s#max=7", "s#period=2s",
                "b#signal=step", "b#period=2s", "b#+value.type=BOOLEAN");
        try (DeviceConnection connection = driver.open(device)) {
            assertEquals(1.0, valueAt(connection, device, "s", T0), 0);
            assertEquals(1.0, valueAt(connection, device, "s", T0 + 999), 0);
            assertEquals(7.0, valueAt(connection, device, "s", T0 + 1_000), 0);
            assertEquals(1.0, valueAt(connection, device, "s", T0 + 2_000), 0);
            assertEquals(false, read(connection, device, "b", T0 + 500).value());
            assertEquals(true, read(connection, device, "b", T0 + 1_500).value());
            Reading typed = Values.toChannel(device.channel("b"), read(connection, device, "b", T0 + 1_500));
            assertEquals(ValueType.BOOLEAN, typed.type());
        }
    }

    @Test
    void randomIsUniformInRangeAndTheSameSeedGivesTheSameSequence() throws Exception {
        Device first = device("seed=7", "x#signal=random", "x#min=2", "x#max=4", "y#signal=random", "y#min=2", "y#max=4");
        Device again = device("seed=7", "x#signal=random", "x#min=2", "x#max=4");
        Device other = device("seed=8", "x#signal=random", "x#min=2", "x#max=4");
        List<Double> xs = new ArrayList<>();
        List<Double> ys = new ArrayList<>();
        double sum = 0;
        int n = 20_000;
        try (DeviceConnection connection = driver.open(first)) {
            for (int i = 0; i < n; i++) {
                double x = (Double) read(connection, first, "x", T0).value();
                assertTrue(x >= 2 && x <= 4, "out of range: " + x);
                xs.add(x);
                sum += x;
                if (i < 100) ys.add((Double) read(connection, first, "y", T0).value());
            }
        }
        assertEquals(3.0, sum / n, 0.02, "the mean of a uniform [2,4] is 3");
        long lowerQuarter = xs.stream().filter(x -> x < 2.5).count();
        assertEquals(0.25, (double) lowerQuarter / n, 0.02, "a quarter of the values fall in [2, 2.5)");
        assertNotEquals(xs.subList(0, 100), ys, "each channel has its own sequence");

        List<Double> repeated = new ArrayList<>();
        List<Double> reseeded = new ArrayList<>();
        try (DeviceConnection connection = driver.open(again); DeviceConnection otherConnection = driver.open(other)) {
            for (int i = 0; i < 100; i++) {
                clock.set(T0 + i * 1_234L); // the sequence depends on the read index, not on time
                repeated.add((Double) read(connection, again, "x", clock.millis()).value());
                reseeded.add((Double) read(otherConnection, other, "x", clock.millis()).value());
            }
        }
        assertEquals(xs.subList(0, 100), repeated);
        assertNotEquals(xs.subList(0, 100), reseeded);
    }

    @Test
    void defaultSeedIs42() throws Exception {
        Device implicit = device("x#signal=random");
        Device explicit = device("seed=42", "x#signal=random");
        try (DeviceConnection a = driver.open(implicit); DeviceConnection b = driver.open(explicit)) {
            for (int i = 0; i < 10; i++) {
                assertEquals(read(a, implicit, "x", T0).value(), read(b, explicit, "x", T0).value());
            }
        }
    }

    @Test
    void constantAndStringChannels() throws Exception {
        Device device = device("c#signal=constant", "c#value=21.5",
                "label#signal=constant", "label#value=hello world", "label#+value.type=STRING",
                "text#signal=ramp", "text#max=10", "text#period=10s", "text#+value.type=STRING",
                "flag#signal=constant", "flag#value=on", "flag#+value.type=BOOLEAN");
        try (DeviceConnection connection = driver.open(device)) {
            assertEquals(21.5, read(connection, device, "c", T0).value());
            assertEquals(21.5, read(connection, device, "c", T0 + 12_345).value());
            assertEquals("hello world", read(connection, device, "label", T0).value());
            assertEquals("2.5", read(connection, device, "text", T0 + 2_500).value());
            assertEquals(true, read(connection, device, "flag", T0).value());
        }
    }

    @Test
    void writesAreReadBackUntilTheNextWrite() throws Exception {
        Device device = device("valve#signal=constant", "valve#value=0", "valve#+type=READ_WRITE",
                "relay#+type=WRITE", "relay#+value.type=BOOLEAN", "temp#signal=sine");
        try (DeviceConnection connection = driver.open(device)) {
            assertEquals(0.0, read(connection, device, "valve", T0).value());
            connection.write(device.channel("valve"), 42.0);
            assertEquals(42.0, read(connection, device, "valve", T0).value());
            assertEquals(42.0, read(connection, device, "valve", T0 + 99_000).value());
            connection.write(device.channel("valve"), 7.0);
            assertEquals(7.0, read(connection, device, "valve", T0).value());

            Reading unwritten = read(connection, device, "relay", T0);
            assertEquals(Quality.BAD, unwritten.quality());
            assertEquals("nothing written yet", unwritten.reason());
            connection.write(device.channel("relay"), Boolean.TRUE);
            assertEquals(true, read(connection, device, "relay", T0).value());

            DeviceException readOnly = assertThrows(DeviceException.class, () -> connection.write(device.channel("temp"), 1.0));
            assertTrue(readOnly.getMessage().contains("temp"), readOnly.getMessage());
            assertTrue(readOnly.getMessage().contains("read-only"), readOnly.getMessage());
        }
    }

    @Test
    void everyNthReadFailsWhenAsked() throws Exception {
        Device device = device("f#signal=constant", "f#value=1", "f#fail.every=3");
        try (DeviceConnection connection = driver.open(device)) {
            List<Quality> qualities = new ArrayList<>();
            for (int i = 0; i < 7; i++) {
                Reading reading = read(connection, device, "f", T0);
                qualities.add(reading.quality());
                if (reading.quality() == Quality.BAD) assertEquals("simulated failure", reading.reason());
            }
            assertEquals(List.of(Quality.GOOD, Quality.GOOD, Quality.BAD, Quality.GOOD, Quality.GOOD, Quality.BAD,
                    Quality.GOOD), qualities);
        }
    }

    @Test
    void readsManyChannelsInOrder() throws Exception {
        Device device = device("a#signal=constant", "a#value=1", "b#signal=constant", "b#value=2", "c#signal=step");
        try (DeviceConnection connection = driver.open(device)) {
            List<Reading> readings = connection.read(List.of(device.channel("c"), device.channel("a"), device.channel("b")));
            assertEquals(List.of("c", "a", "b"), readings.stream().map(Reading::channel).toList());
            assertEquals(List.of(0.0, 1.0, 2.0), readings.stream().map(Reading::value).toList());
            assertTrue(readings.stream().allMatch(r -> r.timestamp() == T0 && r.device().equals("sim")));
        }
    }

    @Test
    void listenDeliversEveryTenthOfThePeriodUntilClosed() throws Exception {
        Device device = device("fast#signal=ramp", "fast#period=1s", "slow#signal=constant", "slow#value=5", "slow#period=1h");
        List<Reading> received = new CopyOnWriteArrayList<>();
        DeviceConnection connection = driver.open(device);
        try {
            long started = System.nanoTime();
            connection.listen(List.of(device.channel("fast"), device.channel("slow")), received::add);
            awaitCondition(() -> received.stream().filter(r -> r.channel().equals("fast")).count() >= 5, 10_000);
            long elapsedMillis = (System.nanoTime() - started) / 1_000_000;
            assertTrue(elapsedMillis >= 400, "5 readings at 100 ms intervals take at least 400 ms, took " + elapsedMillis);
            // the slow channel delivers at once and then only every 6 minutes
            assertEquals(1, received.stream().filter(r -> r.channel().equals("slow")).count());
            assertTrue(received.stream().allMatch(r -> r.quality() == Quality.GOOD));
        } finally {
            connection.close();
        }
        assertFalse(connection.connected());
        awaitCondition(() -> Thread.getAllStackTraces().keySet().stream()
                .noneMatch(t -> t.getName().equals("outpost-simulated-sim")), 5_000);
        assertThrows(DeviceException.class, () -> connection.listen(List.of(device.channel("fast")), received::add));
    }

    @Test
    void listenSurvivesAFailingSink() throws Exception {
        Device device = device("fast#signal=step", "fast#period=1s");
        List<Reading> received = new CopyOnWriteArrayList<>();
        try (DeviceConnection connection = driver.open(device)) {
            connection.listen(List.of(device.channel("fast")), reading -> {
                received.add(reading);
                if (received.size() == 1) throw new IllegalStateException("sink failed");
            });
            awaitCondition(() -> received.size() >= 3, 10_000);
        }
    }

    @Test
    void validateNamesEveryProblemByKey() {
        Device device = device("seed=abc",
                "a#min=x",
                "b#signal=triangle", "b#period=soon",
                "c#signal=sine", "c#min=10", "c#max=1", "c#colour=red",
                "d#signal=constant",
                "e#signal=constant", "e#value=warm",
                "f#signal=step", "f#fail.every=0",
                "g#signal=sine", "g#+value.type=BYTE_ARRAY",
                "h#signal=ramp", "h#period=0");
        List<String> problems = driver.validate(device);
        assertEquals(List.of(
                "seed: 'abc' is not a whole number",
                "a#signal: missing (one of sine, ramp, random, step, constant)",
                "a#min: 'x' is not a number",
                "b#signal: 'triangle' is not one of sine, ramp, random, step, constant",
                "b#period: 'soon' is not a duration (e.g. 500ms, 5s, 2m)",
                "c#colour: unknown key for the simulated driver (it takes signal, min, max, period, value, fail.every)",
                "c#min: 10 is above max 1",
                "d#value: missing (a constant signal needs its value)",
                "e#value: 'warm' is not a DOUBLE",
                "f#fail.every: '0' is not a whole number of reads (1 or more)",
                "g#+value.type: the simulated driver does not produce BYTE_ARRAY values",
                "h#period: must be longer than 0"), problems);

        DeviceException refused = assertThrows(DeviceException.class, () -> driver.open(device));
        assertTrue(refused.getMessage().contains("c#min: 10 is above max 1"), refused.getMessage());

        assertEquals(List.of(), driver.validate(device("ok#signal=SINE", "w#+type=WRITE")));
    }

    private Reading read(DeviceConnection connection, Device device, String channel, long at) {
        clock.set(at);
        List<Reading> readings = connection.read(List.of(device.channel(channel)));
        assertEquals(1, readings.size());
        return readings.get(0);
    }

    private double valueAt(DeviceConnection connection, Device device, String channel, long at) {
        Reading reading = read(connection, device, channel, at);
        assertEquals(Quality.GOOD, reading.quality(), reading.reason());
        assertEquals(at, reading.timestamp());
        return (Double) reading.value();
    }

    /** A device from flat properties in the asset layout; channels are DOUBLE READ unless the keys say. */
    static Device device(String... keys) {
        Map<String, Object> properties = new LinkedHashMap<>();
        properties.put(DeviceConfig.NAME, "sim");
        properties.put(DeviceConfig.DRIVER_PID, "simulated");
        for (String key : keys) {
            int eq = key.indexOf('=');
            properties.put(key.substring(0, eq), key.substring(eq + 1));
        }
        for (String key : List.copyOf(properties.keySet())) {
            int hash = key.indexOf('#');
            if (hash > 0) properties.putIfAbsent(key.substring(0, hash) + "#+value.type", "DOUBLE");
        }
        try {
            return DeviceConfig.parse(properties);
        } catch (InvalidDeviceException e) {
            throw new AssertionError(e.getMessage(), e);
        }
    }

    static void awaitCondition(java.util.function.BooleanSupplier condition, long timeoutMillis) throws InterruptedException {
        long deadline = System.nanoTime() + timeoutMillis * 1_000_000;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) throw new AssertionError("condition not met within " + timeoutMillis + " ms");
            Thread.sleep(10);
        }
    }

    private static String componentXml(String name) throws IOException {
        try (InputStream in = SimulatedDriverTest.class.getClassLoader().getResourceAsStream("OSGI-INF/" + name + ".xml")) {
            if (in == null) throw new AssertionError("no OSGI-INF/" + name + ".xml: bnd did not generate the component");
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
