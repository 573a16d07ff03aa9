package org.outpost.outbox.internal;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.outpost.api.LocalNode;
import org.outpost.outbox.Outbox;
import org.outpost.outbox.OutboxCursor;
import org.outpost.outbox.OutboxStats;

/**
 * Registers the node's outbox, kept in {@code <data dir>/outbox}. Opens on activation and closes
 * (finishing queued appends and writing cursor positions) on deactivation; consumers never see the
 * close method.
 */
@Component(service = Outbox.class, configurationPid = OutboxComponent.PID,
        configurationPolicy = ConfigurationPolicy.OPTIONAL)
@Designate(ocd = OutboxComponent.Config.class)
public class OutboxComponent implements Outbox {

    public static final String PID = "org.outpost.outbox";
    static final String DIRECTORY = "outbox";

    @ObjectClassDefinition(id = PID, name = "Outpost outbox",
            description = "The durable store-and-forward log that readings and alerts enter before they are sent")
    public @interface Config {

        @AttributeDefinition(name = "Maximum size (bytes)",
                description = "Beyond this size on disk the oldest segments are dropped, normal records before "
                        + "urgent ones", min = "65536")
        long maxBytes() default OutboxOptions.DEFAULT_MAX_BYTES;

        @AttributeDefinition(name = "Maximum age (hours)",
                description = "Records older than this are dropped; 0 keeps records regardless of age", min = "0")
        long maxAgeHours() default 7 * 24;

        @AttributeDefinition(name = "Segment size (bytes)",
                description = "Size at which a segment file is closed and a new one started (at most an eighth "
                        + "of the maximum size is used)", min = "65536", max = "1073741824")
        long segmentBytes() default OutboxOptions.DEFAULT_SEGMENT_BYTES;
    }

    private final FileOutbox outbox;

    @Activate
    public OutboxComponent(@Reference(name = "localNode") LocalNode localNode, Config config) throws IOException {
        outbox = FileOutbox.open(localNode.dataDir().resolve(DIRECTORY), options(config));
    }

    static OutboxOptions options(Config config) {
        long maxBytes = config.maxBytes();
        if (maxBytes < 65536) {
            throw new IllegalArgumentException(PID + ": maxBytes must be at least 65536, not " + maxBytes);
        }
        long segmentBytes = config.segmentBytes();
        if (segmentBytes < 65536 || segmentBytes > OutboxOptions.MAX_SEGMENT_BYTES) {
            throw new IllegalArgumentException(PID + ": segmentBytes must be between 65536 and "
                    + OutboxOptions.MAX_SEGMENT_BYTES + ", not " + segmentBytes);
        }
        long maxAgeHours = config.maxAgeHours();
        if (maxAgeHours < 0) {
            throw new IllegalArgumentException(PID + ": maxAgeHours must be 0 (no age bound) or more, not " + maxAgeHours);
        }
        long maxAgeMillis = maxAgeHours == 0 || maxAgeHours > Long.MAX_VALUE / TimeUnit.HOURS.toMillis(1)
                ? Long.MAX_VALUE : TimeUnit.HOURS.toMillis(maxAgeHours);
        return new OutboxOptions(segmentBytes, maxBytes, maxAgeMillis);
    }

    @Deactivate
    void deactivate() {
        outbox.close();
    }

    /** The directory the outbox lives in. */
    Path dir() {
        return outbox.dir();
    }

    @Override
    public long append(int priority, byte[] payload) throws IOException {
        return outbox.append(priority, payload);
    }

    @Override
    public CompletableFuture<Long> appendAsync(int priority, byte[] payload) {
        return outbox.appendAsync(priority, payload);
    }

    @Override
    public OutboxCursor cursor(String name) throws IOException {
        return outbox.cursor(name);
    }

    @Override
    public void removeCursor(String name) throws IOException {
        outbox.removeCursor(name);
    }

    @Override
    public OutboxStats stats() {
        return outbox.stats();
    }
}
