package org.outpost.shell.internal;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import java.util.regex.Pattern;

import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.osgi.framework.BundleContext;
import org.osgi.service.cm.Configuration;
import org.outpost.api.device.CloudStatus;
import org.outpost.api.device.CloudUplink;

@Command(scope = "edge", name = "cloud-connect", description = "Connects this node to an MQTT broker in Kura's topic layout (kept as configuration).",
        detailedDescription = "Readings go to ACCOUNT/CLIENT-ID/outpost/DEVICE/CHANNEL as KuraPayload (protobuf), alerts to"
                + " ACCOUNT/CLIENT-ID/outpost/alerts/RULE; BIRTH on $EDC/ACCOUNT/CLIENT-ID/MQTT/BIRTH at every connect, DC on a"
                + " clean disconnect, LWT as the will. QoS 1: a record leaves the outbox only once the broker acknowledged it;"
                + " while the broker is down readings wait in the outbox. The password is read from --password-file at each"
                + " connect and never stored in the configuration.")
@Service
public class CloudConnectCommand extends DeviceAction {

    private static final Pattern TOPIC_SEGMENT = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,62}");
    private static final long CONNECT_WAIT_MILLIS = 10_000;

    @Argument(index = 0, name = "broker", required = true, description = "tcp://HOST:PORT or ssl://HOST:PORT")
    String broker;

    @Argument(index = 1, name = "OPTIONS", description = "options may also follow the argument", multiValued = true)
    List<String> trailing;

    @Option(name = "--account", description = "The account (first topic segment)")
    String account;

    @Option(name = "--client-id", description = "This gateway's client id (second topic segment)")
    String clientId;

    @Option(name = "--username", description = "User name at the broker")
    String username;

    @Option(name = "--password-file", description = "A file holding the password")
    String passwordFile;

    @Option(name = "--app-id", description = "The application topic segment for readings (default outpost)")
    String appId;

    @Reference
    BundleContext bundleContext;

    @Override
    protected void run() throws Exception {
        List<String> extra = TrailingOptions.apply(this, trailing);
        if (!extra.isEmpty()) throw new IllegalArgumentException("unexpected argument " + extra.get(0));
        validateBroker(broker);
        segment("--account", account);
        segment("--client-id", clientId);
        if (appId != null) segment("--app-id", appId);
        Dictionary<String, Object> properties = new Hashtable<>();
        properties.put("broker.url", broker);
        properties.put("account", account);
        properties.put("client.id", clientId);
        if (appId != null) properties.put("app.id", appId);
        if (username != null) properties.put("username", username);
        if (passwordFile != null) {
            Path file = Path.of(passwordFile).toAbsolutePath();
            if (!Files.isReadable(file)) throw new IllegalArgumentException("--password-file " + passwordFile + " cannot be read");
            properties.put("password.file", file.toString());
        }
        Configuration configuration = configAdmin().getConfiguration(CloudUplink.PID, "?");
        configuration.update(properties);
        CloudStatus status = waitForConnection();
        if (status != null && status.connected()) {
            out().println("Connected to " + status.broker() + " as " + account + "/" + clientId + ".");
        } else {
            out().println("Configured " + broker + " as " + account + "/" + clientId + "; not connected yet"
                    + (status == null || status.lastError().isEmpty() ? "" : " (" + status.lastError() + ")")
                    + ". Readings wait in the outbox; edge:cloud shows progress.");
        }
    }

    private CloudStatus waitForConnection() throws InterruptedException {
        long deadline = System.currentTimeMillis() + CONNECT_WAIT_MILLIS;
        CloudStatus status = null;
        while (System.currentTimeMillis() < deadline) {
            // looked up each time: the uplink registers only once the configuration arrived
            CloudUplink current = CloudServices.uplink(bundleContext);
            if (current != null) {
                status = current.status();
                if (status.connected() && broker.equals(status.broker())) return status;
            }
            Thread.sleep(200);
        }
        return status;
    }

    static void validateBroker(String url) {
        try {
            URI uri = new URI(url);
            if (!("tcp".equals(uri.getScheme()) || "ssl".equals(uri.getScheme())) || uri.getHost() == null || uri.getPort() < 1) {
                throw new URISyntaxException(url, "not tcp://HOST:PORT or ssl://HOST:PORT");
            }
            if (uri.getUserInfo() != null) {
                throw new IllegalArgumentException("put no credentials in the broker URL; use --username and --password-file");
            }
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("broker '" + url + "' is not tcp://HOST:PORT or ssl://HOST:PORT");
        }
    }

    private static void segment(String option, String value) {
        if (value == null) throw new IllegalArgumentException(option + " is required");
        if (!TOPIC_SEGMENT.matcher(value).matches()) {
            throw new IllegalArgumentException(option + " '" + value + "' must be letters, digits, '.', '_' or '-' (a topic segment)");
        }
    }
}
