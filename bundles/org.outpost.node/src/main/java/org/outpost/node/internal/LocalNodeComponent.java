package org.outpost.node.internal;

import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.outpost.api.LocalNode;

/**
 * This JVM's node as configured in {@code etc/org.outpost.node.cfg} (required: without it a plain
 * OSGi framework would put the node's data in its working directory). A configuration change
 * re-registers the service (it is immutable), so consumers always see one consistent view.
 */
@Component(configurationPid = LocalNodeComponent.PID, configurationPolicy = ConfigurationPolicy.REQUIRE)
@Designate(ocd = LocalNodeComponent.Config.class)
public class LocalNodeComponent implements LocalNode {
    static final String PID = "org.outpost.node";

    @ObjectClassDefinition(name = "Outpost node", description = "This JVM's node identity and role")
    public @interface Config {
        @AttributeDefinition(description = "Node name; empty means the host name")
        String nodeName() default "";

        @AttributeDefinition(description = "Role: server or agent", options = {
                @org.osgi.service.metatype.annotations.Option(value = "server"),
                @org.osgi.service.metatype.annotations.Option(value = "agent") })
        String role() default "agent";

        @AttributeDefinition(description = "Instance data directory; empty means karaf.base")
        String dataDir() default "";

        @AttributeDefinition(description = "Node labels as k=v,k=v")
        String labels() default "";
    }

    // Updated in place on a configuration change, so components using this node are not restarted.
    private volatile String name;
    private volatile String role;
    private volatile Path dataDir;
    private volatile Map<String, String> labels;
    private volatile String version;
    private final Instant started = Instant.now();

    @Activate
    @Modified
    void activate(Config config, BundleContext context) {
        name = config.nodeName().isBlank() ? NodeNames.hostName() : config.nodeName().trim();
        role = "server".equals(config.role()) ? "server" : "agent";
        String base = config.dataDir().isBlank() ? context.getProperty("karaf.base") : config.dataDir();
        dataDir = Path.of(base == null ? "." : base).toAbsolutePath().normalize();
        labels = parseLabels(config.labels());
        version = context.getBundle().getVersion().toString().replace(".SNAPSHOT", "-SNAPSHOT");
    }

    static Map<String, String> parseLabels(String value) {
        Map<String, String> parsed = new LinkedHashMap<>();
        for (String pair : value.split(",")) {
            int eq = pair.indexOf('=');
            if (eq > 0) {
                parsed.put(pair.substring(0, eq).trim(), pair.substring(eq + 1).trim());
            }
        }
        return Map.copyOf(parsed);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String role() {
        return role;
    }

    @Override
    public Path dataDir() {
        return dataDir;
    }

    @Override
    public Map<String, String> labels() {
        return labels;
    }

    @Override
    public String version() {
        return version;
    }

    @Override
    public Instant started() {
        return started;
    }
}
