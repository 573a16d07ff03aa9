package org.outpost.kura.internal.deploy;

import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.outpost.api.ErrorCode;
import org.outpost.api.LocalNode;
import org.outpost.api.OutpostException;
import org.outpost.api.kura.DeploymentPackages;
import org.outpost.api.kura.PackageInfo;
import org.outpost.kura.internal.rest.RestRequest;
import org.outpost.kura.internal.rest.RestResource;
import org.outpost.kura.internal.rest.RestResponse;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Kura's {@code /services/deploy/v2}: {@code GET /} lists packages as {@code [{"name", "version"}]},
 * {@code POST /_install {"url"}} and {@code POST /_upload} (multipart field {@code file}) install,
 * {@code DELETE /{name}} uninstalls; success answers {@code "REQUEST_RECEIVED"} as Kura does. Unlike
 * Kura the work is done before the answer, so a refused package is a JSON error with its reason. A
 * local file is installed only from the {@link LocalPackageDirectory}.
 */
@Component(service = RestResource.class, configurationPid = LocalPackageDirectory.PID,
        configurationPolicy = ConfigurationPolicy.OPTIONAL)
@Designate(ocd = DeployRestResource.Config.class)
public class DeployRestResource implements RestResource {
    static final String REQUEST_RECEIVED = "REQUEST_RECEIVED";
    private static final Logger LOG = LoggerFactory.getLogger(DeployRestResource.class);

    @ObjectClassDefinition(name = "Outpost deployment packages",
            description = "Where Kura REST _install and cloud DEPLOY-V2 install may read local package files from")
    public @interface Config {
        @AttributeDefinition(description = "Directory that file: URLs and paths in install requests must lie in; "
                + "blank means <data-dir>/packages, a relative path is taken from the data directory")
        String localPackageDirectory() default "";
    }

    @Reference
    private DeploymentPackages packages;
    @Reference
    private LocalNode node;

    private final ObjectMapper json = new ObjectMapper();
    private volatile LocalPackageDirectory localPackages;

    public DeployRestResource() {
    }

    DeployRestResource(DeploymentPackages packages, LocalPackageDirectory localPackages) {
        this.packages = packages;
        this.localPackages = localPackages;
    }

    @Activate
    @Modified
    void configure(Config config) {
        LocalPackageDirectory configured = LocalPackageDirectory.configured(config.localPackageDirectory(), node.dataDir());
        try {
            configured.create();
        } catch (java.io.IOException e) {
            LOG.warn("cannot create the local package directory {}: {}", configured.directory(), e.getMessage());
        }
        localPackages = configured;
    }

    @Override
    public String basePath() {
        return "/services/deploy/v2";
    }

    @Override
    public RestResponse handle(RestRequest request) throws Exception {
        List<String> segments = request.segments();
        String first = segments.isEmpty() ? "" : segments.get(0);
        return switch (request.method() + " " + (segments.size() > 1 ? "*/*" : first)) {
            case "GET " -> RestResponse.ok(listing());
            case "POST _install" -> installFromUrl(request);
            case "POST _upload" -> upload(request);
            case "DELETE _install", "DELETE _upload", "DELETE " -> throw new OutpostException(ErrorCode.INVALID_ARGUMENT,
                    "DELETE needs a package name: DELETE " + basePath() + "/{name}");
            default -> {
                if (request.method().equals("DELETE") && segments.size() == 1) {
                    packages.uninstall(first);
                    yield RestResponse.ok(REQUEST_RECEIVED);
                }
                throw new OutpostException(ErrorCode.NOT_FOUND, "no such route: " + request.method() + " " + basePath() + request.path());
            }
        };
    }

    private List<Map<String, String>> listing() {
        List<Map<String, String>> listing = new ArrayList<>();
        for (PackageInfo info : packages.list()) {
            Map<String, String> entry = new LinkedHashMap<>();
            entry.put("name", info.name());
            entry.put("version", info.version());
            listing.add(entry);
        }
        return listing;
    }

    private RestResponse installFromUrl(RestRequest request) {
        JsonNode body;
        try {
            body = json.readTree(request.body());
        } catch (java.io.IOException e) {
            throw new OutpostException(ErrorCode.INVALID_ARGUMENT, "the body must be JSON {\"url\": \"...\"}: " + e.getMessage());
        }
        JsonNode url = body == null ? null : body.get("url");
        if (url == null || !url.isTextual() || url.asText().isBlank()) {
            throw new OutpostException(ErrorCode.INVALID_ARGUMENT, "the body must be JSON {\"url\": \"...\"} naming the package");
        }
        packages.install(localPackages.resolve(url.asText()));
        return RestResponse.ok(REQUEST_RECEIVED);
    }

    private RestResponse upload(RestRequest request) {
        RestRequest.Upload file = request.uploads().get("file");
        if (file == null) {
            throw new OutpostException(ErrorCode.INVALID_ARGUMENT,
                    "upload the package as multipart/form-data in a field named 'file'");
        }
        packages.install(new ByteArrayInputStream(file.content()), "upload " + file.filename());
        return RestResponse.ok(REQUEST_RECEIVED);
    }

    /** A URL, or a path on the gateway's file system as Kura also accepts. */
    public static URI toUri(String location) {
        if (location.startsWith("/")) {
            return Path.of(location).toUri();
        }
        try {
            URI uri = new URI(location);
            if (uri.getScheme() == null) {
                return Path.of(location).toAbsolutePath().toUri();
            }
            return uri;
        } catch (URISyntaxException e) {
            throw new OutpostException(ErrorCode.INVALID_ARGUMENT, "not a URL: " + location);
        }
    }
}
