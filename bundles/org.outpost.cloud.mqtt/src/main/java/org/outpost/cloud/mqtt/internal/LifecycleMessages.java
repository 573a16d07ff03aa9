package org.outpost.cloud.mqtt.internal;

import java.util.List;

import org.outpost.cloud.mqtt.internal.proto.KuraPayloadProto.KuraPayload;

/**
 * The lifecycle messages Kura gateways send and Kapua reads: BIRTH on every connect, DC before a
 * clean disconnect, and the LWT the broker sends for us when the connection dies. As in Kura, every
 * BIRTH metric is a STRING (Kapua reads them as such). Outpost names itself in
 * {@code application_framework} and {@code firmware_version}; it sends no {@code kura_version}.
 */
final class LifecycleMessages {

    static final String PAYLOAD_ENCODING = "KURA_PROTOBUF";
    static final String ACCEPT_ENCODING = "gzip";
    static final String FRAMEWORK = "Outpost";

    private final KuraTopics topics;
    private final NodeFacts node;
    private final String clientId;
    private final String dataApplication;

    /** @param dataApplication the application of data messages, first in Kura's {@code application_ids} */
    LifecycleMessages(KuraTopics topics, NodeFacts node, String clientId, String dataApplication) {
        this.topics = topics;
        this.node = node;
        this.clientId = clientId;
        this.dataApplication = dataApplication;
    }

    /**
     * @param connectionInterface the network interface the broker is reached through (e.g. eth0), or empty
     * @param connectionIp this node's address on it, or empty
     * @param controlApplications the control applications served now, e.g. DEPLOY-V2
     */
    CloudMessage birth(String connectionInterface, String connectionIp, List<String> controlApplications) {
        return new CloudMessage(topics.birth(), certificate(connectionInterface, connectionIp, controlApplications));
    }

    /** Kura's {@code MQTT/APPS}: the BIRTH's metrics again, sent when the served applications change. */
    CloudMessage applications(String connectionInterface, String connectionIp, List<String> controlApplications) {
        return new CloudMessage(topics.applications(), certificate(connectionInterface, connectionIp, controlApplications));
    }

    private byte[] certificate(String connectionInterface, String connectionIp, List<String> controlApplications) {
        List<String> applicationIds = new java.util.ArrayList<>();
        applicationIds.add(dataApplication);
        applicationIds.addAll(controlApplications);
        Runtime runtime = Runtime.getRuntime();
        KuraPayload.Builder payload = KuraPayload.newBuilder().setTimestamp(System.currentTimeMillis());
        add(payload, "uptime", Long.toString(uptimeMillis()));
        add(payload, "display_name", node.displayName());
        add(payload, "model_name", node.modelName());
        add(payload, "serial_number", node.serialNumber());
        add(payload, "firmware_version", node.version());
        add(payload, "application_framework", FRAMEWORK);
        add(payload, "application_framework_version", node.version());
        add(payload, "os", System.getProperty("os.name", ""));
        add(payload, "os_version", System.getProperty("os.version", ""));
        add(payload, "os_arch", System.getProperty("os.arch", ""));
        add(payload, "jvm_name", System.getProperty("java.vm.name", ""));
        add(payload, "jvm_version", System.getProperty("java.vm.version", ""));
        add(payload, "jvm_profile", System.getProperty("java.vm.vendor", ""));
        add(payload, "osgi_framework", node.osgiFramework());
        add(payload, "osgi_framework_version", node.osgiFrameworkVersion());
        add(payload, "connection_interface", connectionInterface);
        add(payload, "connection_ip", connectionIp);
        add(payload, "accept_encoding", ACCEPT_ENCODING);
        add(payload, "payload_encoding", PAYLOAD_ENCODING);
        add(payload, "application_ids", String.join(",", applicationIds));
        add(payload, "available_processors", Integer.toString(runtime.availableProcessors()));
        // kB, as Kura reports the JVM's memory
        add(payload, "total_memory", Long.toString(runtime.totalMemory() / 1024));
        add(payload, "free_memory", Long.toString(runtime.freeMemory() / 1024));
        add(payload, "client_id", clientId);
        return KuraPayloadCodec.encode(payload.build());
    }

    CloudMessage disconnect() {
        return new CloudMessage(topics.disconnect(), goodbye());
    }

    /** Built at connect time; the broker holds it until the connection dies. */
    CloudMessage lastWill() {
        return new CloudMessage(topics.lastWill(), goodbye());
    }

    private byte[] goodbye() {
        KuraPayload.Builder payload = KuraPayload.newBuilder().setTimestamp(System.currentTimeMillis());
        add(payload, "uptime", Long.toString(uptimeMillis()));
        add(payload, "display_name", node.displayName());
        add(payload, "client_id", clientId);
        return KuraPayloadCodec.encode(payload.build());
    }

    private long uptimeMillis() {
        return Math.max(0, System.currentTimeMillis() - node.started().toEpochMilli());
    }

    /** Empty values are left out, as Kura leaves out what it does not know. */
    private static void add(KuraPayload.Builder payload, String name, String value) {
        if (value != null && !value.isEmpty()) payload.addMetric(KuraMetrics.string(name, value));
    }
}
