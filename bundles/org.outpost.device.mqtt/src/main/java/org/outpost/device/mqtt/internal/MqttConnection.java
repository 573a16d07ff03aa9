package org.outpost.device.mqtt.internal;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.IMqttToken;
import org.eclipse.paho.client.mqttv3.MqttAsyncClient;
import org.eclipse.paho.client.mqttv3.MqttCallback;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.outpost.api.device.Channel;
import org.outpost.api.device.DeviceConnection;
import org.outpost.api.device.DeviceException;
import org.outpost.api.device.Quality;
import org.outpost.api.device.Reading;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.databind.ObjectReader;

/**
 * A device's session with its broker: subscribes to the topics of its channels, turns each message
 * into readings, and keeps the last one per channel for {@link #read}. Connecting and reconnecting
 * happen on one thread the connection owns, with a growing pause between failed attempts (Paho's
 * own automatic reconnect keeps a timer thread and a JVM-wide delay that survive {@code close()}).
 */
final class MqttConnection implements DeviceConnection, MqttCallback {

    private static final Logger LOG = LoggerFactory.getLogger(MqttConnection.class);

    private static final long FIRST_RETRY_MILLIS = 500;
    private static final long MAX_RETRY_MILLIS = 30_000;
    private static final int CONNECT_TIMEOUT_SECONDS = 10;
    private static final long OPEN_WAIT_MILLIS = 5_000;
    private static final long CLOSE_WAIT_MILLIS = 2_000;
    /** The SUBACK return code of a refused filter. */
    private static final int SUBSCRIPTION_REFUSED = 0x80;

    private final String device;
    private final BrokerSettings settings;
    private final MqttAsyncClient client;
    private final MqttConnectOptions options;
    private final ObjectReader json;
    private final ScheduledExecutorService connector;
    private final List<ChannelTopic> topics = new CopyOnWriteArrayList<>();
    private final Map<String, Reading> latest = new ConcurrentHashMap<>();
    private final Map<String, Consumer<Reading>> sinks = new ConcurrentHashMap<>();
    private volatile boolean closed;
    /** Connected and subscribed to every topic: messages can flow. */
    private volatile boolean subscribed;
    private final Object attemptLock = new Object();
    private ScheduledFuture<?> nextAttempt;
    /** Touched only on the connector thread. */
    private long retryMillis = FIRST_RETRY_MILLIS;
    private boolean reportedDown;

    MqttConnection(String device, BrokerSettings settings, MqttAsyncClient client, MqttConnectOptions options,
            List<ChannelTopic> topics, ObjectReader json) {
        this.device = device;
        this.settings = settings;
        this.client = client;
        this.options = options;
        this.json = json;
        this.topics.addAll(topics);
        this.connector = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread thread = new Thread(task, "outpost-mqtt-" + device);
            thread.setDaemon(true);
            return thread;
        });
        client.setCallback(this);
    }

    /** Starts connecting, and waits a few seconds for the first attempt so a reachable broker is connected on return. */
    void start() {
        Future<?> first = connector.submit(this::connect);
        try {
            first.get(OPEN_WAIT_MILLIS, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            // the connector keeps trying on its own
        }
    }

    /** One attempt to connect and subscribe; on failure the next is scheduled. Runs on the connector thread. */
    private void connect() {
        if (closed || (subscribed && client.isConnected())) return;
        subscribed = false;
        try {
            // an attempt that timed out may still have connected meanwhile: then only subscribe
            if (!client.isConnected()) client.connect(options).waitForCompletion((CONNECT_TIMEOUT_SECONDS + 5) * 1_000L);
            subscribe(topics);
            subscribed = true;
            retryMillis = FIRST_RETRY_MILLIS;
            if (reportedDown) {
                LOG.info("Device {}: connected to broker {} again", device, settings.brokerUrl());
            } else {
                LOG.info("Device {}: connected to broker {}", device, settings.brokerUrl());
            }
            reportedDown = false;
        } catch (MqttException | RuntimeException e) {
            if (closed) return;
            if (client.isConnected()) disconnectQuietly(); // connected but not subscribed: start over
            if (!reportedDown) {
                LOG.warn("Device {}: cannot connect to broker {} ({}); retrying", device, settings, reason(e));
                reportedDown = true;
            } else {
                LOG.debug("Device {}: still cannot connect to broker {} ({})", device, settings, reason(e));
            }
            scheduleAttempt(this::connect, retryMillis);
            retryMillis = Math.min(MAX_RETRY_MILLIS, retryMillis * 2);
        }
    }

    private void subscribe(List<ChannelTopic> wanted) throws MqttException {
        Set<String> filters = new LinkedHashSet<>();
        for (ChannelTopic topic : wanted) filters.add(topic.filter());
        if (filters.isEmpty()) return;
        String[] filterArray = filters.toArray(new String[0]);
        int[] qos = new int[filterArray.length];
        Arrays.fill(qos, settings.qos());
        IMqttToken token = client.subscribe(filterArray, qos);
        token.waitForCompletion((CONNECT_TIMEOUT_SECONDS + 5) * 1_000L);
        int[] granted = token.getGrantedQos();
        for (int i = 0; granted != null && i < granted.length && i < filterArray.length; i++) {
            if (granted[i] == SUBSCRIPTION_REFUSED) refused(filterArray[i]);
        }
    }

    /** The broker refused a filter (e.g. its ACL): its channels say so until a message arrives. */
    private void refused(String filter) {
        LOG.warn("Device {}: broker {} refused the subscription to {}", device, settings.brokerUrl(), filter);
        long now = System.currentTimeMillis();
        for (ChannelTopic topic : topics) {
            if (!topic.filter().equals(filter)) continue;
            String channel = topic.channel().name();
            latest.putIfAbsent(channel, Reading.bad(device, channel, now, "broker refused the subscription to " + filter));
        }
    }

    @Override
    public void connectionLost(Throwable cause) {
        subscribed = false;
        if (closed) return;
        LOG.warn("Device {}: lost broker {} ({}); reconnecting", device, settings.brokerUrl(), reason(cause));
        scheduleAttempt(() -> {
            subscribed = false; // again, on this thread, after any attempt that was under way
            reportedDown = true;
            retryMillis = FIRST_RETRY_MILLIS;
            connect();
        }, 0);
    }

    @Override
    public void messageArrived(String topic, MqttMessage message) {
        long now = System.currentTimeMillis();
        byte[] payload = message.getPayload();
        for (ChannelTopic channelTopic : topics) {
            // never throw from here: Paho would drop the connection
            try {
                if (!channelTopic.matches(topic)) continue;
                Reading reading = channelTopic.decode(device, topic, payload, now, json);
                String channel = channelTopic.channel().name();
                latest.put(channel, reading);
                Consumer<Reading> sink = sinks.get(channel);
                if (sink != null) sink.accept(reading);
            } catch (RuntimeException e) {
                LOG.warn("Device {}: a message on {} could not be delivered to channel {}: {}", device, topic,
                        channelTopic.channel().name(), e.toString());
            }
        }
    }

    @Override
    public void deliveryComplete(IMqttDeliveryToken token) {
        // this connection never publishes
    }

    @Override
    public List<Reading> read(List<Channel> channels) {
        boolean connected = connected();
        long now = System.currentTimeMillis();
        List<Reading> readings = new ArrayList<>(channels.size());
        for (Channel channel : channels) {
            Reading last = latest.get(channel.name());
            if (last == null) {
                readings.add(Reading.bad(device, channel.name(), now, ChannelTopic.NO_MESSAGE_YET));
            } else if (!connected && last.quality() == Quality.GOOD) {
                readings.add(new Reading(device, channel.name(), last.timestamp(), last.type(), last.value(),
                        Quality.UNCERTAIN, "not connected to broker " + settings.brokerUrl()));
            } else {
                readings.add(last);
            }
        }
        return readings;
    }

    @Override
    public void write(Channel channel, Object rawValue) throws DeviceException {
        throw new DeviceException("channel " + channel.name() + " of " + device + " is read-only: the mqtt driver only reads");
    }

    @Override
    public void listen(List<Channel> channels, Consumer<Reading> sink) throws DeviceException {
        if (closed) throw new DeviceException("the connection of " + device + " is closed");
        List<ChannelTopic> added = new ArrayList<>();
        for (Channel channel : channels) {
            if (topics.stream().noneMatch(t -> t.channel().name().equals(channel.name()))) {
                List<String> problems = new ArrayList<>();
                ChannelTopic topic = ChannelTopic.of(channel, problems);
                if (topic == null) throw new DeviceException(String.join("; ", problems));
                added.add(topic);
            }
        }
        for (Channel channel : channels) sinks.put(channel.name(), sink);
        if (!added.isEmpty()) {
            topics.addAll(added);
            schedule(() -> {
                try {
                    if (subscribed) subscribe(added);
                } catch (MqttException e) {
                    LOG.warn("Device {}: cannot subscribe to {} ({}); reconnecting", device, filters(added), reason(e));
                    subscribed = false;
                    disconnectQuietly();
                    connect(); // subscribes to every topic, or schedules the next attempt
                }
            }, 0);
        }
    }

    @Override
    public boolean connected() {
        return subscribed && client.isConnected();
    }

    @Override
    public synchronized void close() {
        if (closed) return;
        closed = true;
        connector.shutdownNow();
        try {
            connector.awaitTermination(CLOSE_WAIT_MILLIS, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        boolean wasConnected = client.isConnected();
        if (wasConnected) {
            try {
                client.disconnect(0).waitForCompletion(CLOSE_WAIT_MILLIS);
            } catch (MqttException | RuntimeException e) {
                LOG.debug("Device {}: clean disconnect failed ({})", device, reason(e));
            }
        }
        try {
            client.close();
        } catch (MqttException e) {
            // still connecting or disconnecting: cut the network connection, then close
            try {
                client.disconnectForcibly(0, CLOSE_WAIT_MILLIS, false);
                client.close(true);
            } catch (MqttException | RuntimeException again) {
                LOG.debug("Device {}: closing the client failed ({})", device, reason(again));
            }
        }
        if (wasConnected) LOG.info("Device {}: disconnected from broker {}", device, settings.brokerUrl());
    }

    private void disconnectQuietly() {
        try {
            client.disconnectForcibly(0, 1_000, true);
        } catch (MqttException | RuntimeException e) {
            LOG.debug("Device {}: disconnect failed ({})", device, reason(e));
        }
    }

    private static List<String> filters(List<ChannelTopic> topics) {
        return topics.stream().map(ChannelTopic::filter).distinct().toList();
    }

    private ScheduledFuture<?> schedule(Runnable task, long delayMillis) {
        try {
            return connector.schedule(task, delayMillis, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            return null; // closed meanwhile
        }
    }

    /** Schedules the next attempt, replacing one still pending so that attempts never run in two chains. */
    private void scheduleAttempt(Runnable attempt, long delayMillis) {
        synchronized (attemptLock) {
            if (nextAttempt != null) nextAttempt.cancel(false);
            nextAttempt = schedule(attempt, delayMillis);
        }
    }

    private static String reason(Throwable e) {
        if (e == null) return "no reason given";
        Throwable cause = e.getCause() != null ? e.getCause() : e;
        String message = e.getMessage();
        if (cause != e && cause.getMessage() != null) message = message + ": " + cause.getMessage();
        return message == null ? e.toString() : message;
    }
}
