package org.outpost.telemetry.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.Closeable;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.outpost.api.device.Channel;
import org.outpost.api.device.ChannelMode;
import org.outpost.api.device.Device;
import org.outpost.api.device.Quality;
import org.outpost.api.device.Reading;
import org.outpost.api.device.ValueType;

class LatestReadingsTest {

    private final LatestReadings latest = new LatestReadings();

    private static Channel channel(String name, ChannelMode mode) {
        return new Channel(name, mode, ValueType.DOUBLE, 1, 0, "", 1000, false, true, Map.of());
    }

    private static final Device BOILER = new Device("boiler", "fixed", Map.of(),
            List.of(channel("temp", ChannelMode.READ), channel("setpoint", ChannelMode.WRITE), channel("flow", ChannelMode.READ)));

    @Test
    void eachReadableChannelHasItsNewestReadingOrSaysThereIsNoneThenTheAggregates() {
        latest.remember(Reading.good("boiler", "temp", 1, 20.0));
        latest.remember(Reading.good("boiler", "temp", 2, 21.0));
        latest.remember(Reading.good("boiler", "temp.avg", 3, 20.5));
        latest.remember(Reading.good("pump", "temp", 4, 9.0));

        List<Reading> readings = latest.of(BOILER, 99);
        assertEquals(List.of("temp", "flow", "temp.avg"), readings.stream().map(Reading::channel).toList(),
                "write-only channels have no reading");
        assertEquals(21.0, readings.get(0).value());
        assertEquals(Quality.BAD, readings.get(1).quality());
        assertEquals(99, readings.get(1).timestamp());

        latest.forget("boiler");
        assertEquals(Quality.BAD, latest.of(BOILER, 100).get(0).quality());
        assertEquals(2, latest.of(BOILER, 100).size(), "aggregates are forgotten too");
    }

    @Test
    void followersSeeTheirDeviceAndChannelUntilTheyCloseOrFail() throws Exception {
        List<Reading> allOfBoiler = new ArrayList<>();
        List<Reading> tempOnly = new ArrayList<>();
        Closeable all = latest.follow("boiler", null, allOfBoiler::add);
        latest.follow("boiler", "temp", tempOnly::add);
        AtomicInteger failing = new AtomicInteger();
        latest.follow("boiler", null, reading -> {
            failing.incrementAndGet();
            throw new IllegalStateException("gone");
        });

        latest.remember(Reading.good("boiler", "temp", 1, 20.0));
        latest.remember(Reading.good("boiler", "flow", 2, 3.0));
        latest.remember(Reading.good("pump", "temp", 3, 9.0));
        all.close();
        latest.remember(Reading.good("boiler", "temp", 4, 22.0));

        assertEquals(List.of(1L, 2L), allOfBoiler.stream().map(Reading::timestamp).toList());
        assertEquals(1, failing.get(), "a follower that failed is dropped");
        assertEquals(List.of(1L, 4L), tempOnly.stream().map(Reading::timestamp).toList());
    }
}
