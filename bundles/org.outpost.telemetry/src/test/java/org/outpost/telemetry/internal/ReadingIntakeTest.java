package org.outpost.telemetry.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.Test;
import org.outpost.api.device.Alert;
import org.outpost.api.device.Device;
import org.outpost.api.device.Reading;
import org.outpost.api.device.Rule;
import org.outpost.api.device.RuleKind;
import org.outpost.api.device.TelemetryCodec;
import org.outpost.outbox.Outbox;
import org.outpost.outbox.OutboxCursor;
import org.outpost.outbox.OutboxStats;

/** Readings reach the outbox through the rules, each kind of record with its priority. */
class ReadingIntakeTest {

    /** An outbox that keeps what is appended, or refuses everything. */
    private static final class ListOutbox implements Outbox {
        record Appended(int priority, Object record) {
        }

        final List<Appended> appended = new ArrayList<>();
        boolean refusing;

        @Override
        public long append(int priority, byte[] payload) throws IOException {
            throw new IOException("not used");
        }

        @Override
        public CompletableFuture<Long> appendAsync(int priority, byte[] payload) {
            if (refusing) return CompletableFuture.failedFuture(new IOException("disk full"));
            appended.add(new Appended(priority, TelemetryCodec.decode(payload)));
            return CompletableFuture.completedFuture((long) appended.size());
        }

        @Override
        public OutboxCursor cursor(String name) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void removeCursor(String name) {
            throw new UnsupportedOperationException();
        }

        @Override
        public OutboxStats stats() {
            return new OutboxStats(0, 0, 0, 0, 0, 0, 0, 0, Map.of());
        }
    }

    private final ListOutbox outbox = new ListOutbox();
    private final LatestReadings latest = new LatestReadings();
    private final RuleEngine rules = new RuleEngine();
    private final ReadingIntake intake = new ReadingIntake(latest, rules, outbox);

    private static Rule rule(String name, RuleKind kind, Double above, double deadband, long window) {
        return new Rule(name, "boiler", "temp", kind, above, null, 0, 0, deadband, window, Rule.ORIGIN_LOCAL);
    }

    @Test
    void readingsAlertsAndAggregatesGoToTheOutboxWithTheirPriorities() {
        rules.setRules(List.of(rule("hot", RuleKind.THRESHOLD, 90.0, 0, 0), rule("avg", RuleKind.WINDOW, null, 0, 1000)));
        intake.taken(Reading.good("boiler", "temp", 1_000, 95.0));
        intake.tick(2_500);

        List<Integer> priorities = outbox.appended.stream().map(ListOutbox.Appended::priority).sorted().toList();
        assertEquals(List.of(Outbox.PRIORITY_ALERT, Outbox.PRIORITY_READING, Outbox.PRIORITY_LOW, Outbox.PRIORITY_LOW,
                Outbox.PRIORITY_LOW), priorities, "an alert, the reading, and the window's min, max and average");
        Object alert = outbox.appended.stream().filter(a -> a.priority() == Outbox.PRIORITY_ALERT).findFirst().orElseThrow().record();
        assertEquals("hot", assertInstanceOf(Alert.class, alert).rule());
        List<Object> aggregates = outbox.appended.stream().filter(a -> a.priority() == Outbox.PRIORITY_LOW)
                .map(ListOutbox.Appended::record).toList();
        Device none = new Device("boiler", "fixed", Map.of(), List.of());
        assertEquals(new java.util.HashSet<>(aggregates), new java.util.HashSet<>(latest.of(none, 0).stream()
                .filter(r -> !r.channel().equals("temp")).toList()), "the aggregates are their channels' latest too");
    }

    @Test
    void aReadingADeadbandHoldsBackIsRememberedButNotStored() {
        rules.setRules(List.of(rule("small", RuleKind.DEADBAND, null, 5, 0)));
        intake.taken(Reading.good("boiler", "temp", 1, 20.0));
        intake.taken(Reading.good("boiler", "temp", 2, 21.0));
        assertEquals(1, outbox.appended.size());
        Device boiler = new Device("boiler", "fixed", Map.of(), List.of());
        assertEquals(2L, latest.of(boiler, 0).get(0).timestamp());
    }

    @Test
    void recordsTheOutboxRefusesAreCounted() {
        outbox.refusing = true;
        intake.taken(Reading.good("boiler", "temp", 1, 20.0));
        intake.taken(Reading.good("boiler", "temp", 2, 21.0));
        assertEquals(2, intake.refused());
    }
}
