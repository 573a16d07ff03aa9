package org.outpost.kura.internal.cloud;

import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.outpost.api.LocalNode;
import org.outpost.api.OutpostException;
import org.outpost.api.kura.CloudRequest;
import org.outpost.api.kura.CloudRequestHandler;
import org.outpost.api.kura.CloudResponse;
import org.outpost.api.kura.DeploymentPackages;
import org.outpost.api.kura.PackageBundle;
import org.outpost.api.kura.PackageInfo;
import org.outpost.kura.internal.deploy.DeployRestResource;
import org.outpost.kura.internal.deploy.LocalPackageDirectory;

/**
 * Kura's {@code DEPLOY-V2} over the cloud connection: {@code GET/packages} and {@code GET/bundles}
 * as Kura's XML, {@code EXEC/install} (or {@code EXEC/download}) of the package at {@code dp.uri},
 * {@code EXEC/uninstall} of {@code dp.name}, and {@code DEL/packages/<name>}. Installs finish before
 * the reply; a Kapua-style console also gets Kura's {@code NOTIFY/<client-id>/install} message with
 * {@code job.id} and {@code dp.install.status}.
 */
@Component(service = CloudRequestHandler.class, configurationPid = LocalPackageDirectory.PID,
        configurationPolicy = ConfigurationPolicy.OPTIONAL)
public class DeployCloudHandler implements CloudRequestHandler {
    static final String APPLICATION = "DEPLOY-V2";

    @Reference
    private DeploymentPackages packages;
    @Reference
    private LocalNode node;

    private BundleContext context;
    private volatile LocalPackageDirectory localPackages;

    @Activate
    void activate(BundleContext context, DeployRestResource.Config config) {
        this.context = context;
        modified(config);
    }

    @Modified
    void modified(DeployRestResource.Config config) {
        localPackages = LocalPackageDirectory.configured(config.localPackageDirectory(), node.dataDir());
    }

    @Override
    public String application() {
        return APPLICATION;
    }

    @Override
    public CloudResponse handle(CloudRequest request) {
        String resource = request.resource();
        try {
            return switch (request.method() + "/" + resource) {
                case "GET/packages" -> CloudResponse.ok(packagesXml());
                case "GET/bundles" -> CloudResponse.ok(bundlesXml());
                case "EXEC/install", "EXEC/download" -> install(request);
                case "EXEC/uninstall" -> uninstall(request, request.metric("dp.name"));
                case "DEL/packages" -> uninstall(request, request.resources().size() > 1 ? request.resources().get(1) : request.metric("dp.name"));
                default -> CloudResponse.error(CloudResponse.NOT_FOUND, "no resource " + request.method() + "/"
                        + String.join("/", request.resources()) + " in " + APPLICATION);
            };
        } catch (OutpostException e) {
            return CloudResponses.of(e);
        }
    }

    private CloudResponse install(CloudRequest request) {
        String uri = request.metric("dp.uri");
        if (uri == null || uri.isBlank()) {
            return CloudResponse.error(CloudResponse.BAD_REQUEST, "EXEC/install needs the metric dp.uri (the package's URL)");
        }
        String job = request.metric("job.id");
        PackageInfo installed;
        try {
            installed = packages.install(localPackages.resolve(uri));
        } catch (OutpostException e) {
            notify(request, "install", job, "dp.install.status", "FAILED", request.metric("dp.name"), request.metric("dp.version"), e.getMessage());
            throw e;
        }
        notify(request, "install", job, "dp.install.status", "COMPLETED", installed.name(), installed.version(), null);
        Map<String, Object> metrics = new LinkedHashMap<>();
        metrics.put("dp.name", installed.name());
        metrics.put("dp.version", installed.version());
        if (job != null) metrics.put("job.id", job);
        return CloudResponse.ok(metrics, new byte[0]);
    }

    private CloudResponse uninstall(CloudRequest request, String name) {
        if (name == null || name.isBlank()) {
            return CloudResponse.error(CloudResponse.BAD_REQUEST, "name the package: DEL/packages/<name> or the metric dp.name");
        }
        String job = request.metric("job.id");
        PackageInfo removed = packages.uninstall(name);
        notify(request, "uninstall", job, "dp.uninstall.status", "COMPLETED", removed.name(), removed.version(), null);
        Map<String, Object> metrics = new LinkedHashMap<>();
        metrics.put("dp.name", removed.name());
        metrics.put("dp.version", removed.version());
        return CloudResponse.ok(metrics, new byte[0]);
    }

    private static void notify(CloudRequest request, String resource, String job, String statusMetric, String status,
            String name, String version, String error) {
        Map<String, Object> metrics = new LinkedHashMap<>();
        if (job != null) metrics.put("job.id", parseJob(job));
        metrics.put(statusMetric, status);
        if (statusMetric.startsWith("dp.install")) metrics.put("dp.install.progress", 100);
        if (name != null) metrics.put("dp.name", name);
        if (version != null) metrics.put("dp.version", version);
        if (error != null) metrics.put("dp.install.error.message", error);
        request.notifier().notify(resource, metrics);
    }

    /** Kura sends job ids as INT64; keep the type when it is one. */
    private static Object parseJob(String job) {
        try {
            return Long.parseLong(job);
        } catch (NumberFormatException e) {
            return job;
        }
    }

    String packagesXml() {
        StringBuilder xml = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<packages>\n");
        for (PackageInfo info : packages.list()) {
            xml.append("  <package>\n");
            element(xml, "    ", "name", info.name());
            element(xml, "    ", "version", info.version());
            xml.append("    <bundles>\n");
            for (PackageBundle bundle : info.bundles()) {
                xml.append("      <bundle>\n");
                element(xml, "        ", "name", bundle.symbolicName());
                element(xml, "        ", "version", bundle.version());
                xml.append("      </bundle>\n");
            }
            xml.append("    </bundles>\n  </package>\n");
        }
        return xml.append("</packages>\n").toString();
    }

    String bundlesXml() {
        StringBuilder xml = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<bundles>\n");
        for (Bundle bundle : context.getBundles()) {
            xml.append("  <bundle>\n");
            element(xml, "    ", "name", String.valueOf(bundle.getSymbolicName()));
            element(xml, "    ", "version", bundle.getVersion().toString());
            element(xml, "    ", "id", Long.toString(bundle.getBundleId()));
            element(xml, "    ", "state", org.outpost.kura.internal.deploy.DeploymentPackageService.state(bundle.getState()));
            xml.append("  </bundle>\n");
        }
        return xml.append("</bundles>\n").toString();
    }

    private static void element(StringBuilder xml, String indent, String name, String value) {
        xml.append(indent).append('<').append(name).append('>').append(escape(value)).append("</").append(name).append(">\n");
    }

    static String escape(String text) {
        StringBuilder out = new StringBuilder(text.length());
        for (char c : text.toCharArray()) {
            switch (c) {
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '&' -> out.append("&amp;");
                case '"' -> out.append("&quot;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }

}
