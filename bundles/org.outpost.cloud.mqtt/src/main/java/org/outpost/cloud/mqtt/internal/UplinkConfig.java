package org.outpost.cloud.mqtt.internal;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The uplink's configuration, checked: every problem is reported at once, each naming its key.
 *
 * @param brokerUrl {@code tcp://host[:port]} or {@code ssl://host[:port]}, never with credentials
 * @param passwordFile read at every connect (so a rotated password is picked up); null for none
 * @param trustStore trust store for ssl:// brokers; null for the JVM's own
 * @param keepAliveSeconds 0 turns keep-alive off
 */
record UplinkConfig(String brokerUrl, String account, String clientId, String username, Path passwordFile,
        String appId, int keepAliveSeconds, int maxInflight, Path trustStore) {

    static final String BROKER_URL = "broker.url";
    static final String ACCOUNT = "account";
    static final String CLIENT_ID = "client.id";
    static final String USERNAME = "username";
    static final String PASSWORD_FILE = "password.file";
    static final String APP_ID = "app.id";
    static final String KEEP_ALIVE = "keep.alive";
    static final String MAX_INFLIGHT_KEY = "max.inflight";
    static final String TRUST_STORE = "trust.store";

    static final String DEFAULT_APP_ID = "outpost";
    static final int DEFAULT_KEEP_ALIVE = 30;
    static final int DEFAULT_MAX_INFLIGHT = 1000;
    /** MQTT packet identifiers are 16 bits (65,535 of them); some stay free for lifecycle messages. */
    static final int MAX_INFLIGHT = 65_000;

    boolean tls() {
        return brokerUrl.startsWith("ssl://");
    }

    /**
     * Checks raw values as Config Admin hands them over (null for a missing key).
     *
     * @throws InvalidUplinkConfigException listing every problem
     */
    static UplinkConfig of(String brokerUrl, String account, String clientId, String username, String passwordFile,
            String appId, int keepAlive, int maxInflight, String trustStore) throws InvalidUplinkConfigException {
        List<String> problems = new ArrayList<>();
        String broker = broker(brokerUrl, problems);
        String checkedAccount = topicSegment(ACCOUNT, account, null, problems);
        String checkedClientId = topicSegment(CLIENT_ID, clientId, null, problems);
        String checkedAppId = topicSegment(APP_ID, appId, DEFAULT_APP_ID, problems);
        if (keepAlive < 0 || keepAlive > 65_535) {
            problems.add(KEEP_ALIVE + ": " + keepAlive + " is not between 0 and 65535 seconds");
        }
        if (maxInflight < 1 || maxInflight > MAX_INFLIGHT) {
            problems.add(MAX_INFLIGHT_KEY + ": " + maxInflight + " is not between 1 and " + MAX_INFLIGHT);
        }
        Path password = path(PASSWORD_FILE, passwordFile, problems);
        Path trust = path(TRUST_STORE, trustStore, problems);
        if (trust != null && broker != null && !broker.startsWith("ssl://")) {
            problems.add(TRUST_STORE + ": only used with an ssl:// " + BROKER_URL);
        }
        String user = blank(username) ? null : username.trim();
        if (password != null && user == null) {
            problems.add(PASSWORD_FILE + ": a password needs a " + USERNAME + " (MQTT 3.1.1 sends none without one)");
        }
        if (!problems.isEmpty()) throw new InvalidUplinkConfigException(problems);
        return new UplinkConfig(broker, checkedAccount, checkedClientId, user, password, checkedAppId, keepAlive,
                maxInflight, trust);
    }

    /**
     * A broker URL fit for logs and status: whatever stood between the scheme and an '@' (user
     * info, perhaps a password) is cut out.
     */
    static String redact(String brokerUrl) {
        if (brokerUrl == null) return "";
        String text = brokerUrl.trim();
        int scheme = text.indexOf("://");
        int at = text.lastIndexOf('@');
        if (scheme >= 0 && at > scheme) return text.substring(0, scheme + 3) + text.substring(at + 1);
        if (scheme < 0 && at >= 0) return text.substring(at + 1);
        return text;
    }

    private static String broker(String text, List<String> problems) {
        if (blank(text)) {
            problems.add(BROKER_URL + ": missing (e.g. tcp://broker.example.com:1883 or ssl://broker.example.com:8883)");
            return null;
        }
        String shown = redact(text);
        URI uri;
        try {
            uri = new URI(text.trim());
        } catch (URISyntaxException e) {
            problems.add(BROKER_URL + ": '" + shown + "' is not a URL (" + e.getReason() + ")");
            return null;
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("tcp") && !scheme.equals("ssl")) {
            problems.add(BROKER_URL + ": '" + shown + "' must start with tcp:// or ssl://");
            return null;
        }
        if (uri.getRawUserInfo() != null) {
            problems.add(BROKER_URL + ": '" + shown + "' must not carry credentials; set " + USERNAME + " and "
                    + PASSWORD_FILE);
            return null;
        }
        if (uri.getHost() == null) {
            problems.add(BROKER_URL + ": '" + shown + "' names no host");
            return null;
        }
        String path = uri.getRawPath();
        if ((path != null && !path.isEmpty() && !path.equals("/")) || uri.getRawQuery() != null || uri.getRawFragment() != null) {
            problems.add(BROKER_URL + ": '" + shown + "' must be scheme://host[:port] only");
            return null;
        }
        if (uri.getPort() == 0 || uri.getPort() > 65_535) {
            problems.add(BROKER_URL + ": '" + shown + "' has no valid port");
            return null;
        }
        String host = uri.getHost();
        return scheme + "://" + host + (uri.getPort() > 0 ? ":" + uri.getPort() : "");
    }

    /** Account, client id and app id become topic levels: no separators, wildcards or blanks. */
    private static String topicSegment(String key, String value, String fallback, List<String> problems) {
        if (blank(value)) {
            if (fallback != null) return fallback;
            problems.add(key + ": missing");
            return null;
        }
        String text = value.trim();
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '/' || c == '+' || c == '#' || Character.isWhitespace(c) || Character.isISOControl(c)) {
                problems.add(key + ": '" + text + "' must not contain '/', '+', '#' or spaces (it is an MQTT topic level)");
                return null;
            }
        }
        if (text.startsWith("$")) {
            problems.add(key + ": '" + text + "' must not start with '$'");
            return null;
        }
        if (text.length() > 256) problems.add(key + ": longer than 256 characters");
        return text;
    }

    private static Path path(String key, String value, List<String> problems) {
        if (blank(value)) return null;
        try {
            return Path.of(value.trim());
        } catch (InvalidPathException e) {
            problems.add(key + ": '" + value + "' is not a file path");
            return null;
        }
    }

    private static boolean blank(String value) {
        return value == null || value.isBlank();
    }
}
