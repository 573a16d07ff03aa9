package org.outpost.server.internal;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * How much of what agents forward the server takes, and how much of it it keeps in memory
 * (docs/limits.md, "Devices and telemetry"). A configuration of its own, so that a change applies
 * at once, without restarting the server's endpoint and every agent channel with it.
 */
@Component(service = IngestLimits.class, configurationPid = IngestLimits.PID, configurationPolicy = ConfigurationPolicy.OPTIONAL)
@Designate(ocd = IngestLimits.Config.class)
public class IngestLimits {
    static final String PID = "org.outpost.server.ingest";

    @ObjectClassDefinition(name = "Outpost server ingest",
            description = "Per-node budget for forwarded readings and the memory the server keeps them in")
    public @interface Config {
        @AttributeDefinition(description = "Readings per second each node may forward; beyond it the server delays its"
                + " acknowledgements, which paces the node (its outbox keeps the rest). 0: no budget", min = "0")
        int readingsPerSecondPerNode() default Settings.DEFAULT_READINGS_PER_SECOND;

        @AttributeDefinition(description = "Bytes of readings the server keeps in memory for edge:read and /v1/readings,"
                + " all nodes and channels together. 0: a quarter of the JVM's maximum heap", min = "0")
        long historyBytes() default 0;

        @AttributeDefinition(description = "Channels per node whose readings the server keeps; readings of further"
                + " channels are acknowledged, counted and not kept", min = "1")
        int channelsPerNode() default Settings.DEFAULT_CHANNELS_PER_NODE;
    }

    /** The limits in force. */
    record Settings(int readingsPerSecondPerNode, long historyBytes, int channelsPerNode) {
        static final int DEFAULT_READINGS_PER_SECOND = 1_000;
        static final int DEFAULT_CHANNELS_PER_NODE = 4_096;
        /** The least history memory, whatever is configured: one reading for a few hundred channels. */
        static final long MIN_HISTORY_BYTES = 1 << 20;

        static Settings defaults() {
            return new Settings(DEFAULT_READINGS_PER_SECOND, heapQuarter(), DEFAULT_CHANNELS_PER_NODE);
        }

        static Settings of(Config config) {
            long bytes = config.historyBytes() > 0 ? config.historyBytes() : heapQuarter();
            return new Settings(Math.max(0, config.readingsPerSecondPerNode()), Math.max(MIN_HISTORY_BYTES, bytes),
                    Math.max(1, config.channelsPerNode()));
        }

        private static long heapQuarter() {
            return Math.max(MIN_HISTORY_BYTES, Runtime.getRuntime().maxMemory() / 4);
        }
    }

    private volatile Settings settings = Settings.defaults();

    @Activate
    @Modified
    void configure(Config config) {
        settings = Settings.of(config);
    }

    Settings current() {
        return settings;
    }
}
