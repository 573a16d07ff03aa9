package org.outpost.shell.internal;

import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.osgi.framework.BundleContext;
import org.osgi.service.cm.Configuration;
import org.outpost.api.device.CloudUplink;
import org.outpost.outbox.Outbox;

@Command(scope = "edge", name = "cloud-disconnect", description = "Disconnects this node from its MQTT broker and forgets the connection.",
        detailedDescription = "Publishes DC, disconnects cleanly and removes the configuration; readings no longer wait in the"
                + " outbox for the cloud.")
@Service
public class CloudDisconnectCommand extends DeviceAction {

    static final String CLOUD_CURSOR = "cloud";
    private static final long STOP_WAIT_MILLIS = 10_000;

    @Reference
    BundleContext bundleContext;

    @Reference(optional = true)
    Outbox outbox;

    @Override
    protected void run() throws Exception {
        Configuration[] existing = configAdmin().listConfigurations("(service.pid=" + CloudUplink.PID + ")");
        if (existing == null || existing.length == 0) {
            out().println("Not connected to a cloud broker.");
            return;
        }
        existing[0].delete();
        long deadline = System.currentTimeMillis() + STOP_WAIT_MILLIS;
        while (CloudServices.uplink(bundleContext) != null && System.currentTimeMillis() < deadline) {
            Thread.sleep(100);
        }
        // the uplink removes its cursor once it has said DC and disconnected; removed before that, the
        // cursor would end its session first and no DC would reach the broker
        while (outbox != null && outbox.stats().pendingByCursor().containsKey(CLOUD_CURSOR)
                && System.currentTimeMillis() < deadline + STOP_WAIT_MILLIS) {
            Thread.sleep(100);
        }
        if (outbox != null) outbox.removeCursor(CLOUD_CURSOR);
        out().println("Disconnected from the cloud broker.");
    }
}
