package org.outpost.cloud.mqtt.internal;

/**
 * The topic layout of Kura and Kapua for one gateway: data under
 * {@code <account>/<client-id>/<app-id>/...}, lifecycle and control under
 * {@code $EDC/<account>/<client-id>/...}.
 */
final class KuraTopics {

    static final String CONTROL_PREFIX = "$EDC";
    static final String ALERTS = "alerts";

    private final String dataPrefix;
    private final String controlPrefix;
    private final String account;
    private final String clientId;

    KuraTopics(String account, String clientId, String appId) {
        this.account = account;
        this.clientId = clientId;
        this.dataPrefix = account + '/' + clientId + '/' + appId + '/';
        this.controlPrefix = CONTROL_PREFIX + '/' + account + '/' + clientId + '/';
    }

    String birth() {
        return controlPrefix + "MQTT/BIRTH";
    }

    /** Published when the set of control applications changes. */
    String applications() {
        return controlPrefix + "MQTT/APPS";
    }

    /**
     * Progress of a request: {@code $EDC/<account>/<requester>/<app>/NOTIFY/<client-id>/<resource>}.
     */
    String notification(String requesterClientId, String controlApp, String resource) {
        return CONTROL_PREFIX + '/' + account + '/' + requesterClientId + '/' + controlApp + "/NOTIFY/" + clientId + '/' + resource;
    }

    /** Splits a request topic into application, method and resources; null when it is not one of ours. */
    String[] requestParts(String topic) {
        if (!topic.startsWith(controlPrefix)) return null;
        String[] parts = topic.substring(controlPrefix.length()).split("/", -1);
        return parts.length >= 2 ? parts : null;
    }

    /** Published before a clean disconnect. */
    String disconnect() {
        return controlPrefix + "MQTT/DC";
    }

    /** The will: the broker publishes it when the connection dies without a DISCONNECT. */
    String lastWill() {
        return controlPrefix + "MQTT/LWT";
    }

    /** {@code <account>/<client-id>/<app-id>/<device>/<channel>}. */
    String reading(String device, String channel) {
        return new StringBuilder(dataPrefix.length() + device.length() + channel.length() + 1)
                .append(dataPrefix).append(level(device)).append('/').append(level(channel)).toString();
    }

    /** {@code <account>/<client-id>/<app-id>/alerts/<rule>}. */
    String alert(String rule) {
        return new StringBuilder(dataPrefix.length() + ALERTS.length() + rule.length() + 1)
                .append(dataPrefix).append(ALERTS).append('/').append(level(rule)).toString();
    }

    /**
     * A name as one topic level: '/', '+', '#' and NUL (which would split the topic or make it a
     * wildcard) become '_'. Device and channel names never hold them; rule names might.
     */
    static String level(String name) {
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c == '/' || c == '+' || c == '#' || c == 0) return replaceReserved(name);
        }
        return name.isEmpty() ? "_" : name;
    }

    /** Whether a name is one topic level as it is: not empty, no '/', '+', '#' or NUL. */
    static boolean isLevel(String name) {
        return !name.isEmpty() && level(name).equals(name);
    }

    private static String replaceReserved(String name) {
        char[] chars = name.toCharArray();
        for (int i = 0; i < chars.length; i++) {
            char c = chars[i];
            if (c == '/' || c == '+' || c == '#' || c == 0) chars[i] = '_';
        }
        return new String(chars);
    }

    /** Requests to one control application, e.g. {@code $EDC/acme/gw-1/DEPLOY-V2/#}. */
    String requests(String controlApp) {
        return controlPrefix + controlApp + "/#";
    }

    /** Where the reply to a request goes: {@code $EDC/<account>/<requester>/<app>/REPLY/<request-id>}. */
    String reply(String requesterClientId, String controlApp, String requestId) {
        return CONTROL_PREFIX + '/' + account + '/' + requesterClientId + '/' + controlApp + "/REPLY/" + requestId;
    }
}
