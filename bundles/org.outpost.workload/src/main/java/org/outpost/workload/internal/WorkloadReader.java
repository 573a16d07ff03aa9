package org.outpost.workload.internal;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.regex.Pattern;

import org.outpost.workload.BundleSet;
import org.outpost.workload.Container;
import org.outpost.workload.FeatureRef;
import org.outpost.workload.Kind;
import org.outpost.workload.LabelRules;
import org.outpost.workload.PodTemplate;
import org.outpost.workload.Resources;
import org.outpost.workload.RestartPolicy;
import org.outpost.workload.Toleration;
import org.outpost.workload.Workload;
import org.outpost.workload.WorkloadLimits;
import org.yaml.snakeyaml.nodes.Node;

/** Reads one YAML document into a {@link Workload}, reporting every problem to {@link Problems}. */
public final class WorkloadReader {
    private static final Pattern DNS_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");
    private static final Pattern MAVEN = Pattern.compile("mvn:[^/\\s]+/[^/\\s]+/[^/\\s]+(/[^/\\s]*){0,2}");

    private final Problems problems;
    private final WorkloadLimits limits;

    public WorkloadReader(Problems problems, WorkloadLimits limits) {
        this.problems = problems;
        this.limits = limits;
    }

    /** The workload, or empty when the document has problems (they are in {@link Problems}). */
    public Optional<Workload> read(Node document) {
        int before = problems.all().size();
        MapReader top = MapReader.of(problems, "", document, Set.of("apiVersion", "kind", "metadata", "spec"));
        String apiVersion = top.requiredString("apiVersion");
        String kindName = top.requiredString("kind");
        Kind kind = null;
        for (Kind candidate : Kind.values()) {
            if (candidate.manifestName().equals(kindName)) {
                kind = candidate;
            }
        }
        if (kind == null && !kindName.isEmpty()) {
            problems.add(top.at("kind"), "kind", "'" + kindName + "' is not a kind Outpost runs (Deployment, DaemonSet, BundleDeployment)");
        } else if (kind != null && !apiVersion.isEmpty() && !kind.apiVersion().equals(apiVersion)) {
            problems.add(top.at("apiVersion"), "apiVersion", kind.manifestName() + " needs apiVersion " + kind.apiVersion()
                    + ", got '" + apiVersion + "'");
        }
        MapReader metadata = top.requiredMap("metadata", Set.of("name", "namespace", "labels"));
        String name = dnsLabel(metadata, "name", true);
        String namespace = metadata.has("namespace") ? dnsLabel(metadata, "namespace", true) : "default";
        Map<String, String> labels = labels(metadata, "labels");
        PodTemplate pod = null;
        BundleSet bundles = null;
        if (kind == Kind.DEPLOYMENT || kind == Kind.DAEMON_SET) {
            pod = podSpec(top, kind);
        } else if (kind == Kind.BUNDLE_DEPLOYMENT) {
            bundles = bundleSpec(top);
        }
        if (problems.all().size() > before || kind == null) {
            return Optional.empty();
        }
        return Optional.of(new Workload(kind, name, namespace, labels, pod, bundles));
    }

    private PodTemplate podSpec(MapReader top, Kind kind) {
        Set<String> specFields = kind == Kind.DEPLOYMENT ? Set.of("replicas", "selector", "template") : Set.of("selector", "template");
        MapReader spec = top.requiredMap("spec", specFields);
        int replicas = kind == Kind.DEPLOYMENT ? replicas(spec, 0).orElse(1) : 0;
        Map<String, String> selector = labels(spec.requiredMap("selector", Set.of("matchLabels")), "matchLabels");
        MapReader template = spec.requiredMap("template", Set.of("metadata", "spec"));
        Map<String, String> templateLabels = template.map("metadata", Set.of("labels"))
                .map(m -> labels(m, "labels")).orElse(Map.of());
        if (selector.isEmpty()) {
            problems.add(spec.at("selector"), spec.child("selector.matchLabels"), "is required: the labels that pick this workload's instances");
        }
        for (Map.Entry<String, String> wanted : selector.entrySet()) {
            if (!wanted.getValue().equals(templateLabels.get(wanted.getKey()))) {
                problems.add(spec.at("selector"), spec.child("selector.matchLabels." + wanted.getKey()),
                        "does not match the template's labels (" + templateLabels + ")");
            }
        }
        MapReader podSpec = template.requiredMap("spec", Set.of("containers", "restartPolicy", "nodeSelector", "tolerations"));
        List<Container> containers = new ArrayList<>();
        Set<String> containerNames = new HashSet<>();
        List<MapReader> containerFields = podSpec.mapList("containers",
                Set.of("name", "image", "command", "args", "env", "resources"));
        if (containerFields.isEmpty()) {
            problems.add(podSpec.at("containers"), podSpec.child("containers"), "needs at least one container");
        }
        for (MapReader c : containerFields) {
            String containerName = dnsLabel(c, "name", true);
            if (!containerName.isEmpty() && !containerNames.add(containerName)) {
                problems.add(c.at("name"), c.child("name"), "'" + containerName + "' is used by another container of this workload");
            }
            String image = c.requiredString("image");
            if (!image.isEmpty() && image.chars().anyMatch(Character::isWhitespace)) {
                problems.add(c.at("image"), c.child("image"), "must not contain spaces");
            }
            Map<String, String> env = new LinkedHashMap<>();
            for (MapReader e : c.mapList("env", Set.of("name", "value"))) {
                String envName = e.requiredString("name");
                if (!envName.isEmpty() && env.put(envName, e.string("value").orElse("")) != null) {
                    problems.add(e.at("name"), e.child("name"), "'" + envName + "' is set twice");
                }
            }
            containers.add(new Container(containerName, image, c.stringList("command"), c.stringList("args"), env, resources(c)));
        }
        RestartPolicy restartPolicy = podSpec.string("restartPolicy").map(text -> switch (text) {
            case "Always" -> RestartPolicy.ALWAYS;
            case "OnFailure" -> RestartPolicy.ON_FAILURE;
            case "Never" -> RestartPolicy.NEVER;
            default -> {
                problems.add(podSpec.at("restartPolicy"), podSpec.child("restartPolicy"),
                        "must be Always, OnFailure or Never, got '" + text + "'");
                yield RestartPolicy.ALWAYS;
            }
        }).orElse(RestartPolicy.ALWAYS);
        Map<String, String> nodeSelector = labels(podSpec, "nodeSelector");
        List<Toleration> tolerations = new ArrayList<>();
        for (MapReader t : podSpec.mapList("tolerations", Set.of("key", "operator", "value", "effect", "tolerationSeconds"))) {
            tolerations.add(toleration(t));
        }
        return new PodTemplate(replicas, selector, templateLabels, containers, restartPolicy, nodeSelector, tolerations);
    }

    private Resources resources(MapReader container) {
        Optional<MapReader> resources = container.map("resources", Set.of("requests", "limits"));
        if (resources.isEmpty()) {
            return Resources.NONE;
        }
        Optional<MapReader> requests = resources.get().map("requests", Set.of("cpu", "memory"));
        Optional<MapReader> limits = resources.get().map("limits", Set.of("cpu", "memory"));
        long cpuRequest = requests.map(r -> quantity(r, "cpu", true)).orElse(0L);
        long memoryRequest = requests.map(r -> quantity(r, "memory", false)).orElse(0L);
        long cpuLimit = limits.map(l -> quantity(l, "cpu", true)).orElse(0L);
        long memoryLimit = limits.map(l -> quantity(l, "memory", false)).orElse(0L);
        if (cpuLimit > 0 && cpuLimit < cpuRequest) {
            problems.add(limits.get().at("cpu"), limits.get().child("cpu"), "limit " + cpuLimit + "m is below the request " + cpuRequest + "m");
        }
        if (memoryLimit > 0 && memoryLimit < memoryRequest) {
            problems.add(limits.get().at("memory"), limits.get().child("memory"),
                    "limit " + memoryLimit + " bytes is below the request " + memoryRequest + " bytes");
        }
        return new Resources(cpuRequest, cpuLimit, memoryRequest, memoryLimit);
    }

    private long quantity(MapReader fields, String key, boolean cpu) {
        Optional<String> text = fields.string(key);
        if (text.isEmpty()) {
            return 0;
        }
        OptionalLong value = cpu ? Quantities.cpuMillis(text.get()) : Quantities.memoryBytes(text.get());
        if (value.isEmpty()) {
            problems.add(fields.at(key), fields.child(key), cpu
                    ? "'" + text.get() + "' is not a CPU quantity (like 250m, 0.5 or 2)"
                    : "'" + text.get() + "' is not a memory quantity (like 64Mi, 1Gi or 500M)");
            return 0;
        }
        return value.getAsLong();
    }

    private Toleration toleration(MapReader t) {
        String operator = t.string("operator").orElse("Equal");
        if (!operator.equals("Equal") && !operator.equals("Exists")) {
            problems.add(t.at("operator"), t.child("operator"), "must be Equal or Exists, got '" + operator + "'");
        }
        String value = t.string("value").orElse("");
        if (operator.equals("Exists") && !value.isEmpty()) {
            problems.add(t.at("value"), t.child("value"), "must be empty when the operator is Exists");
        }
        String key = t.string("key").orElse("");
        if (key.isEmpty() && operator.equals("Equal")) {
            problems.add(t.at("key"), t.child("key"), "is required unless the operator is Exists");
        }
        String effect = t.string("effect").orElse("");
        if (!Set.of("", "NoSchedule", "PreferNoSchedule", "NoExecute").contains(effect)) {
            problems.add(t.at("effect"), t.child("effect"), "must be NoSchedule, PreferNoSchedule or NoExecute, got '" + effect + "'");
        }
        Long seconds = t.whole("tolerationSeconds", 0).orElse(null);
        return new Toleration(key, operator, value, effect, seconds);
    }

    private BundleSet bundleSpec(MapReader top) {
        MapReader spec = top.requiredMap("spec", Set.of("bundles", "feature", "deploymentPackage", "nodeSelector", "mode", "replicas"));
        List<String> bundles = spec.stringList("bundles");
        for (int i = 0; i < bundles.size(); i++) {
            if (!isBundleLocation(bundles.get(i))) {
                problems.add(spec.at("bundles"), spec.child("bundles[" + i + "]"),
                        "'" + bundles.get(i) + "' is neither mvn:group/artifact/version nor an http(s) or file URL");
            }
        }
        FeatureRef feature = spec.map("feature", Set.of("name", "version", "repository"))
                .map(f -> {
                    String repository = f.string("repository").orElse(null);
                    if (repository != null && !isBundleLocation(repository)) {
                        problems.add(f.at("repository"), f.child("repository"),
                                "'" + repository + "' is neither mvn:group/artifact/version/xml/features nor an http(s) or file URL");
                    }
                    return new FeatureRef(f.requiredString("name"), f.string("version").orElse(null), repository);
                })
                .orElse(null);
        String deploymentPackage = spec.string("deploymentPackage").map(String::trim).orElse(null);
        if (deploymentPackage != null && !isPackageUrl(deploymentPackage)) {
            problems.add(spec.at("deploymentPackage"), spec.child("deploymentPackage"),
                    "'" + deploymentPackage + "' is not an http(s) or file URL of a .dp");
        }
        int given = (bundles.isEmpty() ? 0 : 1) + (feature == null ? 0 : 1) + (deploymentPackage == null ? 0 : 1);
        if (given != 1) {
            problems.add(spec.node(), spec.path(), given == 0 ? "needs bundles, a feature or a deploymentPackage"
                    : "takes one of bundles, a feature or a deploymentPackage, not several");
        }
        String modeName = spec.string("mode").orElse("AllNodes");
        BundleSet.Mode mode = switch (modeName) {
            case "AllNodes" -> BundleSet.Mode.ALL_NODES;
            case "Replicas" -> BundleSet.Mode.REPLICAS;
            default -> {
                problems.add(spec.at("mode"), spec.child("mode"), "must be AllNodes or Replicas, got '" + modeName + "'");
                yield BundleSet.Mode.ALL_NODES;
            }
        };
        int replicas = 0;
        if (mode == BundleSet.Mode.REPLICAS) {
            if (!spec.has("replicas")) {
                problems.add(spec.node(), spec.child("replicas"), "is required when mode is Replicas");
            }
            replicas = replicas(spec, 1).orElse(0);
        } else if (spec.has("replicas")) {
            problems.add(spec.at("replicas"), spec.child("replicas"), "only with mode: Replicas (AllNodes runs on every matching node)");
        }
        return new BundleSet(bundles, feature, labels(spec, "nodeSelector"), mode, replicas, deploymentPackage);
    }

    /** {@code replicas} within the server's limit: a larger count is refused, never clamped. */
    private Optional<Integer> replicas(MapReader spec, int min) {
        Optional<Long> replicas = spec.whole("replicas", min);
        if (replicas.isPresent() && replicas.get() > limits.maxReplicasPerWorkload()) {
            problems.add(spec.at("replicas"), spec.child("replicas"), replicas.get() + " is more than the limit of "
                    + limits.maxReplicasPerWorkload() + " replicas per workload (maxReplicasPerWorkload in etc/org.outpost.server.cfg)");
            return Optional.empty();
        }
        return replicas.map(Long::intValue);
    }

    private static boolean isPackageUrl(String location) {
        try {
            java.net.URI uri = new java.net.URI(location);
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(java.util.Locale.ROOT);
            return (scheme.equals("http") || scheme.equals("https") || scheme.equals("file")) && uri.getPath() != null
                    && !uri.getPath().isEmpty();
        } catch (java.net.URISyntaxException e) {
            return false;
        }
    }

    private static boolean isBundleLocation(String location) {
        if (location.startsWith("mvn:")) {
            return MAVEN.matcher(location).matches();
        }
        try {
            URI uri = new URI(location);
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            return (scheme.equals("http") || scheme.equals("https")) && uri.getHost() != null
                    || scheme.equals("file") && uri.getPath() != null && !uri.getPath().isEmpty();
        } catch (URISyntaxException e) {
            return false;
        }
    }

    private String dnsLabel(MapReader fields, String key, boolean required) {
        String value = required ? fields.requiredString(key) : fields.string(key).orElse("");
        if (!value.isEmpty() && !DNS_LABEL.matcher(value).matches()) {
            problems.add(fields.at(key), fields.child(key), "'" + value
                    + "' must be at most 63 lowercase letters, digits and '-', starting and ending with a letter or digit");
        }
        return value;
    }

    /** Label maps (labels, selectors, nodeSelectors): Kubernetes' syntax for keys and values, at most 64. */
    private Map<String, String> labels(MapReader fields, String key) {
        Map<String, String> labels = fields.stringMap(key);
        for (Map.Entry<String, String> label : labels.entrySet()) {
            String labelKey = label.getKey();
            String field = fields.child(key) + "." + (labelKey.length() > 100 ? labelKey.substring(0, 20) + "…" : labelKey);
            Optional<String> badKey = LabelRules.keyProblem(labelKey);
            if (badKey.isPresent()) {
                problems.add(fields.at(key), field, "is not a valid label name: " + badKey.get());
            } else {
                LabelRules.valueProblem(label.getValue()).ifPresent(why -> problems.add(fields.at(key), field,
                        LabelRules.quoted(label.getValue()) + " is not a valid label value: it " + why));
            }
        }
        LabelRules.tooMany(labels.size()).ifPresent(why -> problems.add(fields.at(key), fields.child(key), "has " + why));
        return labels;
    }
}
