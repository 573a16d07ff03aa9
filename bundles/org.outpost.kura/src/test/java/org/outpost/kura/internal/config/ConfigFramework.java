package org.outpost.kura.internal.config;

import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.TreeMap;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.ServiceRegistration;
import org.osgi.framework.launch.Framework;
import org.osgi.framework.launch.FrameworkFactory;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.cm.ConfigurationEvent;
import org.osgi.service.cm.ConfigurationListener;
import org.osgi.service.metatype.MetaTypeService;

/**
 * A real Apache Felix framework with Felix Config Admin and Felix Metatype (Karaf 4.4.8's versions,
 * from the test classpath) and a test bundle whose Metatype describes {@value #PUMP} (every type,
 * ranges, options, arrays, a password), the factory {@value #VALVE} (a required attribute without
 * default) and a Karaf-like PID that must stay out of scope. The system bundle exports the Config
 * Admin and Metatype APIs of the test classpath, so the code under test talks to the framework's
 * services directly.
 */
final class ConfigFramework implements AutoCloseable {
    static final String PUMP = "org.outpost.test.pump";
    static final String VALVE = "org.outpost.test.valve";
    static final String KARAF_PID = "org.apache.karaf.test.described";

    static final String METATYPE = """
            <?xml version="1.0" encoding="UTF-8"?>
            <metatype:MetaData xmlns:metatype="http://www.osgi.org/xmlns/metatype/v1.2.0">
              <OCD id="org.outpost.test.pump" name="Test pump" description="A pump for the tests">
                <AD id="rate" name="Rate" type="Integer" min="1" max="100" default="10"/>
                <AD id="gain" type="Double" default="1.5"/>
                <AD id="enabled" type="Boolean" default="true"/>
                <AD id="mode" type="String" default="auto">
                  <Option label="Automatic" value="auto"/>
                  <Option label="Manual" value="manual"/>
                </AD>
                <AD id="sensors" type="String" cardinality="5" default="inlet,outlet"/>
                <AD id="ports" type="Integer" cardinality="3" min="1" max="65535" default="80,443"/>
                <AD id="secret" type="Password" required="false"/>
                <AD id="limit" type="Long" default="1000"/>
                <AD id="ratio" type="Float" default="0.5"/>
                <AD id="code" type="Char" default="x"/>
                <AD id="level" type="Short" default="3"/>
                <AD id="flags" type="Byte" default="7"/>
              </OCD>
              <OCD id="org.outpost.test.valve" name="Test valve">
                <AD id="port" type="Integer" min="1" max="65535"/>
                <AD id="label" type="String" default="valve"/>
              </OCD>
              <OCD id="org.apache.karaf.test.described" name="Karaf-like">
                <AD id="x" type="String" default="y"/>
              </OCD>
              <Designate pid="org.outpost.test.pump"><Object ocdref="org.outpost.test.pump"/></Designate>
              <Designate factoryPid="org.outpost.test.valve"><Object ocdref="org.outpost.test.valve"/></Designate>
              <Designate pid="org.apache.karaf.test.described"><Object ocdref="org.apache.karaf.test.described"/></Designate>
            </metatype:MetaData>
            """;

    private final Framework framework;
    private final ConfigurationAdmin configAdmin;
    private final MetaTypeService metatype;
    private final BlockingQueue<ConfigurationEvent> events = new LinkedBlockingQueue<>();
    private final List<ServiceRegistration<?>> registrations = new ArrayList<>();

    ConfigFramework(Path dir) throws Exception {
        FrameworkFactory factory = ServiceLoader.load(FrameworkFactory.class).findFirst()
                .orElseThrow(() -> new IllegalStateException("no OSGi framework on the test classpath (org.apache.felix.framework)"));
        framework = factory.newFramework(Map.of(
                Constants.FRAMEWORK_STORAGE, dir.resolve("framework").toString(),
                Constants.FRAMEWORK_STORAGE_CLEAN, Constants.FRAMEWORK_STORAGE_CLEAN_ONFIRSTINIT,
                Constants.FRAMEWORK_SYSTEMPACKAGES_EXTRA,
                "org.osgi.service.cm;version=1.6.0,org.osgi.service.metatype;version=1.4.0,org.osgi.service.log;version=1.4.0",
                "felix.log.level", "1"));
        framework.start();
        try {
            BundleContext context = framework.getBundleContext();
            List<Bundle> bundles = new ArrayList<>();
            bundles.add(context.installBundle(jarHolding("org/apache/felix/metatype/MetaData.class")));
            bundles.add(context.installBundle(jarHolding("org/apache/felix/cm/PersistenceManager.class")));
            bundles.add(context.installBundle(testBundle(dir.resolve("test-bundle.jar")).toUri().toString()));
            for (Bundle bundle : bundles) bundle.start();
            configAdmin = service(context, ConfigurationAdmin.class);
            metatype = service(context, MetaTypeService.class);
            listen(events::add);
        } catch (Exception | Error e) {
            framework.stop();
            framework.waitForStop(10_000);
            throw e;
        }
    }

    BundleContext context() {
        return framework.getBundleContext();
    }

    ConfigurationAdmin configAdmin() {
        return configAdmin;
    }

    MetaTypeService metatype() {
        return metatype;
    }

    /** Registers a Config Admin listener, as the DS component is registered in Karaf. */
    void listen(ConfigurationListener listener) {
        registrations.add(context().registerService(ConfigurationListener.class, listener, null));
    }

    /** Writes a singleton configuration bound to no bundle. */
    Configuration put(String pid, Map<String, ?> properties) throws IOException {
        Configuration configuration = configAdmin.getConfiguration(pid, "?");
        configuration.update(new Hashtable<>(properties));
        return configuration;
    }

    /** Writes a named factory configuration bound to no bundle. */
    Configuration putFactory(String factoryPid, String name, Map<String, ?> properties) throws IOException {
        Configuration configuration = configAdmin.getFactoryConfiguration(factoryPid, name, "?");
        configuration.update(new Hashtable<>(properties));
        return configuration;
    }

    /** The stored properties of a configuration, or null when it does not exist. */
    Map<String, Object> properties(String pid) throws Exception {
        Configuration[] found = configAdmin.listConfigurations("(service.pid=" + pid + ")");
        return found == null ? null : PropertyMaps.copy(found[0].getProperties());
    }

    /** Every configuration with its properties, for before/after comparisons (arrays as lists). */
    Map<String, Map<String, Object>> everything() throws Exception {
        Map<String, Map<String, Object>> all = new TreeMap<>();
        Configuration[] configurations = configAdmin.listConfigurations(null);
        if (configurations == null) return all;
        for (Configuration configuration : configurations) {
            Map<String, Object> properties = new TreeMap<>();
            PropertyMaps.copy(configuration.getProperties()).forEach((key, value) -> properties.put(key, comparable(value)));
            properties.put("(change count)", configuration.getChangeCount());
            all.put(configuration.getPid(), properties);
        }
        return all;
    }

    private static Object comparable(Object value) {
        if (value instanceof Object[] array) return List.of(array);
        return value;
    }

    /**
     * Makes sure Config Admin has delivered every event so far to every listener: writes an
     * out-of-scope marker configuration and waits until the events reach it (Felix delivers events
     * in order, on one thread).
     */
    void flushEvents() throws Exception {
        String marker = "test.marker." + System.nanoTime();
        Configuration configuration = configAdmin.getConfiguration(marker, "?");
        configuration.update(new Hashtable<>(Map.of("n", 1)));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            ConfigurationEvent event = events.poll(100, TimeUnit.MILLISECONDS);
            if (event != null && marker.equals(event.getPid())) {
                configuration.delete();
                return;
            }
        }
        throw new AssertionError("Config Admin did not deliver the marker event within 10 s");
    }

    @Override
    public void close() throws Exception {
        for (ServiceRegistration<?> registration : registrations) {
            try {
                registration.unregister();
            } catch (IllegalStateException e) {
                // gone with the framework
            }
        }
        framework.stop();
        framework.waitForStop(10_000);
    }

    private static <T> T service(BundleContext context, Class<T> type) {
        ServiceReference<T> reference = context.getServiceReference(type);
        if (reference == null) throw new IllegalStateException(type.getSimpleName() + " is not registered in the test framework");
        return context.getService(reference);
    }

    /** The {@code file:} location of the classpath JAR holding the resource (Felix's bundles are on the test classpath). */
    private static String jarHolding(String resource) {
        URL url = ConfigFramework.class.getClassLoader().getResource(resource);
        if (url == null || !url.getProtocol().equals("jar")) {
            throw new IllegalStateException(resource + " is not in a JAR on the test classpath (Felix Config Admin and Metatype test dependencies)");
        }
        String path = url.getPath();
        return URI.create(path.substring(0, path.indexOf("!/"))).toString();
    }

    private static Path testBundle(Path jar) throws IOException {
        Manifest manifest = new Manifest();
        Attributes main = manifest.getMainAttributes();
        main.put(Attributes.Name.MANIFEST_VERSION, "1.0");
        main.putValue("Bundle-ManifestVersion", "2");
        main.putValue("Bundle-SymbolicName", "org.outpost.test.described");
        main.putValue("Bundle-Version", "1.0.0");
        try (OutputStream file = Files.newOutputStream(jar); JarOutputStream out = new JarOutputStream(file, manifest)) {
            out.putNextEntry(new JarEntry("OSGI-INF/metatype/described.xml"));
            out.write(METATYPE.getBytes(StandardCharsets.UTF_8));
            out.closeEntry();
        }
        return jar;
    }
}
