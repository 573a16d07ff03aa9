package org.outpost.itests.paxexam;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.io.OutputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

import org.apache.karaf.features.Feature;
import org.junit.Before;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;
import org.outpost.api.NodeRegistry;

/**
 * A BundleDeployment naming a Karaf feature, run by the bundle runtime of the server's own agent
 * through the real FeaturesService: the repository is added, the feature installed and its bundle
 * started; deleting the workload uninstalls the feature and removes the repository again.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class BundleDeploymentPaxExamIT extends OutpostKarafTestSupport {
    private static final String FEATURE = "outpost-test-hello";
    private static final String SYMBOLIC_NAME = "org.outpost.test.featured";

    @Before
    public void serverUp() {
        awaitService(NodeRegistry.class, BOOT_TIMEOUT);
    }

    @Test
    public void featureIsInstalledOnTheNodeAndUninstalledWithTheWorkload() throws Exception {
        Path dir = Files.createTempDirectory("outpost-feature");
        Path jar = dir.resolve("featured-1.0.0.jar");
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        manifest.getMainAttributes().putValue("Bundle-ManifestVersion", "2");
        manifest.getMainAttributes().putValue("Bundle-SymbolicName", SYMBOLIC_NAME);
        manifest.getMainAttributes().putValue("Bundle-Version", "1.0.0");
        try (OutputStream out = new JarOutputStream(Files.newOutputStream(jar), manifest)) {
            // nothing but the manifest
        }
        Path repository = dir.resolve("features.xml");
        Files.writeString(repository, String.join("\n",
                "<features name=\"outpost-test\" xmlns=\"http://karaf.apache.org/xmlns/features/v1.6.0\">",
                "  <feature name=\"" + FEATURE + "\" version=\"1.0.0\">",
                "    <bundle>" + jar.toUri() + "</bundle>",
                "  </feature>",
                "</features>", ""));
        URI repositoryUri = repository.toUri();
        Path workload = dir.resolve("hello.yaml");
        Files.writeString(workload, String.join("\n",
                "apiVersion: edge.outpost.org/v1",
                "kind: BundleDeployment",
                "metadata: {name: hello}",
                "spec:",
                "  mode: AllNodes",
                "  feature: {name: " + FEATURE + ", version: 1.0.0, repository: '" + repositoryUri + "'}",
                ""));

        assertEquals("bundledeployment/hello created (every matching node)", executeCommand("edge:deploy -f " + workload).trim());

        Bundle bundle = await("bundle " + SYMBOLIC_NAME + " ACTIVE", BOOT_TIMEOUT, () -> Arrays.stream(bundleContext.getBundles())
                .filter(b -> b.getSymbolicName().equals(SYMBOLIC_NAME) && b.getState() == Bundle.ACTIVE).findFirst().orElse(null));
        assertEquals("1.0.0", bundle.getVersion().toString());
        Feature feature = featuresService.getFeature(FEATURE, "1.0.0");
        assertTrue(featuresService.isInstalled(feature));
        String shown = await("hello Running in edge:workload", READY_TIMEOUT, () -> {
            String out = execute("edge:workload hello");
            return out.contains("instances: 1 running of 1 wanted") ? out : null;
        });
        assertTrue(shown, shown.contains(NODE_NAME) && shown.contains("Running"));

        assertEquals("bundledeployment/hello deleted", executeCommand("edge:delete hello").trim());

        await("feature " + FEATURE + " uninstalled", BOOT_TIMEOUT, () -> !installed());
        await("bundle " + SYMBOLIC_NAME + " gone", BOOT_TIMEOUT, () -> Arrays.stream(bundleContext.getBundles())
                .noneMatch(b -> b.getSymbolicName().equals(SYMBOLIC_NAME)));
        await("repository " + repositoryUri + " removed", BOOT_TIMEOUT, () -> Arrays.stream(repositories())
                .noneMatch(uri -> uri.equals(repositoryUri)));
    }

    private boolean installed() {
        try {
            Feature feature = featuresService.getFeature(FEATURE, "1.0.0");
            return feature != null && featuresService.isInstalled(feature);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private URI[] repositories() {
        try {
            return Arrays.stream(featuresService.listRepositories()).map(r -> r.getURI()).toArray(URI[]::new);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private String execute(String command) {
        try {
            return executeCommand(command);
        } catch (Exception e) {
            throw new IllegalStateException(command + ": " + e.getMessage(), e);
        }
    }
}
