package org.outpost.bench;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.annotation.Annotation;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;

import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.MqttCallback;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.outpost.api.LocalNode;
import org.outpost.api.device.CloudStatus;
import org.outpost.api.device.Reading;
import org.outpost.api.device.TelemetryCodec;
import org.outpost.cloud.mqtt.internal.CloudUplinkComponent;
import org.outpost.cloud.mqtt.internal.proto.KuraPayloadProto.KuraPayload;
import org.outpost.cloud.mqtt.internal.proto.KuraPayloadProto.KuraPayload.KuraMetric;
import org.outpost.outbox.Outbox;
import org.outpost.outbox.internal.FileOutbox;
import org.outpost.outbox.internal.OutboxOptions;

/**
 * The cloud uplink against a local Mosquitto this program starts (and kills by PID at the end):
 * <ul>
 * <li>sustained QoS 1 publish rate: the real uplink component drains a pre-filled real file
 * outbox; a message counts once the broker's PUBACK is back (and the record acknowledged);</li>
 * <li>reading → broker latency: readings appended to the outbox at a steady rate while an
 * independent subscriber measures, per reading, the time from the append call to its arrival
 * (grouped fsync, cursor wake-up, encoding, publish and broker routing included).</li>
 * </ul>
 * Each figure is the median of several runs, each run on a fresh outbox, after one warm-up drain
 * that is shown but not counted.
 *
 * <pre>java -cp bench/target/outpost-bench-0.1.0.jar:bench/target/lib/* org.outpost.bench.CloudBench
 *     [--runs 3] [--messages 150000] [--rate 1000] [--seconds 10] [--inflight 1000] [--dir DIR]</pre>
 */
public final class CloudBench {

    private static final Path MOSQUITTO = Path.of("/usr/sbin/mosquitto");
    /** The outbox cursor the uplink reads (CloudPublisher.CURSOR). */
    private static final String UPLINK_CURSOR = "cloud";
    private static final String ACCOUNT = "bench";
    private static final int FILL_WINDOW = 4096;
    private static final long TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(60);

    private final Path work;
    private final String brokerUrl;
    private final int inflight;
    private final LocalNode node = new BenchNode();

    private CloudBench(Path work, String brokerUrl, int inflight) {
        this.work = work;
        this.brokerUrl = brokerUrl;
        this.inflight = inflight;
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of("bench", "target", "cloud-work");
        int runs = 3;
        int messages = 150_000;
        int rate = 1_000;
        int seconds = 10;
        int inflight = 1000;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--dir" -> dir = Path.of(args[++i]);
                case "--runs" -> runs = Integer.parseInt(args[++i]);
                case "--messages" -> messages = Integer.parseInt(args[++i]);
                case "--rate" -> rate = Integer.parseInt(args[++i]);
                case "--seconds" -> seconds = Integer.parseInt(args[++i]);
                case "--inflight" -> inflight = Integer.parseInt(args[++i]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]
                        + " (--runs N, --messages N, --rate PER_SECOND, --seconds N, --inflight N, --dir DIR)");
            }
        }
        if (!Files.isExecutable(MOSQUITTO)) {
            System.err.println(MOSQUITTO + " is missing: install mosquitto (scripts/test-prereqs.sh)");
            System.exit(2);
        }
        deleteTree(dir);
        Files.createDirectories(dir);
        Broker started = startBroker(dir);
        Process broker = started.process();
        Thread killer = new Thread(broker::destroyForcibly, "bench-broker-killer");
        Runtime.getRuntime().addShutdownHook(killer);
        try {
            CloudBench bench = new CloudBench(dir, "tcp://127.0.0.1:" + started.port(), inflight);
            System.out.printf(Locale.ROOT, "Cloud uplink bench: Mosquitto pid %d on %s, %d runs, max.inflight %d, %d cores%n",
                    broker.pid(), bench.brokerUrl, runs, inflight, Runtime.getRuntime().availableProcessors());
            // the first drain runs while the JIT still compiles: shown, not counted
            System.out.printf(Locale.ROOT, "  warm-up: %,d messages at %,.0f msg/s%n", messages / 2,
                    bench.throughput(0, messages / 2));
            List<Double> throughput = new ArrayList<>();
            for (int run = 1; run <= runs; run++) {
                double perSecond = bench.throughput(run, messages);
                throughput.add(perSecond);
                System.out.printf(Locale.ROOT, "  publish run %d: %,d messages drained at %,.0f msg/s%n", run, messages, perSecond);
            }
            List<Double> p50 = new ArrayList<>();
            List<Double> p99 = new ArrayList<>();
            List<Double> max = new ArrayList<>();
            for (int run = 1; run <= runs; run++) {
                double[] latency = bench.latency(run, rate, seconds);
                p50.add(latency[0]);
                p99.add(latency[1]);
                max.add(latency[2]);
                System.out.printf(Locale.ROOT, "  latency run %d: %,d readings at %,d/s: p50 %.2f ms, p99 %.2f ms, max %.2f ms%n",
                        run, rate * seconds, rate, latency[0], latency[1], latency[2]);
            }
            System.out.println();
            System.out.println("| figure (median of " + runs + " runs)                     | value          | runs");
            System.out.println("|---------------------------------------------------|----------------|------");
            row("QoS 1 publish rate, outbox -> broker (PUBACKed)", String.format(Locale.ROOT, "%,.0f msg/s", Stats.median(throughput)),
                    Stats.runs(throughput, "%.0f"));
            row("reading -> broker latency p50 @ " + rate + "/s", ms(Stats.median(p50)), Stats.runs(p50, "%.2f"));
            row("reading -> broker latency p99 @ " + rate + "/s", ms(Stats.median(p99)), Stats.runs(p99, "%.2f"));
            row("reading -> broker latency max @ " + rate + "/s", ms(Stats.median(max)), Stats.runs(max, "%.2f"));
        } finally {
            broker.destroyForcibly();
            broker.waitFor(10, TimeUnit.SECONDS);
            Runtime.getRuntime().removeShutdownHook(killer);
        }
    }

    private record Broker(Process process, int port) {
    }

    private static void row(String figure, String value, String runs) {
        System.out.printf(Locale.ROOT, "| %-49s | %14s | %s%n", figure, value, runs);
    }

    private static String ms(double value) {
        return String.format(Locale.ROOT, "%.2f ms", value);
    }

    /** Drains {@code messages} pre-filled readings; the rate is taken once the first thousand are through. */
    private double throughput(int run, int messages) throws Exception {
        Path dir = work.resolve("throughput-" + run);
        try (FileOutbox outbox = FileOutbox.open(dir, OutboxOptions.defaults())) {
            outbox.cursor(UPLINK_CURSOR);
            fill(outbox, messages);
            CloudUplinkComponent uplink = new CloudUplinkComponent(outbox, node);
            try {
                uplink.activateWith(config("bench-tp-" + run), "bench", "");
                long warm = 1_000;
                awaitUntil(() -> uplink.status().published() >= warm, "first " + warm + " PUBACKs", uplink);
                long startNanos = System.nanoTime();
                long startCount = uplink.status().published();
                awaitUntil(() -> uplink.status().published() >= messages, "all PUBACKs", uplink);
                long elapsed = System.nanoTime() - startNanos;
                CloudStatus done = uplink.status();
                if (done.pending() != 0) throw new IllegalStateException("outbox still holds " + done.pending());
                return (done.published() - startCount) / (elapsed / 1e9);
            } finally {
                uplink.deactivate();
            }
        }
    }

    /**
     * Appends {@code rate} readings per second for {@code seconds} seconds while the uplink runs;
     * returns p50, p99 and max of append-to-arrival in milliseconds.
     */
    private double[] latency(int run, int rate, int seconds) throws Exception {
        Path dir = work.resolve("latency-" + run);
        int count = rate * seconds;
        long[] latencies = new long[count];
        AtomicInteger received = new AtomicInteger();
        String clientId = "bench-lat-" + run;
        try (FileOutbox outbox = FileOutbox.open(dir, OutboxOptions.defaults())) {
            outbox.cursor(UPLINK_CURSOR);
            MqttClient subscriber = new MqttClient(brokerUrl, "bench-subscriber-" + run, new MemoryPersistence());
            subscriber.setCallback(new MqttCallback() {
                @Override
                public void connectionLost(Throwable cause) {
                }

                @Override
                public void messageArrived(String topic, MqttMessage message) throws Exception {
                    long now = System.nanoTime();
                    long sentAt = appendedAt(message.getPayload());
                    int index = received.getAndIncrement();
                    if (index < latencies.length) latencies[index] = now - sentAt;
                }

                @Override
                public void deliveryComplete(IMqttDeliveryToken token) {
                }
            });
            subscriber.connect();
            subscriber.subscribe(ACCOUNT + "/" + clientId + "/#", 0);
            CloudUplinkComponent uplink = new CloudUplinkComponent(outbox, node);
            try {
                uplink.activateWith(config(clientId), "bench", "");
                awaitUntil(() -> uplink.status().connected(), "connected", uplink);
                long period = TimeUnit.SECONDS.toNanos(1) / rate;
                long start = System.nanoTime();
                for (int i = 0; i < count; i++) {
                    long due = start + i * period;
                    for (long wait; (wait = due - System.nanoTime()) > 0;) LockSupport.parkNanos(wait);
                    // the value is the append time: the subscriber reads it back from the metric
                    outbox.appendAsync(Outbox.PRIORITY_READING,
                            TelemetryCodec.encode(Reading.good("bench-device", "appended", System.currentTimeMillis(), System.nanoTime())));
                }
                awaitUntil(() -> received.get() >= count, "all readings at the subscriber", uplink);
            } finally {
                uplink.deactivate();
                subscriber.disconnect();
                subscriber.close();
            }
        }
        long[] sorted = Stats.sortedCopy(latencies, count);
        return new double[] {Stats.percentile(sorted, 50) / 1e6, Stats.percentile(sorted, 99) / 1e6, sorted[count - 1] / 1e6};
    }

    private static long appendedAt(byte[] payload) throws IOException {
        byte[] bytes = payload;
        if (bytes.length > 1 && (bytes[0] & 0xff) == 0x1f && (bytes[1] & 0xff) == 0x8b) {
            try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(bytes))) {
                bytes = in.readAllBytes();
            }
        }
        for (KuraMetric metric : KuraPayload.parseFrom(bytes).getMetricList()) {
            if (metric.getName().equals("appended")) return metric.getLongValue();
        }
        throw new IOException("no 'appended' metric in the message");
    }

    /** Pre-fills the outbox with readings on 10 channels, durable before the uplink starts. */
    private static void fill(Outbox outbox, int messages) {
        ArrayDeque<CompletableFuture<Long>> window = new ArrayDeque<>();
        long timestamp = System.currentTimeMillis();
        for (int i = 0; i < messages; i++) {
            byte[] reading = TelemetryCodec.encode(Reading.good("boiler-" + (i % 10 / 5), "temperature-" + (i % 10),
                    timestamp + i, 20.0 + (i % 500) / 10.0));
            window.add(outbox.appendAsync(Outbox.PRIORITY_READING, reading));
            if (window.size() >= FILL_WINDOW) window.poll().join();
        }
        window.forEach(CompletableFuture::join);
    }

    private static void awaitUntil(BooleanSupplier condition, String what, CloudUplinkComponent uplink)
            throws InterruptedException {
        long deadline = System.nanoTime() + TIMEOUT_NANOS;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("timed out waiting for " + what + ": " + uplink.status());
            }
            Thread.sleep(2);
        }
    }

    private CloudUplinkComponent.Config config(String clientId) {
        return new CloudUplinkComponent.Config() {
            @Override
            public Class<? extends Annotation> annotationType() {
                return CloudUplinkComponent.Config.class;
            }

            @Override
            public String broker_url() {
                return brokerUrl;
            }

            @Override
            public String account() {
                return ACCOUNT;
            }

            @Override
            public String client_id() {
                return clientId;
            }

            @Override
            public String username() {
                return "";
            }

            @Override
            public String password_file() {
                return "";
            }

            @Override
            public String app_id() {
                return "outpost";
            }

            @Override
            public int keep_alive() {
                return 30;
            }

            @Override
            public int max_inflight() {
                return inflight;
            }

            @Override
            public String trust_store() {
                return "";
            }
        };
    }

    private static Broker startBroker(Path dir) throws IOException, InterruptedException {
        int brokerPort;
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            brokerPort = probe.getLocalPort();
        }
        Path config = dir.resolve("mosquitto.conf");
        Files.writeString(config, String.join("\n", "listener " + brokerPort + " 127.0.0.1", "allow_anonymous true",
                "persistence false", "max_queued_messages 0", "max_inflight_messages 1000", "log_dest stdout",
                "log_type error", "log_type warning", ""));
        Process process = new ProcessBuilder(MOSQUITTO.toString(), "-c", config.toString()).redirectErrorStream(true)
                .redirectOutput(dir.resolve("mosquitto.log").toFile()).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (true) {
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), brokerPort), 200);
                return new Broker(process, brokerPort);
            } catch (IOException e) {
                if (!process.isAlive() || System.nanoTime() > deadline) {
                    process.destroyForcibly();
                    throw new IOException("mosquitto did not start; see " + dir.resolve("mosquitto.log"));
                }
                Thread.sleep(20);
            }
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) return;
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) Files.delete(path);
        }
    }

    /** The node the BIRTH describes. */
    private static final class BenchNode implements LocalNode {
        private final Instant started = Instant.now();

        @Override
        public String name() {
            return "bench-node";
        }

        @Override
        public String role() {
            return "agent";
        }

        @Override
        public Path dataDir() {
            return Path.of(".");
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
            return started;
        }
    }
}
