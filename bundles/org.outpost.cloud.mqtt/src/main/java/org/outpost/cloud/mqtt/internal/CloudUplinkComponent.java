package org.outpost.cloud.mqtt.internal;

import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.outpost.api.kura.CloudRequestHandler;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.outpost.api.LocalNode;
import org.outpost.api.device.CloudStatus;
import org.outpost.api.device.CloudUplink;
import org.outpost.outbox.Outbox;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's uplink to a Kura/Kapua-style MQTT broker, present while {@value CloudUplink#PID} is
 * configured. A configuration change reconnects (DC, then a new connection and BIRTH) without
 * re-registering the service. A configuration that cannot work is reported in the log and in
 * {@link CloudStatus#lastError()}; the service stays registered so {@code edge:cloud-status} can say why.
 */
@Component(service = CloudUplink.class, configurationPid = CloudUplink.PID,
        configurationPolicy = ConfigurationPolicy.REQUIRE)
@Designate(ocd = CloudUplinkComponent.Config.class)
public class CloudUplinkComponent implements CloudUplink {

    private static final Logger LOG = LoggerFactory.getLogger(CloudUplinkComponent.class);

    @ObjectClassDefinition(name = "Outpost cloud uplink",
            description = "MQTT 3.1.1 connection to a broker in Eclipse Kura / Kapua's topic and payload layout")
    public @interface Config {
        @AttributeDefinition(name = "Broker URL", description = "tcp://host:1883 or ssl://host:8883; no credentials here")
        String broker_url();

        @AttributeDefinition(name = "Account", description = "Kapua account (first topic level)")
        String account();

        @AttributeDefinition(name = "Client id", description = "MQTT client id of this gateway (second topic level)")
        String client_id();

        @AttributeDefinition(name = "Username", required = false)
        String username() default "";

        @AttributeDefinition(name = "Password file", required = false,
                description = "File holding the broker password, read at every connect")
        String password_file() default "";

        @AttributeDefinition(name = "Application id", description = "Third topic level of data messages")
        String app_id() default UplinkConfig.DEFAULT_APP_ID;

        @AttributeDefinition(name = "Keep-alive", description = "Seconds; 0 turns keep-alive off", min = "0", max = "65535")
        int keep_alive() default UplinkConfig.DEFAULT_KEEP_ALIVE;

        @AttributeDefinition(name = "Messages in flight", description = "QoS 1 messages sent and not yet acknowledged",
                min = "1", max = "65000")
        int max_inflight() default UplinkConfig.DEFAULT_MAX_INFLIGHT;

        @AttributeDefinition(name = "Trust store", required = false,
                description = "For ssl:// brokers: PEM file of CA certificates, or a JKS/PKCS#12 store without password; "
                        + "empty for the JVM's trust store")
        String trust_store() default "";
    }

    @Reference
    private Outbox outbox;

    @Reference
    private LocalNode node;

    private NodeFacts facts;
    private final CloudRequestDispatcher requests = new CloudRequestDispatcher();

    /** Control applications (DEPLOY-V2, CONF-V2, ...) come and go with their bundles. */
    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    public void addRequestHandler(CloudRequestHandler handler) {
        requests.add(handler);
    }

    public void removeRequestHandler(CloudRequestHandler handler) {
        requests.remove(handler);
    }

    public CloudUplinkComponent() {
    }

    /** Outside OSGi (tests, bench/): with the references DS would inject. */
    public CloudUplinkComponent(Outbox outbox, LocalNode node) {
        this.outbox = outbox;
        this.node = node;
    }
    private volatile CloudPublisher publisher;
    /** Set instead of a publisher when the configuration cannot work. */
    private volatile CloudStatus invalid;

    @Activate
    void activate(Config config, BundleContext context) {
        activateWith(config, context.getProperty(Constants.FRAMEWORK_VENDOR), context.getProperty(Constants.FRAMEWORK_VERSION));
    }

    /** Outside OSGi: what {@link #activate(Config, BundleContext)} does, with the framework named directly. */
    public void activateWith(Config config, String frameworkVendor, String frameworkVersion) {
        facts = NodeFacts.of(node, frameworkVendor, frameworkVersion);
        start(config);
    }

    @Modified
    void modified(Config config) {
        stop();
        start(config);
    }

    /**
     * DC and a clean disconnect first; only when the connection was removed on purpose (its
     * configuration deleted, {@code edge:cloud-disconnect}) does the cloud cursor go too, after
     * the publisher is done with it: removed earlier, it would end the session before DC.
     */
    /** ComponentConstants.DEACTIVATION_REASON_CONFIGURATION_DELETED, without importing the DS runtime API for it. */
    private static final int CONFIGURATION_DELETED = 4;

    @Deactivate
    void deactivate(int reason) {
        deactivate();
        if (reason == CONFIGURATION_DELETED) {
            try {
                outbox.removeCursor(CloudPublisher.CURSOR);
            } catch (java.io.IOException e) {
                LOG.warn("Cloud uplink removed, but its outbox cursor stays: {}", e.getMessage());
            }
        }
    }

    /** Stops the uplink (DC, clean disconnect), keeping its cursor for a later start. */
    public void deactivate() {
        stop();
        requests.close();
    }

    @Override
    public CloudStatus status() {
        CloudPublisher running = publisher;
        if (running != null) return running.status();
        CloudStatus rejected = invalid;
        return rejected != null ? rejected : new CloudStatus("", "", "", false, 0, 0, 0, "restarting");
    }

    private void start(Config config) {
        try {
            UplinkConfig checked = UplinkConfig.of(config.broker_url(), config.account(), config.client_id(),
                    config.username(), config.password_file(), config.app_id(), config.keep_alive(),
                    config.max_inflight(), config.trust_store());
            CloudPublisher started = new CloudPublisher(checked, outbox, facts, requests);
            invalid = null;
            publisher = started;
            started.start();
        } catch (InvalidUplinkConfigException e) {
            LOG.error("Cloud uplink not started: {}", e.getMessage());
            invalid = new CloudStatus(UplinkConfig.redact(config.broker_url()), nullToEmpty(config.account()),
                    nullToEmpty(config.client_id()), false, 0, 0, 0, e.getMessage());
        }
    }

    private void stop() {
        CloudPublisher running = publisher;
        publisher = null;
        if (running != null) running.stop();
    }

    private static String nullToEmpty(String value) {
        return value == null ? "" : value;
    }
}
