package org.outpost.packaging.dp;

import java.io.BufferedReader;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.Reader;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.ServiceLoader;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;
import org.osgi.framework.Constants;
import org.osgi.framework.launch.Framework;
import org.osgi.framework.launch.FrameworkFactory;
import org.osgi.framework.namespace.PackageNamespace;
import org.osgi.framework.wiring.BundleRevision;
import org.osgi.framework.wiring.BundleWire;
import org.osgi.framework.wiring.BundleWiring;
import org.osgi.resource.Requirement;
import org.osgi.service.log.LogLevel;
import org.osgi.service.log.LogReaderService;
import org.osgi.util.tracker.ServiceTracker;

/**
 * A Kura-style gateway in its own JVM: a plain framework (whatever {@link FrameworkFactory} the
 * class path offers; the test puts Equinox there) with the base bundles of one folder installed
 * and started, driven by the integration test one command per line on stdin:
 * <pre>
 * install FILE.dp                 through the DeploymentAdmin service
 * uninstall NAME                  the deployment package of that symbolic name
 * configure PID FILE              Config Admin configuration from a properties file
 * configure-factory PID FILE      a new factory configuration from a properties file
 * bundles                         one line per bundle: id, name, version, state, fragment, location,
 *                                 declared org.apache.karaf imports, wired org.apache.karaf packages
 * components                      one line per Declarative Services component: bundle, name, state, why
 * threads                         the names of the live threads
 * diagnose                        bundles, components and resolution failures to stderr (the log)
 * stop                            stops the framework and exits (so does the end of stdin)
 * </pre>
 * Replies go to stdout, each line starting with {@code @ }; the last is {@code @ ok ...} or
 * {@code @ error ...}. Everything else (the framework's and the bundles' logging) goes to stderr,
 * and a failed command adds the bundle states there.
 *
 * <p>The container sees the deployment and configuration services only through the framework:
 * their API lives in bundles, not on this class path, so they are called reflectively through
 * their interfaces, as a management agent outside the framework would.
 *
 * <p>In a properties file a key may end in {@code @Long}, {@code @Integer}, {@code @Double} or
 * {@code @Boolean} to give the value that type, as Kura's configuration service does.
 */
public final class KuraStyleContainer {
    static final String REPLY = "@ ";
    private static final String DEPLOYMENT_ADMIN = "org.osgi.service.deploymentadmin.DeploymentAdmin";
    private static final String DEPLOYMENT_PACKAGE = "org.osgi.service.deploymentadmin.DeploymentPackage";
    private static final String CONFIGURATION_ADMIN = "org.osgi.service.cm.ConfigurationAdmin";
    private static final String CONFIGURATION = "org.osgi.service.cm.Configuration";
    private static final Pattern PACKAGE_IN_FILTER = Pattern.compile("\\(osgi\\.wiring\\.package=([^)]+)\\)");
    private static final String KARAF = "org.apache.karaf";
    private static final String COMPONENT_RUNTIME = "org.osgi.service.component.runtime.ServiceComponentRuntime";

    private final Framework framework;
    private final PrintStream replies;

    private KuraStyleContainer(Framework framework, PrintStream replies) {
        this.framework = framework;
        this.replies = replies;
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 2) {
            throw new IllegalArgumentException("usage: KuraStyleContainer STORAGE-DIR BASE-BUNDLES-DIR");
        }
        PrintStream replies = new PrintStream(new FileOutputStream(FileDescriptor.out), true, StandardCharsets.UTF_8);
        System.setOut(System.err);
        Map<String, String> properties = new TreeMap<>();
        properties.put(Constants.FRAMEWORK_STORAGE, Path.of(args[0]).toAbsolutePath().toString());
        properties.put(Constants.FRAMEWORK_STORAGE_CLEAN, Constants.FRAMEWORK_STORAGE_CLEAN_ONFIRSTINIT);
        FrameworkFactory factory = ServiceLoader.load(FrameworkFactory.class).findFirst()
                .orElseThrow(() -> new IllegalStateException("no OSGi framework on the class path"));
        Framework framework = factory.newFramework(properties);
        framework.start();
        logWarningsToStandardError(framework.getBundleContext());
        KuraStyleContainer container = new KuraStyleContainer(framework, replies);
        try {
            container.installBase(Path.of(args[1]));
            container.awaitService(DEPLOYMENT_ADMIN);
            container.awaitService(CONFIGURATION_ADMIN);
            replies.println(REPLY + "ok ready " + framework.getSymbolicName() + " " + framework.getVersion());
            container.serve(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        } catch (Exception e) {
            replies.println(REPLY + "error " + oneLine(e));
            container.printDiagnosis(System.err);
        } finally {
            framework.stop();
            framework.waitForStop(TimeUnit.SECONDS.toMillis(30));
        }
    }

    /**
     * What bundles and the framework log through the OSGi log service (Declarative Services
     * reports a component that failed to activate there), at warning level and above, as a
     * gateway's log file would show it.
     */
    private static void logWarningsToStandardError(BundleContext context) {
        var reference = context.getServiceReference(LogReaderService.class);
        if (reference == null) {
            System.err.println("no OSGi log service: failures reported through it stay unseen");
            return;
        }
        context.getService(reference).addLogListener(entry -> {
            if (entry.getLogLevel().implies(LogLevel.WARN)) {
                System.err.println(entry.getLogLevel() + " [" + entry.getBundle().getSymbolicName() + "] " + entry.getMessage());
                if (entry.getException() != null) {
                    entry.getException().printStackTrace(System.err);
                }
            }
        });
    }

    /** Installs every jar of the folder, then starts all but the fragments, as a gateway's boot does. */
    private void installBase(Path folder) throws IOException, BundleException {
        BundleContext context = framework.getBundleContext();
        List<Bundle> installed = new ArrayList<>();
        try (Stream<Path> jars = Files.list(folder)) {
            for (Path jar : jars.filter(p -> p.toString().endsWith(".jar")).sorted().toList()) {
                installed.add(context.installBundle(jar.toUri().toString()));
            }
        }
        for (Bundle bundle : installed) {
            if (!isFragment(bundle)) {
                bundle.start();
            }
        }
    }

    private void awaitService(String name) throws InterruptedException {
        ServiceTracker<Object, Object> tracker = new ServiceTracker<>(framework.getBundleContext(), name, null);
        tracker.open();
        try {
            if (tracker.waitForService(TimeUnit.SECONDS.toMillis(30)) == null) {
                throw new IllegalStateException("no " + name + " service within 30 s");
            }
        } finally {
            tracker.close();
        }
    }

    private void serve(Reader input) throws IOException {
        BufferedReader lines = new BufferedReader(input);
        for (String line = lines.readLine(); line != null; line = lines.readLine()) {
            String[] words = line.trim().split(" ", 3);
            if (words[0].isEmpty()) {
                continue;
            }
            if (words[0].equals("stop")) {
                replies.println(REPLY + "ok stopping");
                return;
            }
            try {
                replies.println(REPLY + "ok " + execute(words));
            } catch (Exception e) {
                replies.println(REPLY + "error " + oneLine(e));
                System.err.println("command '" + line + "' failed:");
                e.printStackTrace(System.err);
                printDiagnosis(System.err);
            }
        }
    }

    private String execute(String[] words) throws Exception {
        return switch (words[0]) {
            case "install" -> install(Path.of(argument(words, 1)));
            case "uninstall" -> uninstall(argument(words, 1));
            case "configure" -> configure(argument(words, 1), Path.of(argument(words, 2)), false);
            case "configure-factory" -> configure(argument(words, 1), Path.of(argument(words, 2)), true);
            case "bundles" -> {
                printBundles(replies);
                yield "bundles " + framework.getBundleContext().getBundles().length;
            }
            case "components" -> {
                printComponents(replies);
                yield "components";
            }
            case "diagnose" -> {
                printDiagnosis(System.err);
                yield "diagnosed";
            }
            case "threads" -> {
                Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive).map(Thread::getName).sorted()
                        .forEach(name -> replies.println(REPLY + "thread\t" + name));
                yield "threads";
            }
            default -> throw new IllegalArgumentException("unknown command '" + words[0] + "'");
        };
    }

    private String install(Path file) throws Exception {
        Object deploymentAdmin = service(DEPLOYMENT_ADMIN);
        Object installed;
        try (InputStream in = Files.newInputStream(file)) {
            installed = call(deploymentAdmin, DEPLOYMENT_ADMIN, "installDeploymentPackage", new Class<?>[] {InputStream.class}, in);
        }
        Object[] bundles = (Object[]) call(installed, DEPLOYMENT_PACKAGE, "getBundleInfos", new Class<?>[0]);
        return "installed " + call(installed, DEPLOYMENT_PACKAGE, "getName", new Class<?>[0]) + " "
                + call(installed, DEPLOYMENT_PACKAGE, "getVersion", new Class<?>[0]) + " " + bundles.length;
    }

    private String uninstall(String name) throws Exception {
        Object deploymentAdmin = service(DEPLOYMENT_ADMIN);
        Object deployed = call(deploymentAdmin, DEPLOYMENT_ADMIN, "getDeploymentPackage", new Class<?>[] {String.class}, name);
        if (deployed == null) {
            throw new IllegalArgumentException("no deployment package named " + name);
        }
        call(deployed, DEPLOYMENT_PACKAGE, "uninstall", new Class<?>[0]);
        return "uninstalled " + name;
    }

    private String configure(String pid, Path file, boolean factory) throws Exception {
        Object configurationAdmin = service(CONFIGURATION_ADMIN);
        // "?" binds the configuration to whichever bundle asks for it, as a configuration tool must
        Class<?>[] pidAndLocation = {String.class, String.class};
        Object configuration = factory
                ? call(configurationAdmin, CONFIGURATION_ADMIN, "createFactoryConfiguration", pidAndLocation, pid, "?")
                : call(configurationAdmin, CONFIGURATION_ADMIN, "getConfiguration", pidAndLocation, pid, "?");
        call(configuration, CONFIGURATION, "update", new Class<?>[] {java.util.Dictionary.class}, typedProperties(file));
        return "configured " + call(configuration, CONFIGURATION, "getPid", new Class<?>[0]);
    }

    static Hashtable<String, Object> typedProperties(Path file) throws IOException {
        Properties text = new Properties();
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            text.load(reader);
        }
        Hashtable<String, Object> typed = new Hashtable<>();
        for (String key : text.stringPropertyNames()) {
            String value = text.getProperty(key);
            int at = key.lastIndexOf('@');
            String type = at < 0 ? "String" : key.substring(at + 1);
            String name = at < 0 ? key : key.substring(0, at);
            typed.put(name, switch (type) {
                case "String" -> value;
                case "Long" -> Long.valueOf(value);
                case "Integer" -> Integer.valueOf(value);
                case "Double" -> Double.valueOf(value);
                case "Boolean" -> Boolean.valueOf(value);
                default -> throw new IllegalArgumentException(file + ": key " + key + " has unknown type " + type);
            });
        }
        return typed;
    }

    private Object service(String name) {
        BundleContext context = framework.getBundleContext();
        var reference = context.getServiceReference(name);
        if (reference == null) {
            throw new IllegalStateException("no " + name + " service");
        }
        return context.getService(reference);
    }

    /** Calls {@code method} as declared by the interface {@code interfaceName}, which the object's class implements. */
    private static Object call(Object target, String interfaceName, String method, Class<?>[] types, Object... args)
            throws Exception {
        Class<?> type = implemented(target.getClass(), interfaceName);
        if (type == null) {
            throw new IllegalStateException(target.getClass().getName() + " does not implement " + interfaceName);
        }
        Method declared = type.getMethod(method, types);
        try {
            return declared.invoke(target, args);
        } catch (InvocationTargetException e) {
            Throwable cause = e.getCause();
            throw cause instanceof Exception exception ? exception : new IllegalStateException(cause);
        }
    }

    private static Class<?> implemented(Class<?> type, String interfaceName) {
        for (Class<?> current = type; current != null; current = current.getSuperclass()) {
            for (Class<?> candidate : current.getInterfaces()) {
                if (candidate.getName().equals(interfaceName)) {
                    return candidate;
                }
                Class<?> inherited = implemented(candidate, interfaceName);
                if (inherited != null) {
                    return inherited;
                }
            }
        }
        return null;
    }

    private void printBundles(PrintStream out) {
        for (Bundle bundle : framework.getBundleContext().getBundles()) {
            out.println(REPLY + "bundle\t" + bundle.getBundleId() + "\t" + bundle.getSymbolicName() + "\t" + bundle.getVersion()
                    + "\t" + state(bundle) + "\t" + isFragment(bundle) + "\t" + bundle.getLocation()
                    + "\t" + String.join(",", declaredKarafImports(bundle)) + "\t" + String.join(",", wiredKarafPackages(bundle)));
        }
    }

    /**
     * Each component's state as Declarative Services reports it ({@code ServiceComponentRuntime}
     * DTOs, read through their public fields), with the reason it is not active.
     */
    private void printComponents(PrintStream out) {
        Object runtime;
        try {
            runtime = service(COMPONENT_RUNTIME);
        } catch (IllegalStateException e) {
            out.println("no Declarative Services runtime");
            return;
        }
        try {
            Class<?> descriptionType = null;
            for (Object description : (java.util.Collection<?>) call(runtime, COMPONENT_RUNTIME, "getComponentDescriptionDTOs",
                    new Class<?>[] {Bundle[].class}, (Object) new Bundle[0])) {
                descriptionType = description.getClass();
                String bundle = (String) field(field(description, "bundle"), "symbolicName");
                String name = (String) field(description, "name");
                java.util.Collection<?> instances = (java.util.Collection<?>) call(runtime, COMPONENT_RUNTIME,
                        "getComponentConfigurationDTOs", new Class<?>[] {descriptionType}, description);
                if (instances.isEmpty()) {
                    out.println(REPLY + "component\t" + bundle + "\t" + name + "\tNO_CONFIGURATION\t"
                            + field(description, "configurationPolicy") + " " + String.join(",", (String[]) field(description, "configurationPid")));
                }
                for (Object instance : instances) {
                    List<String> unsatisfied = new ArrayList<>();
                    for (Object reference : (Object[]) field(instance, "unsatisfiedReferences")) {
                        unsatisfied.add((String) field(reference, "name"));
                    }
                    Object failure = field(instance, "failure");
                    out.println(REPLY + "component\t" + bundle + "\t" + name + "\t" + componentState((Integer) field(instance, "state"))
                            + "\t" + (unsatisfied.isEmpty() ? "" : "unsatisfied " + unsatisfied) + (failure == null ? "" : " " + failure));
                }
            }
        } catch (Exception e) {
            out.println("cannot list components: " + oneLine(e));
        }
    }

    private static Object field(Object dto, String name) throws ReflectiveOperationException {
        return dto.getClass().getField(name).get(dto);
    }

    private static String componentState(int state) {
        return switch (state) {
            case 1 -> "UNSATISFIED_CONFIGURATION";
            case 2 -> "UNSATISFIED_REFERENCE";
            case 4 -> "SATISFIED";
            case 8 -> "ACTIVE";
            case 16 -> "FAILED_ACTIVATION";
            default -> "STATE_" + state;
        };
    }

    /** The bundle and component states and, for each bundle that did not resolve, the framework's reason. */
    private void printDiagnosis(PrintStream out) {
        printBundles(out);
        printComponents(out);
        for (Bundle bundle : framework.getBundleContext().getBundles()) {
            if (bundle.getState() == Bundle.INSTALLED && !isFragment(bundle)) {
                try {
                    bundle.start(Bundle.START_TRANSIENT);
                } catch (BundleException e) {
                    out.println("unresolved " + bundle.getSymbolicName() + ": " + e.getMessage());
                }
            }
        }
    }

    /** {@code package:resolution} of each org.apache.karaf import the bundle declares. */
    private static List<String> declaredKarafImports(Bundle bundle) {
        List<String> imports = new ArrayList<>();
        BundleRevision revision = bundle.adapt(BundleRevision.class);
        if (revision == null) {
            return imports;
        }
        for (Requirement requirement : revision.getRequirements(PackageNamespace.PACKAGE_NAMESPACE)) {
            Matcher matcher = PACKAGE_IN_FILTER.matcher(String.valueOf(requirement.getDirectives().get("filter")));
            if (matcher.find() && matcher.group(1).startsWith(KARAF)) {
                String resolution = requirement.getDirectives().getOrDefault(PackageNamespace.REQUIREMENT_RESOLUTION_DIRECTIVE,
                        PackageNamespace.RESOLUTION_MANDATORY);
                imports.add(matcher.group(1) + ":" + resolution);
            }
        }
        return imports;
    }

    /** Each org.apache.karaf package the bundle is actually wired to, with the bundle that provides it. */
    private static List<String> wiredKarafPackages(Bundle bundle) {
        List<String> wired = new ArrayList<>();
        BundleWiring wiring = bundle.adapt(BundleWiring.class);
        if (wiring == null) {
            return wired;
        }
        for (BundleWire wire : wiring.getRequiredWires(PackageNamespace.PACKAGE_NAMESPACE)) {
            Object name = wire.getCapability().getAttributes().get(PackageNamespace.PACKAGE_NAMESPACE);
            if (String.valueOf(name).startsWith(KARAF)) {
                wired.add(name + "@" + wire.getProvider().getSymbolicName());
            }
        }
        return wired;
    }

    private static boolean isFragment(Bundle bundle) {
        return bundle.getHeaders("").get(Constants.FRAGMENT_HOST) != null;
    }

    private static String state(Bundle bundle) {
        return switch (bundle.getState()) {
            case Bundle.UNINSTALLED -> "UNINSTALLED";
            case Bundle.INSTALLED -> "INSTALLED";
            case Bundle.RESOLVED -> "RESOLVED";
            case Bundle.STARTING -> "STARTING";
            case Bundle.STOPPING -> "STOPPING";
            case Bundle.ACTIVE -> "ACTIVE";
            default -> "UNKNOWN(" + bundle.getState() + ")";
        };
    }

    private static String argument(String[] words, int index) {
        if (words.length <= index || words[index].isBlank()) {
            throw new IllegalArgumentException("'" + words[0] + "' needs " + index + " argument(s)");
        }
        return words[index].trim();
    }

    private static String oneLine(Throwable e) {
        StringBuilder text = new StringBuilder();
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (text.length() > 0) {
                text.append(" <- ");
            }
            text.append(cause.getClass().getSimpleName()).append(": ").append(cause.getMessage());
        }
        return text.toString().replace('\n', ' ').replace('\r', ' ');
    }
}
