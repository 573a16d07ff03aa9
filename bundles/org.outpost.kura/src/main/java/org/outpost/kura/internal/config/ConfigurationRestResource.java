package org.outpost.kura.internal.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.outpost.api.ErrorCode;
import org.outpost.api.OutpostException;
import org.outpost.kura.internal.rest.RestRequest;
import org.outpost.kura.internal.rest.RestResource;
import org.outpost.kura.internal.rest.RestResponse;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Kura's {@code /services/configuration/v2}, the routes a gateway's configuration needs:
 * <pre>
 * GET  /configurableComponents                          {"pids": [...]}
 * GET  /configurableComponents/pidsWithFactory          {"pids": [{"pid", "factoryPid"}]}
 * GET  /configurableComponents/configurations           {"configs": [{"pid", "definition", "properties"}]}
 * POST /configurableComponents/configurations/byPid     {"pids": [...]} -> {"configs": [...]}
 * POST /configurableComponents/configurations/byPid/_default   the same, on Metatype's defaults
 * PUT  /configurableComponents/configurations/_update   {"configs": [...], "takeSnapshot": true} (POST too)
 * GET  /factoryComponents                               {"pids": [...]}
 * GET  /snapshots                                       {"ids": [...]}
 * POST /snapshots/byId                                  {"id": N} -> {"configs": [...]}
 * POST /snapshots/_write                                -> {"id": N}
 * POST /snapshots/_rollback                             to the snapshot before the newest, or {"id": N}; -> {"id": N}
 * POST /snapshots/byId/_rollback                        {"id": N}
 * </pre>
 * and two of Outpost's own: {@code GET /snapshots/{id}} gives the snapshot's XML, and
 * {@code POST /snapshots/_import} applies an XML document (the body, or a multipart field
 * {@code file}) and answers the new snapshot's {@code {"id"}}. Passwords are always shown as
 * {@code "placeholder"}; given back, the placeholder keeps the current secret. An update is checked
 * whole and applied all or nothing; a refused one is a 400 naming every problem.
 */
@Component(service = RestResource.class)
public class ConfigurationRestResource implements RestResource {
    static final String BASE_PATH = "/services/configuration/v2";
    private static final String JSON = "application/json";

    @Reference
    private KuraConfigurations configurations;

    private final ObjectMapper json = new ObjectMapper();

    public ConfigurationRestResource() {
    }

    /** For tests: the resource over a service made by hand. */
    ConfigurationRestResource(KuraConfigurations configurations) {
        this.configurations = configurations;
    }

    @Override
    public String basePath() {
        return BASE_PATH;
    }

    @Override
    public RestResponse handle(RestRequest request) throws Exception {
        List<String> segments = request.segments();
        String route = String.join("/", segments);
        String method = request.method();
        switch (method + " " + route) {
            case "GET configurableComponents":
                return RestResponse.ok(Map.of("pids", new TreeSet<>(pids())));
            case "GET configurableComponents/pidsWithFactory":
                return RestResponse.ok(Map.of("pids", pidsWithFactory()));
            case "GET configurableComponents/configurations":
                return RestResponse.ok(configs(configurations.configurableComponents(), null, false));
            case "POST configurableComponents/configurations/byPid":
                return RestResponse.ok(configs(configurations.configurableComponents(), requestedPids(request), false));
            case "POST configurableComponents/configurations/byPid/_default":
                return RestResponse.ok(configs(configurations.configurableComponents(), requestedPids(request), true));
            case "PUT configurableComponents/configurations/_update", "POST configurableComponents/configurations/_update":
                return update(request);
            case "GET factoryComponents":
                return RestResponse.ok(Map.of("pids", configurations.factoryPids()));
            case "GET snapshots":
                return RestResponse.ok(Map.of("ids", configurations.snapshotIds()));
            case "POST snapshots/byId":
                return RestResponse.ok(snapshotConfigs(snapshotId(body(request))));
            case "POST snapshots/_write":
                return RestResponse.ok(Map.of("id", configurations.takeSnapshot()));
            case "POST snapshots/_rollback":
                return rollback(request);
            case "POST snapshots/byId/_rollback":
                configurations.rollback(snapshotId(body(request)));
                return empty();
            case "POST snapshots/_import":
                return RestResponse.ok(Map.of("id", configurations.importXml(xmlBody(request))));
            default:
                if (method.equals("GET") && segments.size() == 2 && segments.get(0).equals("snapshots")) {
                    return RestResponse.text(200, "application/xml; charset=utf-8", configurations.export(parseId(segments.get(1))));
                }
                throw new OutpostException(ErrorCode.NOT_FOUND, "no such route: " + method + " " + BASE_PATH + request.path());
        }
    }

    private Set<String> pids() {
        Set<String> pids = new LinkedHashSet<>();
        for (ConfigurableComponent component : configurations.configurableComponents()) pids.add(component.pid());
        return pids;
    }

    private List<Map<String, String>> pidsWithFactory() {
        List<Map<String, String>> pids = new ArrayList<>();
        for (ConfigurableComponent component : configurations.configurableComponents()) {
            pids.add(component.factoryPid() == null ? Map.of("pid", component.pid())
                    : Map.of("pid", component.pid(), "factoryPid", component.factoryPid()));
        }
        return pids;
    }

    /** The components (those named in {@code only} when not null), as they are or on their defaults. */
    private static ObjectNode configs(List<ConfigurableComponent> components, Set<String> only, boolean defaults) {
        List<ObjectNode> configs = new ArrayList<>();
        for (ConfigurableComponent component : components) {
            if (only != null && !only.contains(component.pid())) continue;
            KuraComponent shown = component.toKura();
            if (defaults) {
                if (!(component.schema() instanceof MetatypeSchema)) continue; // devices and rules have no defaults
                shown = new KuraComponent(component.pid(), component.factoryPid(), component.schema().export(Map.of()));
            }
            configs.add(KuraConfigurationJson.config(shown, component.schema()));
        }
        return KuraConfigurationJson.configs(configs);
    }

    private ObjectNode snapshotConfigs(long id) {
        List<ObjectNode> configs = new ArrayList<>();
        for (KuraComponent component : configurations.snapshotComponents(id)) {
            configs.add(KuraConfigurationJson.config(component, null));
        }
        return KuraConfigurationJson.configs(configs);
    }

    private RestResponse update(RestRequest request) {
        JsonNode body = body(request);
        ParsedConfiguration changes = KuraConfigurationJson.readConfigs(body.get("configs"));
        JsonNode takeSnapshot = body.get("takeSnapshot");
        if (takeSnapshot != null && !takeSnapshot.isBoolean() && !takeSnapshot.isNull()) {
            throw new OutpostException(ErrorCode.INVALID_ARGUMENT, "\"takeSnapshot\" must be true or false");
        }
        // as in Kura, a snapshot is taken unless the request says false
        configurations.update(changes, takeSnapshot == null || takeSnapshot.isNull() || takeSnapshot.booleanValue());
        return empty();
    }

    /** Kura rolls back to the snapshot before the newest; with {@code {"id": N}} to that one. Answers the id rolled back to. */
    private RestResponse rollback(RestRequest request) {
        long target;
        Long given = request.body().length == 0 ? null : snapshotIdOrNull(body(request));
        if (given != null) {
            target = given;
        } else {
            List<Long> ids = configurations.snapshotIds();
            if (ids.size() < 2) {
                throw new OutpostException(ErrorCode.NOT_FOUND, "no earlier snapshot to roll back to (there " + (ids.size() == 1
                        ? "is only one" : "are none") + "); name one with {\"id\": N}");
            }
            target = ids.get(ids.size() - 2);
        }
        configurations.rollback(target);
        return RestResponse.ok(Map.of("id", target));
    }

    private Set<String> requestedPids(RestRequest request) {
        JsonNode pids = body(request).get("pids");
        if (pids == null || !pids.isArray()) {
            throw new OutpostException(ErrorCode.INVALID_ARGUMENT, "the body must be {\"pids\": [\"...\"]}");
        }
        Set<String> wanted = new LinkedHashSet<>();
        for (JsonNode pid : pids) {
            if (!pid.isTextual()) throw new OutpostException(ErrorCode.INVALID_ARGUMENT, "\"pids\" must hold strings, not " + pid);
            wanted.add(pid.textValue());
        }
        return wanted;
    }

    private JsonNode body(RestRequest request) {
        try {
            JsonNode body = request.body().length == 0 ? null : json.readTree(request.body());
            if (body == null || !body.isObject()) {
                throw new OutpostException(ErrorCode.INVALID_ARGUMENT, "the body must be a JSON object");
            }
            return body;
        } catch (IOException e) {
            throw new OutpostException(ErrorCode.INVALID_ARGUMENT, "the body is not JSON: " + e.getMessage());
        }
    }

    private static long snapshotId(JsonNode body) {
        Long id = snapshotIdOrNull(body);
        if (id == null) throw new OutpostException(ErrorCode.INVALID_ARGUMENT, "the body must be {\"id\": <snapshot id>}");
        return id;
    }

    private static Long snapshotIdOrNull(JsonNode body) {
        JsonNode id = body.get("id");
        if (id == null || id.isNull()) return null;
        if (id.isIntegralNumber() && id.canConvertToLong()) return id.longValue();
        if (id.isTextual()) return parseId(id.textValue());
        throw new OutpostException(ErrorCode.INVALID_ARGUMENT, "\"id\" must be a snapshot id (a number), not " + id);
    }

    private static long parseId(String text) {
        try {
            return Long.parseLong(text.trim());
        } catch (NumberFormatException e) {
            throw new OutpostException(ErrorCode.INVALID_ARGUMENT, "'" + text + "' is not a snapshot id (GET " + BASE_PATH
                    + "/snapshots lists them)");
        }
    }

    private static String xmlBody(RestRequest request) {
        RestRequest.Upload file = request.uploads().get("file");
        byte[] bytes = file != null ? file.content() : request.body();
        if (bytes.length == 0) {
            throw new OutpostException(ErrorCode.INVALID_ARGUMENT,
                    "send the snapshot XML as the body, or as multipart/form-data in a field named 'file'");
        }
        return new String(bytes, StandardCharsets.UTF_8);
    }

    private static RestResponse empty() {
        return new RestResponse(200, JSON, new byte[0]);
    }
}
