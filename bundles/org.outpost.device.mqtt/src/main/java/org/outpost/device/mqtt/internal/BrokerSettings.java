package org.outpost.device.mqtt.internal;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

import org.outpost.api.device.Device;

/**
 * Where a device's broker is and how to log in. The password stays in its file until the
 * connection is opened, and is never part of a message or log line.
 *
 * @param passwordFile null when the broker takes no password
 */
record BrokerSettings(String brokerUrl, String clientId, String username, Path passwordFile, int qos) {

    static final String BROKER_URL = "broker.url";
    static final String CLIENT_ID = "client.id";
    static final String USERNAME = "username";
    static final String PASSWORD_FILE = "password.file";
    static final String QOS = "qos";

    /**
     * The device's settings; each problem is added to {@code problems} as one sentence naming the
     * key, and then the result is null.
     */
    static BrokerSettings of(Device device, List<String> problems) {
        int before = problems.size();
        String url = device.value(BROKER_URL, null);
        if (url == null) {
            problems.add(BROKER_URL + ": missing (e.g. tcp://127.0.0.1:1883 or ssl://broker.example.com:8883)");
        } else {
            url = url.trim();
            String problem = brokerUrlProblem(url);
            if (problem != null) problems.add(BROKER_URL + ": " + problem);
        }
        String clientId = device.value(CLIENT_ID, "outpost-" + device.name()).trim();
        if (clientId.isEmpty() || clientId.length() > 65535) {
            problems.add(CLIENT_ID + ": must be between 1 and 65535 characters");
        }
        String username = device.value(USERNAME, null);
        Path passwordFile = null;
        String passwordText = device.value(PASSWORD_FILE, null);
        if (passwordText != null) {
            try {
                passwordFile = Path.of(passwordText.trim());
                if (!Files.isRegularFile(passwordFile)) {
                    problems.add(PASSWORD_FILE + ": " + passwordText.trim() + " is not a file");
                } else if (!Files.isReadable(passwordFile)) {
                    problems.add(PASSWORD_FILE + ": " + passwordText.trim() + " is not readable by the gateway");
                }
            } catch (InvalidPathException e) {
                problems.add(PASSWORD_FILE + ": '" + passwordText + "' is not a path");
            }
            if (username == null) problems.add(PASSWORD_FILE + ": a password needs a username (MQTT 3.1.1)");
        }
        int qos = 1;
        String qosText = device.value(QOS, null);
        if (qosText != null) {
            switch (qosText.trim()) {
                case "0" -> qos = 0;
                case "1" -> qos = 1;
                default -> problems.add(QOS + ": '" + qosText + "' is not 0 or 1");
            }
        }
        if (problems.size() > before) return null;
        return new BrokerSettings(url, clientId, username, passwordFile, qos);
    }

    private static String brokerUrlProblem(String url) {
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            return "'" + url + "' is not a URL (" + e.getReason() + ")";
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("tcp") && !scheme.equals("ssl")) {
            return "'" + url + "' must start with tcp:// or ssl://";
        }
        if (uri.getRawUserInfo() != null) {
            return "the URL must not carry credentials; use username and password.file";
        }
        if (uri.getHost() == null || uri.getHost().isEmpty()) return "'" + url + "' names no host";
        if (uri.getRawPath() != null && !uri.getRawPath().isEmpty()) return "'" + url + "' must not have a path";
        if (uri.getRawQuery() != null || uri.getRawFragment() != null) return "'" + url + "' must not have a query";
        return null;
    }

    /** The password from its file without the final line break, or null when there is none. */
    char[] password() throws IOException {
        if (passwordFile == null) return null;
        byte[] bytes = Files.readAllBytes(passwordFile);
        try {
            int length = bytes.length;
            while (length > 0 && (bytes[length - 1] == '\n' || bytes[length - 1] == '\r')) length--;
            CharBuffer chars = StandardCharsets.UTF_8.decode(ByteBuffer.wrap(bytes, 0, length));
            char[] password = new char[chars.remaining()];
            chars.get(password);
            Arrays.fill(chars.array(), '\0');
            return password;
        } finally {
            Arrays.fill(bytes, (byte) 0);
        }
    }

    /** The settings without the password, for messages. */
    @Override
    public String toString() {
        return brokerUrl + " as " + clientId + (username == null ? "" : " (user " + username + ")");
    }
}
