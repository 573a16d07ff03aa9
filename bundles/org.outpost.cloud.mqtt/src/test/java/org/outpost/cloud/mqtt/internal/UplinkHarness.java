package org.outpost.cloud.mqtt.internal;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import java.util.function.Supplier;

import org.outpost.api.device.CloudStatus;
import org.outpost.outbox.Outbox;
import org.outpost.outbox.internal.FileOutbox;
import org.outpost.outbox.internal.OutboxOptions;

/**
 * What the uplink tests share: an outbox per test, publishers built from a broker URL, and waiting
 * on a condition with a deadline (never a fixed sleep).
 */
final class UplinkHarness implements AutoCloseable {

    static final String ACCOUNT = "acme";

    private final List<CloudPublisher> publishers = new ArrayList<>();
    private final Path dir;
    private FileOutbox outbox;

    /** A real file outbox in {@code dir}. */
    UplinkHarness(Path dir) throws IOException {
        this.dir = dir;
        this.outbox = FileOutbox.open(dir, OutboxOptions.defaults());
    }

    Outbox outbox() {
        return outbox;
    }

    /** Stops every publisher and closes the outbox, then opens it again: a restart of the node. */
    void restart() throws IOException {
        stopPublishers();
        outbox.close();
        outbox = FileOutbox.open(dir, OutboxOptions.defaults());
    }

    static UplinkConfig config(String brokerUrl, String clientId) {
        try {
            return UplinkConfig.of(brokerUrl, ACCOUNT, clientId, null, null, null, 30, 1000, null);
        } catch (InvalidUplinkConfigException e) {
            throw new AssertionError(e);
        }
    }

    /** A publisher, not started; stopped when the test ends. */
    CloudPublisher publisher(UplinkConfig config) {
        CloudPublisher publisher = new CloudPublisher(config, outbox, TestNode.gateway().facts(), ControlRequests.NONE);
        publishers.add(publisher);
        return publisher;
    }

    /** Makes the uplink's cursor exist, as after an earlier run, so records appended now are kept for it. */
    void openCursor() throws IOException {
        outbox.cursor(CloudPublisher.CURSOR);
    }

    static CloudStatus awaitStatus(CloudPublisher publisher, Predicate<CloudStatus> condition, Duration timeout)
            throws InterruptedException {
        return await(publisher::status, condition, timeout, "status");
    }

    static <T> T await(Supplier<T> probe, Predicate<T> condition, Duration timeout, String what) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        T value = probe.get();
        while (!condition.test(value)) {
            if (System.nanoTime() > deadline) fail(what + " did not reach the expected state within " + timeout + ": " + value);
            Thread.sleep(10);
            value = probe.get();
        }
        return value;
    }

    private void stopPublishers() {
        for (CloudPublisher publisher : publishers) publisher.stop();
        publishers.clear();
    }

    @Override
    public void close() throws Exception {
        stopPublishers();
        outbox.close();
    }
}
