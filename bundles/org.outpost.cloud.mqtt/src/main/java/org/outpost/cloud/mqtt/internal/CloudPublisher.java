package org.outpost.cloud.mqtt.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.LongAdder;
import java.util.random.RandomGenerator;

import org.eclipse.paho.client.mqttv3.IMqttActionListener;
import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.IMqttToken;
import org.eclipse.paho.client.mqttv3.MqttAsyncClient;
import org.eclipse.paho.client.mqttv3.MqttCallback;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.outpost.api.device.CloudStatus;
import org.outpost.outbox.Outbox;
import org.outpost.outbox.OutboxCursor;
import org.outpost.outbox.OutboxRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Forwards the outbox to the broker: one thread connects (with back-off), publishes BIRTH, then
 * polls the {@value #CURSOR} cursor and publishes each record with QoS 1, up to
 * {@code max.inflight} unacknowledged at once. A record is acknowledged in the outbox only when the
 * broker's PUBACK arrives; after a lost connection the cursor is rewound and every unacknowledged
 * record goes out again (at least once; the {@code seq} metric lets subscribers drop duplicates).
 *
 * <p>The broker session is clean: the outbox, not the broker, is the durable store.
 */
final class CloudPublisher {

    /** The outbox cursor the uplink reads; it survives restarts so nothing is lost while stopped. */
    static final String CURSOR = "cloud";

    private static final Logger LOG = LoggerFactory.getLogger(CloudPublisher.class);
    private static final int QOS = 1;
    private static final int MAX_BATCH = 256;
    private static final long POLL_MILLIS = 200;
    private static final int CONNECT_TIMEOUT_SECONDS = 10;
    private static final long LIFECYCLE_TIMEOUT_MILLIS = 5_000;
    private static final long QUIESCE_MILLIS = 1_000;
    private static final long STOP_MILLIS = 10_000;
    private static final Duration BACKOFF_BASE = Duration.ofSeconds(1);
    private static final Duration BACKOFF_CAP = Duration.ofSeconds(30);

    private final UplinkConfig config;
    private final Outbox outbox;
    private final ControlRequests control;
    private final LifecycleMessages lifecycle;
    private final TelemetryMessages telemetry;
    private final KuraTopics topics;
    private final Backoff backoff = new Backoff(BACKOFF_BASE, BACKOFF_CAP, RandomGenerator.getDefault());
    private final CountDownLatch stopSignal = new CountDownLatch(1);
    private final LongAdder published = new LongAdder();
    private final LongAdder skipped = new LongAdder();
    private final LongAdder failedConnects = new LongAdder();
    private final Thread thread;

    private volatile boolean stopping;
    private volatile boolean connected;
    private volatile long connectedSince;
    private volatile String lastError = "";
    private volatile OutboxCursor cursor;
    /** Created and used by the publisher thread; {@link #stop} reaches it only as a last resort. */
    private volatile MqttAsyncClient client;
    /** The session of the current connection; a lost older one must not touch {@link #connected}. */
    private volatile Session current;
    /** Set when the control applications change; the publisher thread resubscribes and sends MQTT/APPS. */
    private final java.util.concurrent.atomic.AtomicBoolean applicationsChanged = new java.util.concurrent.atomic.AtomicBoolean();
    private final Runnable applicationsListener = () -> applicationsChanged.set(true);
    /** Publisher thread only: what the current connection subscribed to, and how it reaches the broker. */
    private List<String> subscribedApplications = List.of();
    private BrokerRoute route;

    CloudPublisher(UplinkConfig config, Outbox outbox, NodeFacts node, ControlRequests control) {
        this.config = config;
        this.outbox = outbox;
        this.control = control;
        this.topics = new KuraTopics(config.account(), config.clientId(), config.appId());
        this.lifecycle = new LifecycleMessages(topics, node, config.clientId(), config.appId());
        control.onChange(applicationsListener);
        this.telemetry = new TelemetryMessages(topics);
        this.thread = new Thread(this::run, "outpost-cloud-uplink");
        this.thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    /**
     * Publishes DC and disconnects cleanly when connected, then ends the publisher thread. Records
     * not acknowledged stay in the outbox for the next start.
     */
    void stop() {
        control.forget(applicationsListener);
        stopping = true;
        stopSignal.countDown();
        try {
            thread.join(STOP_MILLIS);
            if (thread.isAlive()) {
                LOG.warn("Cloud uplink to {} did not stop within {} ms; closing its connection", config.brokerUrl(), STOP_MILLIS);
                thread.interrupt();
                closeForcibly(client);
                thread.join(2_000);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    CloudStatus status() {
        OutboxCursor current = cursor;
        boolean up = connected;
        return new CloudStatus(config.brokerUrl(), config.account(), config.clientId(), up, up ? connectedSince : 0,
                published.sum(), current == null ? 0 : current.pending(), lastError);
    }

    /** Connection attempts that failed since the start. */
    long failedConnects() {
        return failedConnects.sum();
    }

    private void run() {
        try {
            connectAndPublish();
        } catch (Throwable e) {
            // e.g. a bundle it needs went away under it: say so rather than die silently
            lastError = "uplink stopped: " + describe(e);
            LOG.error("Cloud uplink to {} stopped after an unexpected failure", config.brokerUrl(), e);
        } finally {
            connected = false;
            disconnectCleanly();
        }
    }

    private void connectAndPublish() {
        boolean reportedFailure = false;
        while (!stopping) {
            try {
                OutboxCursor records = cursor;
                if (records == null) {
                    records = outbox.cursor(CURSOR);
                    cursor = records;
                }
                Session session = connect(records);
                if (session == null) break; // stopping
                backoff.reset();
                reportedFailure = false;
                publishUntilLost(session, records);
                if (stopping) break;
                connected = false;
                discardClient();
                lastError = session.lostReason;
                LOG.warn("Cloud uplink connection to {} ended: {}", config.brokerUrl(), session.lostReason);
            } catch (UplinkException e) {
                connected = false;
                lastError = e.getMessage();
                failedConnects.increment();
                if (!reportedFailure) {
                    LOG.warn("Cloud uplink cannot connect to {} as {}/{}: {} (retrying with back-off)", config.brokerUrl(),
                            config.account(), config.clientId(), e.getMessage());
                    reportedFailure = true;
                } else {
                    LOG.debug("Cloud uplink still cannot connect to {}: {}", config.brokerUrl(), e.getMessage());
                }
            } catch (IOException e) {
                lastError = "outbox: " + e.getMessage();
                LOG.warn("Cloud uplink cannot read the outbox: {}", e.toString());
            } catch (InterruptedException e) {
                if (stopping) break;
            } catch (RuntimeException e) {
                connected = false;
                lastError = describe(e);
                LOG.error("Cloud uplink to {} failed; reconnecting", config.brokerUrl(), e);
            }
            if (stopping) break;
            try {
                if (stopSignal.await(backoff.next().toMillis(), TimeUnit.MILLISECONDS)) break;
            } catch (InterruptedException e) {
                break;
            }
        }
    }

    /**
     * Connects, rewinds the cursor, publishes BIRTH and waits for its PUBACK so that nothing of the
     * session reaches the broker before it, then subscribes to the control topics.
     *
     * @return the session, or null when asked to stop meanwhile
     */
    private Session connect(OutboxCursor records) throws UplinkException, InterruptedException {
        MqttConnectOptions options = options();
        Session next = new Session(records, config.maxInflight());
        MqttAsyncClient mqtt = newClient(next);
        current = next;
        try {
            CompletableFuture<Void> connection = new CompletableFuture<>();
            mqtt.connect(options, null, completing(connection));
            if (!await(connection, (CONNECT_TIMEOUT_SECONDS + 5) * 1000L, "connecting")) return null;
            records.rewind();
            route = BrokerRoute.to(config.brokerUrl());
            applicationsChanged.set(false);
            List<String> applications = control.applications();
            CloudMessage birth = lifecycle.birth(route.interfaceName(), route.localAddress(), applications);
            CompletableFuture<Void> birthAck = new CompletableFuture<>();
            mqtt.publish(birth.topic(), birth.payload(), QOS, false, null, completing(birthAck));
            if (!await(birthAck, LIFECYCLE_TIMEOUT_MILLIS, "publishing BIRTH")) return null;
            subscribedApplications = List.of();
            if (!subscribe(mqtt, applications)) return null;
        } catch (MqttException | UplinkException | RuntimeException e) {
            discardClient();
            throw e instanceof UplinkException failed ? failed : new UplinkException(describe(e));
        } finally {
            if (options.getPassword() != null) Arrays.fill(options.getPassword(), '\0');
        }
        connectedSince = System.currentTimeMillis();
        connected = true;
        lastError = "";
        LOG.info("Cloud uplink connected to {} as {}/{}", config.brokerUrl(), config.account(), config.clientId());
        return next;
    }

    /** Subscribes to the request topics of applications not subscribed yet, drops those gone. */
    private boolean subscribe(MqttAsyncClient mqtt, List<String> applications) throws MqttException, UplinkException, InterruptedException {
        String[] added = applications.stream().filter(a -> !subscribedApplications.contains(a)).map(topics::requests).toArray(String[]::new);
        String[] removed = subscribedApplications.stream().filter(a -> !applications.contains(a)).map(topics::requests).toArray(String[]::new);
        if (added.length > 0) {
            int[] qos = new int[added.length];
            Arrays.fill(qos, QOS);
            CompletableFuture<Void> subscribed = new CompletableFuture<>();
            mqtt.subscribe(added, qos, null, completing(subscribed));
            if (!await(subscribed, LIFECYCLE_TIMEOUT_MILLIS, "subscribing to requests")) return false;
        }
        if (removed.length > 0) {
            CompletableFuture<Void> unsubscribed = new CompletableFuture<>();
            mqtt.unsubscribe(removed, null, completing(unsubscribed));
            if (!await(unsubscribed, LIFECYCLE_TIMEOUT_MILLIS, "unsubscribing from requests")) return false;
        }
        subscribedApplications = List.copyOf(applications);
        return true;
    }

    /** The control applications changed while connected: new subscriptions, then Kura's MQTT/APPS. */
    private void refreshApplications(Session session, MqttAsyncClient mqtt) throws InterruptedException {
        List<String> applications = control.applications();
        try {
            if (!subscribe(mqtt, applications)) return;
            CloudMessage apps = lifecycle.applications(route.interfaceName(), route.localAddress(), applications);
            mqtt.publish(apps.topic(), apps.payload(), QOS, false);
            LOG.info("Cloud uplink serves {} now (MQTT/APPS published)", applications);
        } catch (MqttException | UplinkException e) {
            session.lose("updating the control applications: " + describe(e));
        }
    }

    /** A reply or notification to the cloud on the current connection; lost with it if the connection drops. */
    private void publishControl(String topic, byte[] payload) {
        MqttAsyncClient mqtt = client;
        if (mqtt == null || !connected) {
            LOG.warn("Cloud reply on {} dropped: not connected", topic);
            return;
        }
        try {
            mqtt.publish(topic, payload, QOS, false);
        } catch (MqttException e) {
            LOG.warn("Cloud reply on {} not sent: {}", topic, describe(e));
        }
    }

    /** Publishes records until the connection is lost or the uplink stops. */
    private void publishUntilLost(Session session, OutboxCursor records) throws InterruptedException {
        MqttAsyncClient mqtt = client;
        while (!stopping && session.lostReason == null) {
            if (applicationsChanged.compareAndSet(true, false)) {
                refreshApplications(session, mqtt);
                continue;
            }
            int free = session.inflight.availablePermits();
            if (free == 0) {
                // every permit is with the broker: wait for a PUBACK to return one
                if (session.inflight.tryAcquire(POLL_MILLIS, TimeUnit.MILLISECONDS)) session.inflight.release();
                continue;
            }
            List<OutboxRecord> batch;
            try {
                batch = records.poll(Math.min(free, MAX_BATCH), POLL_MILLIS);
            } catch (IOException e) {
                // e.g. the cursor was removed: reconnect with a cursor opened afresh
                cursor = null;
                session.lose("outbox: " + e.getMessage());
                return;
            }
            for (OutboxRecord record : batch) {
                if (stopping || session.lostReason != null) break; // the rest goes out after the rewind
                CloudMessage message;
                try {
                    message = telemetry.fromRecord(record.seq(), record.payload());
                } catch (RuntimeException e) {
                    skip(records, record, e);
                    continue;
                }
                session.inflight.acquire(); // never waits: only this thread takes permits, and at most `free`
                try {
                    mqtt.publish(message.topic(), message.payload(), QOS, false, record.seq(), session);
                } catch (MqttException | RuntimeException e) {
                    session.inflight.release();
                    session.lose(describe(e));
                }
            }
        }
    }

    /** A record no publisher can turn into a message would block the cursor forever: log and drop it. */
    private void skip(OutboxCursor records, OutboxRecord record, RuntimeException e) {
        skipped.increment();
        LOG.warn("Cloud uplink skips outbox record {}: {} ({} skipped so far)", record.seq(), e.getMessage(), skipped.sum());
        records.ack(record.seq());
    }

    /** DC, then DISCONNECT (which waits a moment for PUBACKs still due), then close. */
    private void disconnectCleanly() {
        MqttAsyncClient mqtt = client;
        if (mqtt == null) return;
        try {
            if (mqtt.isConnected()) {
                CloudMessage goodbye = lifecycle.disconnect();
                mqtt.publish(goodbye.topic(), goodbye.payload(), QOS, false).waitForCompletion(LIFECYCLE_TIMEOUT_MILLIS);
                mqtt.disconnect(QUIESCE_MILLIS).waitForCompletion(QUIESCE_MILLIS + LIFECYCLE_TIMEOUT_MILLIS);
                LOG.info("Cloud uplink disconnected from {}", config.brokerUrl());
            }
            mqtt.close();
        } catch (MqttException | RuntimeException e) {
            LOG.warn("Cloud uplink did not disconnect cleanly from {}: {}", config.brokerUrl(), describe(e));
            closeForcibly(mqtt);
        } finally {
            client = null;
        }
    }

    private MqttConnectOptions options() throws UplinkException {
        MqttConnectOptions options = new MqttConnectOptions();
        options.setMqttVersion(MqttConnectOptions.MQTT_VERSION_3_1_1);
        options.setCleanSession(true);
        options.setAutomaticReconnect(false);
        options.setKeepAliveInterval(config.keepAliveSeconds());
        // one slot more than the data window: DC must get out even while the window is full
        options.setMaxInflight(config.maxInflight() + 1);
        options.setConnectionTimeout(CONNECT_TIMEOUT_SECONDS);
        CloudMessage will = lifecycle.lastWill();
        options.setWill(will.topic(), will.payload(), QOS, false);
        if (config.username() != null) options.setUserName(config.username());
        if (config.passwordFile() != null) options.setPassword(readPassword());
        if (config.tls() && config.trustStore() != null) {
            try {
                options.setSocketFactory(BrokerTls.socketFactory(config.trustStore()));
            } catch (IOException | GeneralSecurityException e) {
                throw new UplinkException(UplinkConfig.TRUST_STORE + ": cannot use " + config.trustStore() + ": " + e);
            }
        }
        return options;
    }

    /** The password, read now so a rotated file is picked up; trailing line breaks and blanks dropped. */
    private char[] readPassword() throws UplinkException {
        byte[] raw;
        try {
            raw = Files.readAllBytes(config.passwordFile());
        } catch (IOException e) {
            throw new UplinkException(UplinkConfig.PASSWORD_FILE + ": cannot read " + config.passwordFile() + " ("
                    + e.getClass().getSimpleName() + ")");
        }
        CharBuffer chars = StandardCharsets.UTF_8.decode(ByteBuffer.wrap(raw));
        Arrays.fill(raw, (byte) 0);
        int end = chars.limit();
        while (end > 0 && Character.isWhitespace(chars.get(end - 1))) end--;
        char[] password = new char[end];
        chars.get(password, 0, end);
        if (chars.hasArray()) Arrays.fill(chars.array(), '\0');
        return password;
    }

    /**
     * A fresh client per connection: nothing of a lost connection (threads, tokens, callbacks) can
     * reach the next one.
     */
    private MqttAsyncClient newClient(Session owner) throws UplinkException {
        discardClient();
        try {
            // in memory: the outbox keeps what must survive, Paho keeps only what is in flight
            MqttAsyncClient created = new MqttAsyncClient(config.brokerUrl(), config.clientId(), new MemoryPersistence());
            created.setCallback(new ConnectionWatch(owner));
            client = created;
            return created;
        } catch (MqttException | IllegalArgumentException e) {
            throw new UplinkException(UplinkConfig.BROKER_URL + ": " + e.getMessage());
        }
    }

    private void discardClient() {
        MqttAsyncClient previous = client;
        client = null;
        closeForcibly(previous);
    }

    /**
     * Waits for an MQTT action, giving up when asked to stop.
     *
     * @return false when stopping; the client is then closed
     */
    private boolean await(CompletableFuture<Void> action, long timeoutMillis, String what)
            throws UplinkException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        while (true) {
            if (stopping) {
                discardClient(); // a half-open connection cannot send DC: drop it
                return false;
            }
            try {
                action.get(100, TimeUnit.MILLISECONDS);
                return true;
            } catch (TimeoutException e) {
                if (System.nanoTime() - deadline > 0) {
                    throw new UplinkException("no answer from the broker within " + timeoutMillis + " ms while " + what);
                }
            } catch (ExecutionException e) {
                throw new UplinkException(describe(e.getCause()));
            }
        }
    }

    private static IMqttActionListener completing(CompletableFuture<Void> future) {
        return new IMqttActionListener() {
            @Override
            public void onSuccess(IMqttToken token) {
                future.complete(null);
            }

            @Override
            public void onFailure(IMqttToken token, Throwable failure) {
                future.completeExceptionally(failure == null ? new MqttException(MqttException.REASON_CODE_UNEXPECTED_ERROR) : failure);
            }
        };
    }

    private void closeForcibly(MqttAsyncClient mqtt) {
        if (mqtt == null) return;
        try {
            mqtt.disconnectForcibly(0, 500, false);
        } catch (MqttException | RuntimeException e) {
            // not connected: nothing to drop
        }
        try {
            mqtt.close(true);
        } catch (MqttException | RuntimeException e) {
            LOG.debug("Closing the MQTT client failed: {}", e.toString());
        }
    }

    /** A readable reason: Paho's message, its code and the cause (e.g. "Connection refused"). */
    static String describe(Throwable failure) {
        if (failure == null) return "unknown failure";
        StringBuilder text = new StringBuilder();
        String message = failure.getMessage();
        text.append(message == null || message.isBlank() ? failure.getClass().getSimpleName() : message);
        if (failure instanceof MqttException mqtt && mqtt.getReasonCode() != MqttException.REASON_CODE_CLIENT_EXCEPTION) {
            text.append(" (code ").append(mqtt.getReasonCode()).append(')');
        }
        Throwable cause = failure.getCause();
        if (cause != null && cause != failure) {
            String causeMessage = cause.getMessage();
            text.append(": ").append(cause.getClass().getSimpleName());
            if (causeMessage != null && !causeMessage.isBlank()) text.append(' ').append(causeMessage);
        }
        return text.toString();
    }

    /**
     * One connection's publishing state. Its PUBACK callbacks run on Paho's callback thread and do
     * only non-blocking work: acknowledge the record, count it, return the in-flight permit.
     */
    private final class Session implements IMqttActionListener {
        final Semaphore inflight;
        final OutboxCursor records;
        volatile String lostReason;

        Session(OutboxCursor records, int maxInflight) {
            this.records = records;
            this.inflight = new Semaphore(maxInflight);
        }

        void lose(String reason) {
            if (lostReason == null) lostReason = reason;
        }

        @Override
        public void onSuccess(IMqttToken token) {
            records.ack((Long) token.getUserContext());
            published.increment();
            inflight.release();
        }

        @Override
        public void onFailure(IMqttToken token, Throwable failure) {
            // not acknowledged: the record stays in the outbox and goes out again after the rewind
            inflight.release();
            lose(describe(failure));
        }
    }

    /** Paho's view of the connection: a loss ends the current session; requests go to {@link ControlRequests}. */
    private final class ConnectionWatch implements MqttCallback {
        private final Session owner;

        ConnectionWatch(Session owner) {
            this.owner = owner;
        }

        @Override
        public void connectionLost(Throwable cause) {
            owner.lose(describe(cause));
            if (current == owner) connected = false;
        }

        @Override
        public void messageArrived(String topic, MqttMessage message) {
            control.arrived(topics, topic, message.getPayload(), CloudPublisher.this::publishControl);
        }

        @Override
        public void deliveryComplete(IMqttDeliveryToken token) {
            // PUBACKs are handled per message by Session
        }
    }

    /** A connection attempt failed; the message says why, without secrets. */
    static final class UplinkException extends Exception {
        private static final long serialVersionUID = 1L;

        UplinkException(String message) {
            super(message);
        }
    }
}
