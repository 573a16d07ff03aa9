package org.outpost.telemetry.internal;

import java.io.Closeable;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.metatype.annotations.Designate;
import org.outpost.api.LocalNode;
import org.outpost.api.ServerLink;
import org.outpost.api.ServerMessageHandler;
import org.outpost.api.device.Device;
import org.outpost.api.device.DeviceConfig;
import org.outpost.api.device.DeviceDriver;
import org.outpost.api.device.DeviceService;
import org.outpost.api.device.DeviceState;
import org.outpost.api.device.DriverInfo;
import org.outpost.api.device.Reading;
import org.outpost.api.device.Rule;
import org.outpost.api.device.Values;
import org.outpost.outbox.Outbox;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The node's devices: wires the device configurations and their drivers, the edge rules (local
 * and pushed), the readings' way into the durable outbox, the forwarding of the outbox to the
 * server, the server's remote writes and the devices reports. Each of those jobs is its own class;
 * this component only connects them to OSGi and to each other.
 */
@Component(service = { DeviceService.class, ServerMessageHandler.class }, immediate = true,
        configurationPid = DeviceLimits.PID, configurationPolicy = ConfigurationPolicy.OPTIONAL, property = {
        ServerMessageHandler.TYPES_PROPERTY + "=readings-ack",
        ServerMessageHandler.TYPES_PROPERTY + "=rules",
        ServerMessageHandler.TYPES_PROPERTY + "=device-write" })
@Designate(ocd = DeviceLimits.Config.class)
public class TelemetryComponent implements DeviceService, ServerMessageHandler {

    private static final Logger LOG = LoggerFactory.getLogger(TelemetryComponent.class);
    static final String SERVER_CURSOR = "server";
    private static final long WRITE_TIMEOUT_MILLIS = 10_000;

    @Reference
    private LocalNode node;
    @Reference
    private Outbox outbox;

    private final ObjectMapper json = new ObjectMapper();
    private final InstalledDrivers drivers = new InstalledDrivers();
    private final LatestReadings latest = new LatestReadings();
    private final RuleEngine rules = new RuleEngine();
    private final List<ServiceRegistration<?>> registrations = new ArrayList<>();

    private ScheduledThreadPoolExecutor ticker;
    private ExecutorService writes;
    private Forwarder forwarder;
    private Thread forwarding;
    private PushedRules pushedRules;
    private RuleConfigurations localRules;
    private ReadingIntake intake;
    private volatile DeviceConfigurations devices;
    private RemoteWrites remoteWrites;
    private volatile DevicesReports reports;
    private volatile ServerLink link;

    @Activate
    void activate(BundleContext context, DeviceLimits.Config config) throws IOException {
        ticker = new ScheduledThreadPoolExecutor(1, runnable -> daemon(runnable, "outpost-telemetry-ticker"));
        ticker.setRemoveOnCancelPolicy(true);
        writes = Executors.newCachedThreadPool(runnable -> daemon(runnable, "outpost-telemetry-writes"));
        pushedRules = new PushedRules(new ServerRulesFile(node.dataDir().resolve("telemetry").resolve("server-rules.json"), json),
                json);
        localRules = new RuleConfigurations(this::applyRules);
        applyRules();
        forwarder = new Forwarder(outbox.cursor(SERVER_CURSOR), json);
        forwarding = daemon(forwarder, "outpost-telemetry-forward");
        forwarding.start();
        ServerLink up = link;
        if (up != null) forwarder.linkUp(up);
        intake = new ReadingIntake(latest, rules, outbox);
        remoteWrites = new RemoteWrites(this::write, () -> link, writes, json);
        devices = new DeviceConfigurations(drivers, DeviceLimits.of(config), ticker, intake::taken, this::queueReport,
                latest::forget);
        reports = new DevicesReports(ticker, () -> link, this::reportFields, devices::states, json,
                new DevicesReportSender(System::currentTimeMillis));
        ticker.scheduleAtFixedRate(new SurvivingTask("Rule window tick", () -> intake.tick(System.currentTimeMillis())),
                1, 1, TimeUnit.SECONDS);
        reports.start();
        registrations.add(ConfigFactory.register(context, DeviceConfig.FACTORY_PID, devices));
        registrations.add(ConfigFactory.register(context, RULE_FACTORY_PID, localRules));
    }

    @Deactivate
    void deactivate() {
        registrations.forEach(registration -> {
            try {
                registration.unregister();
            } catch (IllegalStateException e) {
                // gone with the bundle
            }
        });
        registrations.clear();
        devices.close();
        forwarder.stop();
        forwarding.interrupt();
        ticker.shutdownNow();
        writes.shutdownNow();
    }

    // drivers (whiteboard)

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void addDriver(DeviceDriver driver, ServiceReference<DeviceDriver> reference) {
        String type = InstalledDrivers.type(driver, reference.getProperty(DeviceDriver.TYPE_PROPERTY));
        drivers.add(type, driver, reference.getBundle().getSymbolicName() + " " + reference.getBundle().getVersion());
        LOG.info("Driver {} installed", type);
        DeviceConfigurations running = devices;
        if (running != null) running.driverAdded(type, driver);
    }

    void removeDriver(DeviceDriver driver, ServiceReference<DeviceDriver> reference) {
        String type = InstalledDrivers.type(driver, reference.getProperty(DeviceDriver.TYPE_PROPERTY));
        if (!drivers.remove(type, driver)) return;
        LOG.info("Driver {} removed; its devices are Disconnected", type);
        DeviceConfigurations running = devices;
        if (running != null) running.driverRemoved(driver);
    }

    // the agent's channel

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void bindLink(ServerLink up) {
        link = up;
        Forwarder running = forwarder;
        if (running != null) {
            running.linkUp(up);
            queueReport();
        }
    }

    void unbindLink(ServerLink down) {
        if (link == down) link = null;
        Forwarder running = forwarder;
        if (running != null) running.linkDown(down);
    }

    @Override
    public void handle(String type, String message) {
        try {
            JsonNode body = json.readTree(message);
            switch (type) {
                case "readings-ack" -> forwarder.acknowledged(body.path("batch").asLong(), body.path("throttledMillis").asLong(0));
                case "rules" -> {
                    if (pushedRules.received(body.path("items"))) {
                        applyRules();
                        queueReport();
                    }
                }
                case "device-write" -> remoteWrites.requested(body);
                default -> {
                    // not ours
                }
            }
        } catch (IOException | RuntimeException e) {
            LOG.warn("Cannot handle '{}' from the server: {}", type, e.toString());
        }
    }

    /** The rules in force: the server's and the local ones, by name. */
    private void applyRules() {
        List<Rule> all = new ArrayList<>(pushedRules.rules());
        all.addAll(localRules.rules());
        all.sort(Comparator.comparing(Rule::name));
        rules.setRules(all);
    }

    private void queueReport() {
        DevicesReports queue = reports;
        if (queue != null) queue.queue();
    }

    private ObjectNode reportFields() {
        ObjectNode fields = json.createObjectNode();
        fields.set("drivers", json.valueToTree(drivers()));
        fields.set("rules", json.valueToTree(rules()));
        fields.set("outbox", json.valueToTree(outbox.stats()));
        fields.put("forwarded", forwarder.forwarded());
        fields.put("outboxRefused", intake.refused());
        fields.put("throttledMillis", forwarder.throttledMillis());
        return fields;
    }

    // DeviceService

    @Override
    public List<DriverInfo> drivers() {
        return drivers.list();
    }

    @Override
    public List<DeviceState> devices() {
        return devices.states();
    }

    @Override
    public DeviceState device(String name) {
        return devices.state(name);
    }

    @Override
    public List<String> validate(Device device) {
        return devices.validate(device);
    }

    @Override
    public List<Reading> latest(String device) {
        return latest.of(devices.runner(device).device(), System.currentTimeMillis());
    }

    @Override
    public List<Reading> read(String device, List<String> channelNames) {
        return DeviceAccess.read(devices.runner(device), channelNames, WRITE_TIMEOUT_MILLIS);
    }

    @Override
    public Reading write(String device, String channelName, String value) {
        Reading written = DeviceAccess.write(devices.runner(device), channelName, value, WRITE_TIMEOUT_MILLIS);
        LOG.info("Wrote {} to {}/{}", Values.format(written.value()), device, channelName);
        return written;
    }

    @Override
    public Closeable follow(String device, String channel, Consumer<Reading> sink) {
        devices.runner(device);
        return latest.follow(device, channel, sink);
    }

    @Override
    public List<Rule> rules() {
        return rules.rules();
    }

    /** Forwarding figures for the shell. */
    long forwarded() {
        return forwarder.forwarded();
    }

    private static Thread daemon(Runnable runnable, String name) {
        Thread thread = new Thread(runnable, name);
        thread.setDaemon(true);
        return thread;
    }
}
