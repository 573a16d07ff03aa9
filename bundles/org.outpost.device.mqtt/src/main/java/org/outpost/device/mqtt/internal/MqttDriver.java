package org.outpost.device.mqtt.internal;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import org.eclipse.paho.client.mqttv3.MqttAsyncClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.outpost.api.device.Channel;
import org.outpost.api.device.Device;
import org.outpost.api.device.DeviceConnection;
import org.outpost.api.device.DeviceDriver;
import org.outpost.api.device.DeviceException;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;

/**
 * Devices that publish to an MQTT broker: each channel subscribes to a topic (wildcards allowed)
 * and takes the whole message or one value out of its JSON.
 */
@Component(service = DeviceDriver.class, configurationPolicy = ConfigurationPolicy.IGNORE,
        property = DeviceDriver.TYPE_PROPERTY + "=" + MqttDriver.TYPE)
public class MqttDriver implements DeviceDriver {

    static final String TYPE = "mqtt";
    private static final int KEEP_ALIVE_SECONDS = 30;
    private static final int CONNECT_TIMEOUT_SECONDS = 10;

    /** Thread-safe and immutable; trailing text after the JSON makes a message invalid, not half-read. */
    private final ObjectReader json = new ObjectMapper().reader().with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public String description() {
        return "Values from MQTT messages (whole payload or a JSON path), pushed as they arrive";
    }

    @Override
    public List<String> channelArguments() {
        return List.of(ChannelTopic.TOPIC, ChannelTopic.JSON_PATH);
    }

    @Override
    public List<String> deviceKeys() {
        return List.of(BrokerSettings.BROKER_URL, BrokerSettings.CLIENT_ID, BrokerSettings.USERNAME, BrokerSettings.PASSWORD_FILE,
                BrokerSettings.QOS);
    }

    @Override
    public List<String> validate(Device device) {
        List<String> problems = new ArrayList<>();
        BrokerSettings.of(device, problems);
        for (Channel channel : device.channels()) {
            ChannelTopic.of(channel, problems);
        }
        return problems;
    }

    @Override
    public DeviceConnection open(Device device) throws DeviceException {
        List<String> problems = new ArrayList<>();
        BrokerSettings settings = BrokerSettings.of(device, problems);
        List<ChannelTopic> topics = new ArrayList<>();
        for (Channel channel : device.channels()) {
            ChannelTopic topic = ChannelTopic.of(channel, problems);
            if (topic != null && channel.enabled()) topics.add(topic);
        }
        if (!problems.isEmpty()) {
            throw new DeviceException("device " + device.name() + ": " + String.join("; ", problems));
        }
        MqttConnectOptions options = new MqttConnectOptions();
        options.setCleanSession(true);
        options.setAutomaticReconnect(false); // the connection reconnects on its own thread
        options.setKeepAliveInterval(KEEP_ALIVE_SECONDS);
        options.setConnectionTimeout(CONNECT_TIMEOUT_SECONDS);
        options.setMqttVersion(MqttConnectOptions.MQTT_VERSION_3_1_1);
        if (settings.username() != null) options.setUserName(settings.username());
        try {
            char[] password = settings.password();
            if (password != null) options.setPassword(password);
        } catch (IOException e) {
            throw new DeviceException("device " + device.name() + ": " + BrokerSettings.PASSWORD_FILE + ": cannot read "
                    + settings.passwordFile() + " (" + e.getMessage() + ")");
        }
        MqttAsyncClient client;
        try {
            client = new MqttAsyncClient(settings.brokerUrl(), settings.clientId(), new MemoryPersistence());
        } catch (MqttException | IllegalArgumentException e) {
            throw new DeviceException("device " + device.name() + ": " + BrokerSettings.BROKER_URL + ": cannot use "
                    + settings.brokerUrl() + " (" + e.getMessage() + ")", e);
        }
        MqttConnection connection = new MqttConnection(device.name(), settings, client, options, topics, json);
        connection.start();
        return connection;
    }
}
