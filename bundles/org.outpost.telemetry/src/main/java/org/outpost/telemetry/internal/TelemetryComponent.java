package org.outpost.telemetry.internal;

import java.io.Closeable;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Dictionary;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
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
import org.outpost.api.ErrorCode;
import org.outpost.api.LocalNode;
import org.outpost.api.OutpostException;
import org.outpost.api.ServerLink;
import org.outpost.api.ServerMessageHandler;
import org.outpost.api.device.Alert;
import org.outpost.api.device.Channel;
import org.outpost.api.device.Device;
import org.outpost.api.device.DeviceConfig;
import org.outpost.api.device.DeviceDriver;
import org.outpost.api.device.DeviceService;
import org.outpost.api.device.DeviceState;
import org.outpost.api.device.DriverInfo;
import org.outpost.api.device.Reading;
import org.outpost.api.device.Rule;
import org.outpost.api.device.RuleConfig;
import org.outpost.api.device.TelemetryCodec;
import org.outpost.api.device.TelemetryJson;
import org.outpost.api.device.Values;
import org.outpost.outbox.Outbox;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The node's devices: runs every configured device with its driver, takes their readings through
 * the edge rules into the durable outbox, and forwards the outbox to the server.
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
    private final Map<String, DeviceDriver> drivers = new ConcurrentHashMap<>();
    private final Map<String, String> driverBundles = new ConcurrentHashMap<>();
    /** Device configurations by PID; the runner of each device by name. Guarded by this. */
    private final Map<String, String> devicePids = new ConcurrentHashMap<>();
    private final Map<String, DeviceRunner> runners = new ConcurrentHashMap<>();
    private final Map<String, Rule> localRules = new ConcurrentHashMap<>();
    private volatile List<Rule> serverRules = List.of();
    private final RuleEngine rules = new RuleEngine();
    private final Map<String, Reading> latest = new ConcurrentHashMap<>();
    private final List<Follower> followers = new CopyOnWriteArrayList<>();
    private final AtomicLong appendFailures = new AtomicLong();
    private final AtomicBoolean reportQueued = new AtomicBoolean();
    private final DevicesReportSender reports = new DevicesReportSender(System::currentTimeMillis);
    private final RuleEngine.Sink ruleSink = new RuleEngine.Sink() {
        @Override
        public void alert(Alert alert) {
            LOG.warn("Alert {} {} on {}/{}: {}", alert.rule(), alert.active() ? "raised" : "cleared", alert.device(),
                    alert.channel(), alert.message());
            store(Outbox.PRIORITY_ALERT, TelemetryCodec.encode(alert));
        }

        @Override
        public void aggregate(Reading reading) {
            remember(reading);
            store(Outbox.PRIORITY_LOW, TelemetryCodec.encode(reading));
        }
    };

    private ScheduledThreadPoolExecutor ticker;
    private ExecutorService writes;
    private Forwarder forwarder;
    private Thread forwarding;
    private ServerRulesFile serverRulesFile;
    private volatile ServerLink link;
    private final List<ServiceRegistration<?>> registrations = new ArrayList<>();
    private ScheduledFuture<?> windowTicks;
    private volatile DeviceLimits limits = DeviceLimits.defaults();

    @Activate
    void activate(BundleContext context, DeviceLimits.Config config) throws IOException {
        limits = DeviceLimits.of(config);
        ticker = new ScheduledThreadPoolExecutor(1, runnable -> daemon(runnable, "outpost-telemetry-ticker"));
        ticker.setRemoveOnCancelPolicy(true);
        writes = Executors.newCachedThreadPool(runnable -> daemon(runnable, "outpost-telemetry-writes"));
        serverRulesFile = new ServerRulesFile(node.dataDir().resolve("telemetry").resolve("server-rules.json"), json);
        serverRules = serverRulesFile.load();
        applyRules();
        forwarder = new Forwarder(outbox.cursor(SERVER_CURSOR), json);
        forwarding = daemon(forwarder, "outpost-telemetry-forward");
        forwarding.start();
        ServerLink up = link;
        if (up != null) forwarder.linkUp(up);
        windowTicks = ticker.scheduleAtFixedRate(new SurvivingTask("Rule window tick",
                () -> rules.tick(System.currentTimeMillis(), ruleSink)), 1, 1, TimeUnit.SECONDS);
        ticker.scheduleWithFixedDelay(new SurvivingTask("Device status report", this::report), 10, 10, TimeUnit.SECONDS);
        registrations.add(ConfigFactory.register(context, DeviceConfig.FACTORY_PID, new ConfigFactory("devices") {
            @Override
            void update(String pid, Dictionary<String, ?> properties) {
                deviceConfigured(pid, ConfigFactory.toMap(properties));
            }

            @Override
            public void deleted(String pid) {
                deviceDeleted(pid);
            }
        }));
        registrations.add(ConfigFactory.register(context, RULE_FACTORY_PID, new ConfigFactory("rules") {
            @Override
            void update(String pid, Dictionary<String, ?> properties) {
                try {
                    localRules.put(pid, RuleConfig.parse(ConfigFactory.toMap(properties), Rule.ORIGIN_LOCAL));
                } catch (IllegalArgumentException e) {
                    localRules.remove(pid);
                    LOG.warn("Rule configuration {} ignored: {}", pid, e.getMessage());
                }
                applyRules();
            }

            @Override
            public void deleted(String pid) {
                localRules.remove(pid);
                applyRules();
            }
        }));
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
        if (windowTicks != null) windowTicks.cancel(false);
        synchronized (this) {
            runners.values().forEach(DeviceRunner::close);
            runners.clear();
            devicePids.clear();
        }
        forwarder.stop();
        forwarding.interrupt();
        ticker.shutdownNow();
        writes.shutdownNow();
    }

    // drivers (whiteboard)

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void addDriver(DeviceDriver driver, ServiceReference<DeviceDriver> reference) {
        String type = driverType(driver, reference);
        drivers.put(type, driver);
        driverBundles.put(type, reference.getBundle().getSymbolicName() + " " + reference.getBundle().getVersion());
        LOG.info("Driver {} installed", type);
        synchronized (this) {
            for (DeviceRunner runner : runners.values()) {
                if (runner.device().driver().equals(type)) runner.start(driver);
            }
        }
    }

    void removeDriver(DeviceDriver driver, ServiceReference<DeviceDriver> reference) {
        String type = driverType(driver, reference);
        if (!drivers.remove(type, driver)) return;
        driverBundles.remove(type);
        LOG.info("Driver {} removed; its devices are Disconnected", type);
        synchronized (this) {
            for (DeviceRunner runner : runners.values()) {
                if (runner.driver() == driver) runner.driverGone();
            }
        }
    }

    private static String driverType(DeviceDriver driver, ServiceReference<DeviceDriver> reference) {
        Object type = reference.getProperty(DeviceDriver.TYPE_PROPERTY);
        return type == null ? driver.type() : String.valueOf(type);
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
                case "rules" -> serverRulesChanged(body.path("items"));
                case "device-write" -> writes.execute(() -> remoteWrite(body));
                default -> {
                    // not ours
                }
            }
        } catch (IOException | RuntimeException e) {
            LOG.warn("Cannot handle '{}' from the server: {}", type, e.toString());
        }
    }

    private void remoteWrite(JsonNode request) {
        ObjectNode reply = json.createObjectNode();
        reply.put("type", "device-write-result");
        reply.put("request", request.path("request").asLong());
        try {
            Reading written = write(request.path("device").asText(), request.path("channel").asText(), request.path("value").asText());
            reply.set("reading", json.valueToTree(TelemetryJson.reading(written)));
        } catch (OutpostException e) {
            reply.put("code", e.code().wireName());
            reply.put("error", e.getMessage());
        }
        ServerLink up = link;
        if (up != null) up.send(reply.toString());
    }

    private void serverRulesChanged(JsonNode items) throws IOException {
        List<Rule> received = new ArrayList<>();
        for (JsonNode item : items) {
            Map<String, Object> properties = json.convertValue(item, new TypeReference<Map<String, Object>>() { });
            try {
                received.add(RuleConfig.parse(properties, Rule.ORIGIN_SERVER));
            } catch (IllegalArgumentException e) {
                LOG.warn("Rule from the server ignored: {}", e.getMessage());
            }
        }
        if (received.equals(serverRules)) return;
        serverRulesFile.save(received);
        serverRules = List.copyOf(received);
        applyRules();
        queueReport();
    }

    private void applyRules() {
        List<Rule> all = new ArrayList<>(serverRules);
        all.addAll(localRules.values());
        all.sort(Comparator.comparing(Rule::name));
        rules.setRules(all);
    }

    // devices (configuration)

    private synchronized void deviceConfigured(String pid, Map<String, Object> properties) {
        String previousName = devicePids.get(pid);
        CheckedDevice checked = CheckedDevice.of(pid, properties, this::findPid, limits,
                name -> otherDevices(previousName, name));
        Device device = checked.device();
        String failure = checked.failure();
        if (previousName != null) {
            DeviceRunner old = runners.remove(previousName);
            if (old != null) old.close();
            dropLatest(previousName);
        }
        devicePids.put(pid, device.name());
        DeviceRunner runner = new DeviceRunner(device, ticker, this::taken, this::queueReport);
        runners.put(device.name(), runner);
        if (failure != null) {
            runner.fail(failure);
            return;
        }
        DeviceDriver driver = drivers.get(device.driver());
        if (driver != null) {
            runner.start(driver);
        } else {
            queueReport();
        }
        LOG.info("Device {} configured (driver {}, {} channels)", device.name(), device.driver(), device.channels().size());
    }

    private synchronized void deviceDeleted(String pid) {
        String name = devicePids.remove(pid);
        if (name == null) return;
        DeviceRunner runner = runners.remove(name);
        if (runner != null) runner.close();
        dropLatest(name);
        LOG.info("Device {} removed", name);
        queueReport();
    }

    /** Devices configured here besides {@code names}. */
    private int otherDevices(String... names) {
        int others = runners.size();
        java.util.Set<String> counted = new java.util.HashSet<>();
        for (String name : names) {
            if (name != null && counted.add(name) && runners.containsKey(name)) others--;
        }
        return others;
    }

    private String findPid(String deviceName) {
        for (Map.Entry<String, String> entry : devicePids.entrySet()) {
            if (entry.getValue().equals(deviceName)) return entry.getKey();
        }
        return null;
    }

    private void dropLatest(String device) {
        latest.keySet().removeIf(key -> key.startsWith(device + "/"));
    }

    // readings

    private void taken(Reading reading) {
        remember(reading);
        if (rules.accept(reading, ruleSink)) {
            store(Outbox.PRIORITY_READING, TelemetryCodec.encode(reading));
        }
    }

    private void remember(Reading reading) {
        latest.put(reading.device() + "/" + reading.channel(), reading);
        for (Follower follower : followers) {
            if (follower.device.equals(reading.device()) && (follower.channel == null || follower.channel.equals(reading.channel()))) {
                try {
                    follower.sink.accept(reading);
                } catch (RuntimeException e) {
                    followers.remove(follower);
                }
            }
        }
    }

    private void store(int priority, byte[] record) {
        outbox.appendAsync(priority, record).whenComplete((seq, failure) -> {
            if (failure != null && appendFailures.getAndIncrement() % 1000 == 0) {
                LOG.error("Readings cannot be stored in the outbox ({} so far): {}", appendFailures.get(), failure.toString());
            }
        });
    }

    // reports to the server

    private void queueReport() {
        if (ticker == null || !reportQueued.compareAndSet(false, true)) return;
        try {
            ticker.schedule(() -> {
                reportQueued.set(false);
                report();
            }, 200, TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            reportQueued.set(false);
        }
    }

    private void report() {
        ServerLink up = link;
        if (up == null) return;
        ObjectNode fields = json.createObjectNode();
        fields.set("drivers", json.valueToTree(drivers()));
        fields.set("rules", json.valueToTree(rules()));
        fields.set("outbox", json.valueToTree(outbox.stats()));
        fields.put("forwarded", forwarder.forwarded());
        fields.put("outboxRefused", appendFailures.get());
        fields.put("throttledMillis", forwarder.throttledMillis());
        String members = fields.toString();
        List<String> items = new ArrayList<>();
        for (DeviceState device : devices()) items.add(json.valueToTree(device).toString());
        reports.send(up, members.substring(1, members.length() - 1), items);
    }

    // DeviceService

    @Override
    public List<DriverInfo> drivers() {
        List<DriverInfo> list = new ArrayList<>();
        drivers.forEach((type, driver) -> list.add(new DriverInfo(type, driver.description(), driver.channelArguments(),
                driverBundles.getOrDefault(type, ""))));
        list.sort(Comparator.comparing(DriverInfo::type));
        return list;
    }

    @Override
    public List<DeviceState> devices() {
        List<DeviceState> list = new ArrayList<>();
        for (DeviceRunner runner : runners.values()) list.add(runner.state());
        list.sort(Comparator.comparing(DeviceState::name));
        return list;
    }

    @Override
    public DeviceState device(String name) {
        DeviceRunner runner = runners.get(name);
        return runner == null ? null : runner.state();
    }

    @Override
    public List<String> validate(Device device) {
        List<String> problems = new ArrayList<>();
        DeviceDriver driver = drivers.get(device.driver());
        if (driver == null) {
            problems.add(DeviceConfig.DRIVER_PID + ": no driver '" + device.driver() + "' is installed (installed: "
                    + (drivers.isEmpty() ? "none" : String.join(", ", new java.util.TreeSet<>(drivers.keySet()))) + ")");
        } else {
            problems.addAll(DeviceLimits.driverProblems(driver, device));
        }
        problems.addAll(limits.problems(device, otherDevices(device.name())));
        return problems;
    }

    @Override
    public List<Reading> latest(String device) {
        DeviceRunner runner = runner(device);
        List<Reading> list = new ArrayList<>();
        long now = System.currentTimeMillis();
        for (Channel channel : runner.device().channels()) {
            if (!channel.mode().readable()) continue;
            Reading reading = latest.get(device + "/" + channel.name());
            list.add(reading != null ? reading : Reading.bad(device, channel.name(), now, "no reading yet"));
        }
        for (Map.Entry<String, Reading> entry : latest.entrySet()) {
            Reading reading = entry.getValue();
            if (reading.device().equals(device) && runner.device().channel(reading.channel()) == null) list.add(reading);
        }
        return list;
    }

    @Override
    public List<Reading> read(String device, List<String> channelNames) {
        return DeviceAccess.read(runner(device), channelNames, WRITE_TIMEOUT_MILLIS);
    }

    @Override
    public Reading write(String device, String channelName, String value) {
        Reading written = DeviceAccess.write(runner(device), channelName, value, WRITE_TIMEOUT_MILLIS);
        LOG.info("Wrote {} to {}/{}", Values.format(written.value()), device, channelName);
        return written;
    }

    @Override
    public Closeable follow(String device, String channel, Consumer<Reading> sink) {
        runner(device);
        Follower follower = new Follower(device, channel, sink);
        followers.add(follower);
        return () -> followers.remove(follower);
    }

    @Override
    public List<Rule> rules() {
        return rules.rules();
    }

    /** Forwarding figures for the shell. */
    long forwarded() {
        return forwarder.forwarded();
    }

    private DeviceRunner runner(String device) {
        DeviceRunner runner = runners.get(Objects.requireNonNull(device, "device"));
        if (runner == null) throw new OutpostException(ErrorCode.NOT_FOUND, "no device " + device + " on this node");
        return runner;
    }

    // plumbing

    private record Follower(String device, String channel, Consumer<Reading> sink) {
    }

    private static Thread daemon(Runnable runnable, String name) {
        Thread thread = new Thread(runnable, name);
        thread.setDaemon(true);
        return thread;
    }
}
