package org.outpost.outbox.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.outpost.outbox.internal.OutboxTesting.drain;
import static org.outpost.outbox.internal.OutboxTesting.ids;
import static org.outpost.outbox.internal.OutboxTesting.payload;

import java.lang.annotation.Annotation;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.outpost.api.LocalNode;
import org.outpost.outbox.Outbox;
import org.outpost.outbox.OutboxCursor;

class OutboxComponentTest {

    @TempDir
    Path dataDir;

    @Test
    void opensTheOutboxInTheDataDirectoryAndClosesItOnDeactivation() throws Exception {
        OutboxComponent component = new OutboxComponent(node(), config(1L << 20, 24, 64 * 1024));
        try {
            assertEquals(dataDir.resolve("outbox"), component.dir());
            OutboxCursor cursor = component.cursor("uplink");
            component.append(Outbox.PRIORITY_READING, payload("r1"));
            component.appendAsync(Outbox.PRIORITY_ALERT, payload("a1")).get();
            assertEquals(List.of("a1", "r1"), ids(drain(cursor)));
            assertEquals(Map.of("uplink", 2L), component.stats().pendingByCursor());
            assertTrue(Files.isDirectory(dataDir.resolve("outbox").resolve(Lane.NORMAL)));
        } finally {
            component.deactivate();
        }
        assertThrows(java.io.IOException.class, () -> component.append(Outbox.PRIORITY_READING, payload("late")));

        OutboxComponent again = new OutboxComponent(node(), config(1L << 20, 24, 64 * 1024));
        try {
            assertEquals(Map.of("uplink", 2L), again.stats().pendingByCursor(), "restarted with its records and cursors");
        } finally {
            again.deactivate();
        }
    }

    @Test
    void translatesTheConfiguration() {
        OutboxOptions options = OutboxComponent.options(config(100L << 20, 48, 8L << 20));
        assertEquals(new OutboxOptions(8L << 20, 100L << 20, 48L * 3600 * 1000), options);
        assertEquals(Long.MAX_VALUE, OutboxComponent.options(config(100L << 20, 0, 8L << 20)).maxAgeMillis(),
                "0 hours: no age bound");
        OutboxOptions defaults = OutboxComponent.options(config(OutboxOptions.DEFAULT_MAX_BYTES, 7 * 24,
                OutboxOptions.DEFAULT_SEGMENT_BYTES));
        assertEquals(OutboxOptions.defaults(), defaults);
    }

    @Test
    void badConfigurationValuesAreNamed() {
        IllegalArgumentException segment = assertThrows(IllegalArgumentException.class,
                () -> OutboxComponent.options(config(1L << 20, 24, 100)));
        assertTrue(segment.getMessage().contains("segmentBytes") && segment.getMessage().contains("100"),
                segment.getMessage());
        IllegalArgumentException max = assertThrows(IllegalArgumentException.class,
                () -> OutboxComponent.options(config(-1, 24, 1L << 20)));
        assertTrue(max.getMessage().contains("maxBytes"), max.getMessage());
        IllegalArgumentException age = assertThrows(IllegalArgumentException.class,
                () -> OutboxComponent.options(config(1L << 20, -3, 1L << 20)));
        assertTrue(age.getMessage().contains("maxAgeHours"), age.getMessage());
    }

    private LocalNode node() {
        return new LocalNode() {
            @Override
            public String name() {
                return "edge-1";
            }

            @Override
            public String role() {
                return "agent";
            }

            @Override
            public Path dataDir() {
                return dataDir;
            }

            @Override
            public Map<String, String> labels() {
                return Map.of();
            }

            @Override
            public String version() {
                return "0.1.0";
            }

            @Override
            public Instant started() {
                return Instant.now();
            }
        };
    }

    private static OutboxComponent.Config config(long maxBytes, long maxAgeHours, long segmentBytes) {
        return new OutboxComponent.Config() {
            @Override
            public Class<? extends Annotation> annotationType() {
                return OutboxComponent.Config.class;
            }

            @Override
            public long maxBytes() {
                return maxBytes;
            }

            @Override
            public long maxAgeHours() {
                return maxAgeHours;
            }

            @Override
            public long segmentBytes() {
                return segmentBytes;
            }
        };
    }
}
