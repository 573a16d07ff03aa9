package org.outpost.telemetry.internal;

import java.util.concurrent.atomic.AtomicLong;

import org.outpost.api.device.Alert;
import org.outpost.api.device.Reading;
import org.outpost.api.device.TelemetryCodec;
import org.outpost.outbox.Outbox;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where the devices' readings go: each is remembered as the channel's latest, passed through the
 * edge rules and, unless a rule holds it back, appended to the durable outbox; the alerts and
 * window aggregates the rules make are appended too, with their own priorities.
 */
final class ReadingIntake implements RuleEngine.Sink {
    private static final Logger LOG = LoggerFactory.getLogger(ReadingIntake.class);

    private final LatestReadings latest;
    private final RuleEngine rules;
    private final Outbox outbox;
    private final AtomicLong refused = new AtomicLong();

    ReadingIntake(LatestReadings latest, RuleEngine rules, Outbox outbox) {
        this.latest = latest;
        this.rules = rules;
        this.outbox = outbox;
    }

    /** A reading a device took. */
    void taken(Reading reading) {
        latest.remember(reading);
        if (rules.accept(reading, this)) {
            store(Outbox.PRIORITY_READING, TelemetryCodec.encode(reading));
        }
    }

    /** Closes the rules' windows that are due. */
    void tick(long now) {
        rules.tick(now, this);
    }

    @Override
    public void alert(Alert alert) {
        LOG.warn("Alert {} {} on {}/{}: {}", alert.rule(), alert.active() ? "raised" : "cleared", alert.device(),
                alert.channel(), alert.message());
        store(Outbox.PRIORITY_ALERT, TelemetryCodec.encode(alert));
    }

    @Override
    public void aggregate(Reading reading) {
        latest.remember(reading);
        store(Outbox.PRIORITY_LOW, TelemetryCodec.encode(reading));
    }

    /** Records the outbox could not take (full disk, closed outbox). */
    long refused() {
        return refused.get();
    }

    private void store(int priority, byte[] record) {
        outbox.appendAsync(priority, record).whenComplete((seq, failure) -> {
            // one line per thousand failures: a full disk must not flood the log as well
            if (failure != null && refused.getAndIncrement() % 1000 == 0) {
                LOG.error("Readings cannot be stored in the outbox ({} so far): {}", refused.get(), failure.toString());
            }
        });
    }
}
