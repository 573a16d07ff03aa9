package org.outpost.telemetry.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

import org.outpost.api.ServerLink;
import org.outpost.api.device.DeviceState;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The devices report the server keeps of this node ({@code devices}): sent every 10 seconds, and
 * 200 ms after a change, so a burst of changes makes one report. Reports are made and sent on the
 * devices ticker only ({@link DevicesReportSender} relies on that).
 */
final class DevicesReports {
    static final long PERIOD_SECONDS = 10;
    static final long AFTER_CHANGE_MILLIS = 200;

    private final ScheduledExecutorService ticker;
    private final Supplier<ServerLink> link;
    private final Supplier<ObjectNode> fields;
    private final Supplier<List<DeviceState>> devices;
    private final ObjectMapper json;
    private final DevicesReportSender sender;
    private final AtomicBoolean queued = new AtomicBoolean();

    /**
     * @param fields  the report's other fields (drivers, rules, outbox figures), made when a report is
     * @param devices the devices' states, in the order they are reported
     */
    DevicesReports(ScheduledExecutorService ticker, Supplier<ServerLink> link, Supplier<ObjectNode> fields,
            Supplier<List<DeviceState>> devices, ObjectMapper json, DevicesReportSender sender) {
        this.ticker = ticker;
        this.link = link;
        this.fields = fields;
        this.devices = devices;
        this.json = json;
        this.sender = sender;
    }

    /** Starts the periodic reports. */
    void start() {
        ticker.scheduleWithFixedDelay(new SurvivingTask("Device status report", this::report), PERIOD_SECONDS, PERIOD_SECONDS,
                TimeUnit.SECONDS);
    }

    /** Something changed: a report goes soon, one for all the changes until then. */
    void queue() {
        if (!queued.compareAndSet(false, true)) return;
        try {
            ticker.schedule(() -> {
                queued.set(false);
                report();
            }, AFTER_CHANGE_MILLIS, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            queued.set(false); // shutting down
        }
    }

    /** Sends a report now, when the link is up. */
    void report() {
        ServerLink up = link.get();
        if (up == null) return;
        String members = fields.get().toString();
        List<String> items = new ArrayList<>();
        for (DeviceState device : devices.get()) items.add(json.valueToTree(device).toString());
        sender.send(up, members.substring(1, members.length() - 1), items);
    }
}
