package org.outpost.workload;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.outpost.api.ErrorCode;
import org.outpost.workload.ManifestException.Problem;

import com.fasterxml.jackson.databind.ObjectMapper;

class ManifestParserTest {
    private static final String THERMO = """
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: thermo
              labels: {app: thermo}
            spec:
              replicas: 3
              selector:
                matchLabels: {app: thermo}
              template:
                metadata:
                  labels: {app: thermo}
                spec:
                  nodeSelector: {site: plant-a}
                  containers:
                  - name: thermo
                    image: outpost/busybox:1
                    command: ["/bin/sh", "-c"]
                    args: ["while true; do echo temp=21; sleep 5; done"]
                    env:
                    - {name: UNIT, value: C}
                    - {name: PERIOD, value: "5"}
                    resources:
                      requests: {cpu: 50m, memory: 16Mi}
                      limits: {cpu: 200m, memory: 64Mi}
                  restartPolicy: Always
                  tolerations:
                  - {key: node.outpost.org/not-ready, operator: Exists, effect: NoExecute, tolerationSeconds: 60}
            """;

    private final ManifestParser parser = new ManifestParser();

    @Test
    void aDeploymentAsUsersWriteIt() {
        List<Workload> workloads = parser.parse(THERMO, "thermo.yaml");

        assertEquals(1, workloads.size());
        Workload thermo = workloads.get(0);
        assertEquals(Kind.DEPLOYMENT, thermo.kind());
        assertEquals("thermo", thermo.name());
        assertEquals("default", thermo.namespace());
        assertEquals(Map.of("app", "thermo"), thermo.labels());
        assertNull(thermo.bundles());
        PodTemplate pod = thermo.pod();
        assertEquals(3, pod.replicas());
        assertEquals(Map.of("app", "thermo"), pod.selector());
        assertEquals(Map.of("site", "plant-a"), pod.nodeSelector());
        assertEquals(RestartPolicy.ALWAYS, pod.restartPolicy());
        Container c = pod.containers().get(0);
        assertEquals("outpost/busybox:1", c.image());
        assertEquals(List.of("/bin/sh", "-c"), c.command());
        assertEquals(List.of("while true; do echo temp=21; sleep 5; done"), c.args());
        assertEquals(List.of("UNIT", "PERIOD"), List.copyOf(c.env().keySet()), "env keeps the manifest's order");
        assertEquals("5", c.env().get("PERIOD"));
        assertEquals(new Resources(50, 200, 16L << 20, 64L << 20), c.resources());
        assertEquals(List.of(new Toleration("node.outpost.org/not-ready", "Exists", "", "NoExecute", 60L)), pod.tolerations());
    }

    @Test
    void aDaemonSetAndDefaults() {
        Workload agentLogs = parser.parse("""
                apiVersion: apps/v1
                kind: DaemonSet
                metadata: {name: log-shipper, namespace: edge}
                spec:
                  selector: {matchLabels: {app: logs}}
                  template:
                    metadata: {labels: {app: logs, tier: node}}
                    spec:
                      containers: [{name: ship, image: outpost/busybox:1}]
                """, "ds.yaml").get(0);

        assertEquals(Kind.DAEMON_SET, agentLogs.kind());
        assertEquals("edge", agentLogs.namespace());
        assertEquals(0, agentLogs.pod().replicas());
        assertEquals(RestartPolicy.ALWAYS, agentLogs.pod().restartPolicy());
        assertEquals(Resources.NONE, agentLogs.pod().containers().get(0).resources());
    }

    @Test
    void bundleDeploymentsWithBundlesOrAFeature() {
        List<Workload> workloads = parser.parse("""
                apiVersion: edge.outpost.org/v1
                kind: BundleDeployment
                metadata: {name: modbus-driver}
                spec:
                  bundles:
                  - mvn:org.outpost/org.outpost.device.modbus/0.1.0
                  - https://repo.example.org/bundles/extra-1.0.jar
                  nodeSelector: {site: plant-a}
                ---
                apiVersion: edge.outpost.org/v1
                kind: BundleDeployment
                metadata: {name: sim}
                spec:
                  feature: {name: outpost-device-simulated, repository: mvn:org.outpost/outpost-features/0.1.0/xml/features}
                  mode: Replicas
                  replicas: 2
                """, "bundles.yaml");

        BundleSet modbus = workloads.get(0).bundles();
        assertEquals(List.of("mvn:org.outpost/org.outpost.device.modbus/0.1.0", "https://repo.example.org/bundles/extra-1.0.jar"),
                modbus.bundles());
        assertEquals(BundleSet.Mode.ALL_NODES, modbus.mode());
        assertNull(modbus.feature());
        BundleSet sim = workloads.get(1).bundles();
        assertEquals(new FeatureRef("outpost-device-simulated", null, "mvn:org.outpost/outpost-features/0.1.0/xml/features"),
                sim.feature());
        assertEquals(BundleSet.Mode.REPLICAS, sim.mode());
        assertEquals(2, sim.replicas());
    }

    @Test
    void unsupportedFieldsAreNamedWithTheirLine() {
        String manifest = THERMO.replace("        image: outpost/busybox:1\n", "        image: outpost/busybox:1\n        ports: [{containerPort: 80}]\n")
                .replace("  replicas: 3\n", "  replicas: 3\n  strategy: {type: Recreate}\n  minReadySeconds: 5\n")
                .replace("      restartPolicy: Always\n", "      restartPolicy: Always\n      hostNetwork: true\n");

        ManifestException e = assertThrows(ManifestException.class, () -> parser.parse(manifest, "thermo.yaml"));

        assertEquals(ErrorCode.INVALID_ARGUMENT, e.code());
        assertTrue(e.problems().contains(new Problem("thermo.yaml", 8, "spec.strategy",
                "Outpost updates one instance at a time, a new one next to an old one; remove strategy")), e.getMessage());
        assertTrue(e.problems().contains(new Problem("thermo.yaml", 9, "spec.minReadySeconds", "not supported by Outpost")),
                e.getMessage());
        assertTrue(e.problems().contains(new Problem("thermo.yaml", 20, "spec.template.spec.containers[0].ports",
                "Outpost containers run with network mode none; remove ports")), e.getMessage());
        assertTrue(e.problems().contains(new Problem("thermo.yaml", 30, "spec.template.spec.hostNetwork",
                "Outpost containers run with network mode none; remove hostNetwork")), e.getMessage());
        assertEquals(4, e.problems().size(), e.getMessage());
        assertTrue(e.getMessage().contains(
                "thermo.yaml:20: spec.template.spec.containers[0].ports: Outpost containers run with network mode none; remove ports"));
    }

    @Test
    void kindsNamesAndVersionsAreChecked() {
        assertProblem("apiVersion: apps/v1\nkind: StatefulSet\nmetadata: {name: a}\nspec: {}\n", 2, "kind");
        assertProblem("apiVersion: apps/v2\nkind: Deployment\nmetadata: {name: a}\n", 1, "apiVersion");
        assertProblem(THERMO.replace("name: thermo\n  labels", "name: Thermo_1\n  labels"), 4, "metadata.name");
        assertProblem(THERMO.replace("  labels: {app: thermo}\nspec", "  labels: {app: 'not ok!'}\nspec"), 5, "metadata.labels.app");
    }

    @Test
    void duplicateContainerAndWorkloadNames() {
        ManifestException containers = assertThrows(ManifestException.class, () -> parser.parse(THERMO.replace(
                "      restartPolicy: Always\n", "      - {name: thermo, image: b}\n      restartPolicy: Always\n"), "d.yaml"));
        assertTrue(containers.getMessage().contains("spec.template.spec.containers[1].name: 'thermo' is used by another container"),
                containers.getMessage());

        ManifestException workloads = assertThrows(ManifestException.class, () -> parser.parse(THERMO + "---\n" + THERMO, "d.yaml"));
        assertEquals(List.of(new Problem("d.yaml", 30, "metadata.name", "Deployment default/thermo is already defined at line 1")),
                workloads.problems());
    }

    @Test
    void quantities() {
        assertEquals(new Resources(500, 2000, 134217728, 1_000_000_000), resourcesOf("0.5", "2", "128Mi", "1G"));
        assertEquals(new Resources(250, 0, 1024, 0), resourcesOf("250m", null, "1024", null));
        assertEquals(new Resources(1, 0, 1536, 0), resourcesOf("1m", null, "1.5Ki", null));
        assertProblem(resourcesManifest("12x", null, null, null), 13, "spec.template.spec.containers[0].resources.requests.cpu");
        assertProblem(resourcesManifest(null, null, "64Q", null), 13, "spec.template.spec.containers[0].resources.requests.memory");
        assertProblem(resourcesManifest("0.0005", null, null, null), 13, "spec.template.spec.containers[0].resources.requests.cpu");
    }

    @Test
    void aLimitBelowItsRequestIsRefused() {
        ManifestException e = assertThrows(ManifestException.class, () -> parser.parse(resourcesManifest("500m", "250m", "64Mi", "32Mi"), "r.yaml"));
        assertEquals(List.of("spec.template.spec.containers[0].resources.limits.cpu", "spec.template.spec.containers[0].resources.limits.memory"),
                e.problems().stream().map(Problem::field).toList(), e.getMessage());
        assertTrue(e.getMessage().contains("limit 250m is below the request 500m"), e.getMessage());
    }

    @Test
    void theSelectorMustMatchTheTemplate() {
        ManifestException e = assertThrows(ManifestException.class, () -> parser.parse(
                THERMO.replace("matchLabels: {app: thermo}", "matchLabels: {app: boiler}"), "s.yaml"));
        assertEquals("spec.selector.matchLabels.app", e.problems().get(0).field());
        assertEquals(9, e.problems().get(0).line());
    }

    @Test
    void replicasBelongToDeploymentsAndReplicaBundleDeploymentsOnly() {
        String daemonSet = THERMO.replace("kind: Deployment", "kind: DaemonSet");
        ManifestException e = assertThrows(ManifestException.class, () -> parser.parse(daemonSet, "ds.yaml"));
        assertEquals(List.of(new Problem("ds.yaml", 7, "spec.replicas", "not supported by Outpost")), e.problems());

        assertProblem("""
                apiVersion: edge.outpost.org/v1
                kind: BundleDeployment
                metadata: {name: b}
                spec: {bundles: [mvn:a/b/1], replicas: 2}
                """, 4, "spec.replicas");
        assertProblem("""
                apiVersion: edge.outpost.org/v1
                kind: BundleDeployment
                metadata: {name: b}
                spec: {bundles: [mvn:a/b/1], mode: Replicas}
                """, 4, "spec.replicas");
    }

    @Test
    void aBundleDeploymentMayNameADeploymentPackage() {
        List<Workload> workloads = parser.parse("""
                apiVersion: edge.outpost.org/v1
                kind: BundleDeployment
                metadata: {name: heater}
                spec:
                  deploymentPackage: https://repo.example.org/packages/heater_1.0.0.dp
                  nodeSelector: {site: plant-a}
                """, "dp.yaml");
        BundleSet heater = workloads.get(0).bundles();
        assertEquals("https://repo.example.org/packages/heater_1.0.0.dp", heater.deploymentPackage());
        assertEquals(List.of(), heater.bundles());
        assertNull(heater.feature());
        assertEquals(heater, heater.withReplicas(0).withReplicas(heater.replicas()));

        assertProblem("apiVersion: edge.outpost.org/v1\nkind: BundleDeployment\nmetadata: {name: b}\n"
                + "spec: {deploymentPackage: 'ftp://x/y.dp'}\n", 4, "spec.deploymentPackage");
        assertProblem("apiVersion: edge.outpost.org/v1\nkind: BundleDeployment\nmetadata: {name: b}\n"
                + "spec: {bundles: [mvn:a/b/1], deploymentPackage: 'file:/tmp/x.dp'}\n", 4, "spec");
    }

    @Test
    void bundleDeploymentsNeedExactlyOneOfBundlesAndFeature() {
        assertProblem("apiVersion: edge.outpost.org/v1\nkind: BundleDeployment\nmetadata: {name: b}\nspec: {nodeSelector: {a: b}}\n", 4, "spec");
        assertProblem("apiVersion: edge.outpost.org/v1\nkind: BundleDeployment\nmetadata: {name: b}\n"
                + "spec: {bundles: [mvn:a/b/1], feature: {name: f}}\n", 4, "spec");
        assertProblem("apiVersion: edge.outpost.org/v1\nkind: BundleDeployment\nmetadata: {name: b}\n"
                + "spec: {bundles: ['mvn:only-a-group', 'ftp://x/y.jar']}\n", 4, "spec.bundles[0]");
    }

    @Test
    void allOrNothing() {
        String secondIsBad = THERMO + "---\n" + THERMO.replace("name: thermo\n  labels", "name: thermo2\n  labels")
                .replace("image: outpost/busybox:1", "image: outpost/busybox:1\n        livenessProbe: {}");

        ManifestException e = assertThrows(ManifestException.class, () -> parser.parse(secondIsBad, "two.yaml"));

        assertEquals(List.of(new Problem("two.yaml", 47, "spec.template.spec.containers[0].livenessProbe",
                "Outpost has no probes: an instance is Running while its container runs and restartPolicy restarts it"
                        + " when it exits; remove livenessProbe")),
                e.problems());
    }

    @Test
    void emptyDocumentsAreSkippedButAFileNeedsAWorkload() {
        assertEquals(1, parser.parse("# generated\n---\n" + THERMO + "---\n# end\n", "c.yaml").size());
        ManifestException e = assertThrows(ManifestException.class, () -> parser.parse("# nothing here\n", "empty.yaml"));
        assertEquals("empty.yaml: has no workload in it", e.getMessage());
    }

    @Test
    void malformedYamlIsAProblemWithItsLine() {
        ManifestException unclosed = assertThrows(ManifestException.class,
                () -> parser.parse("apiVersion: apps/v1\nkind: \"Deployment\nmetadata: {}\n", "q.yaml"));
        assertTrue(unclosed.getMessage().startsWith("q.yaml:"), unclosed.getMessage());
        assertTrue(unclosed.getMessage().contains("not valid YAML"), unclosed.getMessage());

        ManifestException tab = assertThrows(ManifestException.class,
                () -> parser.parse("apiVersion: apps/v1\nkind: Deployment\nmetadata:\n\tname: x\n", "t.yaml"));
        assertEquals(4, tab.problems().get(0).line(), tab.getMessage());

        ManifestException notAMapping = assertThrows(ManifestException.class, () -> parser.parse("- just\n- a list\n", "l.yaml"));
        assertEquals(new Problem("l.yaml", 1, "", "must be a mapping of fields"), notAMapping.problems().get(0));
    }

    @Test
    void aBillionLaughsFileIsRefusedQuickly() {
        StringBuilder bomb = new StringBuilder("a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n");
        for (char c = 'b'; c <= 'j'; c++) {
            char p = (char) (c - 1);
            bomb.append(c).append(": &").append(c).append(" [");
            for (int i = 0; i < 9; i++) {
                bomb.append(i == 0 ? "" : ",").append('*').append(p);
            }
            bomb.append("]\n");
        }
        ManifestException e = assertTimeoutPreemptively(Duration.ofSeconds(5),
                () -> assertThrows(ManifestException.class, () -> parser.parse(bomb.toString(), "bomb.yaml")));
        assertTrue(e.getMessage().contains("not valid YAML"), e.getMessage());
    }

    @Test
    void anOversizedFileIsRefusedBeforeParsing() {
        String huge = "# " + "x".repeat(ManifestParser.MAX_CHARACTERS) + "\n" + THERMO;
        ManifestException e = assertTimeoutPreemptively(Duration.ofSeconds(5),
                () -> assertThrows(ManifestException.class, () -> parser.parse(huge, "huge.yaml")));
        assertTrue(e.getMessage().contains("a manifest may have at most 1048576 bytes (1 MiB)"), e.getMessage());
    }

    @Test
    void theSizeLimitCountsBytesNotCharacters() {
        String accented = "# " + "é".repeat(600_000) + "\n" + THERMO; // 0.6 M characters, 1.2 MB in UTF-8
        ManifestException e = assertThrows(ManifestException.class, () -> parser.parse(accented, "accented.yaml"));
        assertEquals(List.of(new Problem("accented.yaml", 0, "", ManifestParser.tooLarge(1_200_003L + THERMO.length()))),
                e.problems());
        assertEquals(1, parser.parse("# " + "é".repeat(400_000) + "\n" + THERMO, "fits.yaml").size());
    }

    @Test
    void unsupportedFieldsSayWhyAndWhatToDo() {
        String withPorts = THERMO.replace("        image: outpost/busybox:1\n",
                "        image: outpost/busybox:1\n        ports: [{containerPort: 80}]\n        imagePullPolicy: Always\n");
        ManifestException e = assertThrows(ManifestException.class, () -> parser.parse(withPorts, "web.yaml"));
        assertEquals(List.of(
                "web.yaml:18: spec.template.spec.containers[0].ports: Outpost containers run with network mode none; remove ports",
                "web.yaml:19: spec.template.spec.containers[0].imagePullPolicy: images are never pulled; remove it"),
                e.problems().stream().map(Problem::toString).toList());
    }

    @Test
    void replicasBeyondTheLimitAreRefusedNotClamped() {
        String thousandAndOne = THERMO.replace("replicas: 3", "replicas: 1001");
        ManifestException e = assertThrows(ManifestException.class, () -> parser.parse(thousandAndOne, "big.yaml"));
        assertEquals(List.of(new Problem("big.yaml", 7, "spec.replicas", "1001 is more than the limit of 1000 replicas per workload"
                + " (maxReplicasPerWorkload in etc/org.outpost.server.cfg)")), e.problems());
        assertEquals(1000, parser.parse(THERMO.replace("replicas: 3", "replicas: 1000"), "ok.yaml").get(0).pod().replicas());

        // more than an int holds was once clamped to 2147483647 replicas
        assertProblem(THERMO.replace("replicas: 3", "replicas: 99999999999"), 7, "spec.replicas");
        assertProblem(THERMO.replace("replicas: 3", "replicas: 99999999999999999999999"), 7, "spec.replicas");

        WorkloadLimits five = new WorkloadLimits(5, 10);
        ManifestException bundles = assertThrows(ManifestException.class, () -> parser.parse("""
                apiVersion: edge.outpost.org/v1
                kind: BundleDeployment
                metadata: {name: b}
                spec: {bundles: [mvn:a/b/1], mode: Replicas, replicas: 6}
                """, "b.yaml", five));
        assertEquals("b.yaml:4: spec.replicas: 6 is more than the limit of 5 replicas per workload"
                + " (maxReplicasPerWorkload in etc/org.outpost.server.cfg)", bundles.getMessage());
    }

    @Test
    void aManifestHoldsAtMostAHundredWorkloads() {
        StringBuilder manifest = new StringBuilder();
        for (int i = 0; i < ManifestParser.MAX_WORKLOADS; i++) {
            manifest.append(THERMO.replace("name: thermo\n  labels", "name: thermo-" + i + "\n  labels")).append("---\n");
        }
        assertEquals(100, parser.parse(manifest.toString(), "hundred.yaml").size());

        manifest.append(THERMO.replace("name: thermo\n  labels", "name: thermo-x\n  labels"));
        ManifestException e = assertThrows(ManifestException.class, () -> parser.parse(manifest.toString(), "more.yaml"));
        assertEquals(List.of(new Problem("more.yaml", 100 * 29 + 1, "",
                "a manifest may hold at most 100 workloads; split it into several files")), e.problems());
    }

    @Test
    void labelsSelectorsAndNodeSelectorsFollowKubernetesRules() {
        String prefix253 = ("a".repeat(63) + ".").repeat(3) + "a".repeat(61);
        Workload ok = parser.parse(THERMO.replace("nodeSelector: {site: plant-a}",
                "nodeSelector: {'" + prefix253 + "/" + "n".repeat(63) + "': '" + "v".repeat(63) + "'}"), "ok.yaml").get(0);
        assertEquals(1, ok.pod().nodeSelector().size());

        assertProblem(THERMO.replace("nodeSelector: {site: plant-a}", "nodeSelector: {site: '" + "v".repeat(64) + "'}"),
                14, "spec.template.spec.nodeSelector.site");
        // selectors were not checked at all before
        assertProblem(THERMO.replace("matchLabels: {app: thermo}", "matchLabels: {'app!': thermo}")
                .replace("labels: {app: thermo}\n    spec", "labels: {'app!': thermo}\n    spec"), 9, "spec.selector.matchLabels.app!");

        String huge = "x".repeat(600 * 1024);
        ManifestException e = assertThrows(ManifestException.class,
                () -> parser.parse(THERMO.replace("labels: {app: thermo}\nspec", "labels: {app: thermo, notes: " + huge + "}\nspec"), "h.yaml"));
        assertEquals(List.of("h.yaml:5: metadata.labels.notes: \"" + "x".repeat(20) + "…\" (614400 characters) is not a valid label value:"
                + " it must be at most 63 characters"), e.problems().stream().map(Problem::toString).toList());

        StringBuilder many = new StringBuilder("{app: thermo");
        for (int i = 0; i < LabelRules.MAX_LABELS; i++) {
            many.append(", l").append(i).append(": v");
        }
        ManifestException tooMany = assertThrows(ManifestException.class,
                () -> parser.parse(THERMO.replace("labels: {app: thermo}\nspec", "labels: " + many + "}\nspec"), "m.yaml"));
        assertEquals(List.of(new Problem("m.yaml", 5, "metadata.labels", "has 65 labels; an object has at most 64")), tooMany.problems());
    }

    @Test
    void workloadsRoundTripThroughJson() throws Exception {
        ObjectMapper json = new ObjectMapper();
        List<Workload> parsed = parser.parse(THERMO + "---\napiVersion: edge.outpost.org/v1\nkind: BundleDeployment\n"
                + "metadata: {name: sim}\nspec: {feature: {name: f, version: 1.0.0}, mode: Replicas, replicas: 1}\n", "rt.yaml");

        for (Workload workload : parsed) {
            String text = json.writeValueAsString(workload);
            assertEquals(workload, json.readValue(text, Workload.class), text);
        }
        String thermo = json.writeValueAsString(parsed.get(0));
        assertTrue(thermo.contains("\"kind\":\"Deployment\"") && thermo.contains("\"restartPolicy\":\"Always\""), thermo);
        assertTrue(json.writeValueAsString(parsed.get(1)).contains("\"mode\":\"Replicas\""));
    }

    private Resources resourcesOf(String cpuRequest, String cpuLimit, String memoryRequest, String memoryLimit) {
        return parser.parse(resourcesManifest(cpuRequest, cpuLimit, memoryRequest, memoryLimit), "r.yaml")
                .get(0).pod().containers().get(0).resources();
    }

    private static String resourcesManifest(String cpuRequest, String cpuLimit, String memoryRequest, String memoryLimit) {
        return """
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: r}
                spec:
                  selector: {matchLabels: {app: r}}
                  template:
                    metadata: {labels: {app: r}}
                    spec:
                      containers:
                      - name: r
                        image: i
                        resources:
                          requests: {%s}
                          limits: {%s}
                """.formatted(pair("cpu", cpuRequest, "memory", memoryRequest), pair("cpu", cpuLimit, "memory", memoryLimit));
    }

    private static String pair(String k1, String v1, String k2, String v2) {
        return String.join(", ", java.util.stream.Stream.of(v1 == null ? null : k1 + ": " + v1, v2 == null ? null : k2 + ": " + v2)
                .filter(java.util.Objects::nonNull).toList());
    }

    /** The file is refused with a problem on {@code field} at {@code line}. */
    private void assertProblem(String manifest, int line, String field) {
        ManifestException e = assertThrows(ManifestException.class, () -> parser.parse(manifest, "p.yaml"));
        assertTrue(e.problems().stream().anyMatch(p -> p.line() == line && p.field().equals(field)),
                "expected a problem on " + field + " at line " + line + ", got:\n" + e.getMessage());
    }
}
