package org.outpost.shell.internal;

import java.time.Instant;

import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.completers.StringsCompleter;
import org.outpost.api.device.CloudStatus;
import org.outpost.api.device.CloudUplink;

@Command(scope = "edge", name = "cloud", description = "Shows this node's upstream MQTT connection: broker, connected, published, pending.")
@Service
public class CloudCommand extends DeviceAction {

    @Option(name = "-o", aliases = "--output", description = "Output format: json")
    @Completion(value = StringsCompleter.class, values = {"json"})
    String output;

    @Reference(optional = true)
    CloudUplink uplink;

    @Override
    protected void run() throws Exception {
        boolean json = Output.isJson(output);
        if (uplink == null) {
            if (json) {
                out().println("{\n  \"configured\" : false\n}");
            } else {
                out().println("Not connected to a cloud broker (edge:cloud-connect BROKER-URL --account ACC --client-id ID).");
            }
            return;
        }
        CloudStatus status = uplink.status();
        if (json) {
            com.fasterxml.jackson.databind.node.ObjectNode o = Json.MAPPER.valueToTree(status);
            o.put("configured", true);
            out().println(Json.write(o));
            return;
        }
        out().println("Broker:     " + status.broker());
        out().println("Account:    " + status.account() + ", client id " + status.clientId());
        out().println("Connected:  " + (status.connected() ? "yes, for "
                + Ages.since(Instant.ofEpochMilli(status.connectedSince()), now()) : "no"
                + (status.lastError().isEmpty() ? "" : " (" + status.lastError() + ")")));
        out().println("Published:  " + status.published());
        out().println("Pending:    " + status.pending());
    }
}
