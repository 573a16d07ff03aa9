package org.outpost.server.internal;

import java.io.IOException;
import java.util.List;
import java.util.Map;

import org.outpost.api.ErrorCode;
import org.outpost.api.device.DeviceState;
import org.outpost.api.device.FleetDevices.NodeDevice;
import org.outpost.api.device.FleetDevices.NodeIngest;
import org.outpost.api.device.FleetDevices.NodeRule;
import org.outpost.api.device.FleetDevices.NodeTelemetry;
import org.outpost.api.device.Reading;
import org.outpost.api.device.RuleConfig;
import org.outpost.api.device.TelemetryJson;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * {@code GET /v1/devices} (every node's devices), {@code GET /v1/devices/{node}/{device}} (one,
 * with its latest readings), {@code POST /v1/devices/{node}/{device}/write} {@code {"channel", "value"}},
 * {@code GET /v1/readings?node=&device=[&channel=][&limit=]} (kept history, oldest first, with
 * sequence numbers), {@code GET /v1/rules}, {@code GET /v1/alerts}, {@code GET /v1/telemetry} (outbox figures
 * and what the ingest budget held back, per node).
 */
final class DeviceApi {
    private final ServerContext ctx;

    DeviceApi(ServerContext ctx) {
        this.ctx = ctx;
    }

    static boolean handles(String path) {
        return path.equals("/v1/devices") || path.startsWith("/v1/devices/") || path.equals("/v1/readings")
                || path.equals("/v1/rules") || path.equals("/v1/alerts") || path.equals("/v1/telemetry");
    }

    ApiResponse handle(String method, String path, Map<String, List<String>> query, byte[] body) throws IOException {
        switch (path) {
            case "/v1/devices" -> {
                return method.equals("GET") ? devices() : AdminApi.notAllowed(method, path);
            }
            case "/v1/readings" -> {
                return method.equals("GET") ? readings(query) : AdminApi.notAllowed(method, path);
            }
            case "/v1/rules" -> {
                return method.equals("GET") ? rules() : AdminApi.notAllowed(method, path);
            }
            case "/v1/alerts" -> {
                return method.equals("GET") ? alerts() : AdminApi.notAllowed(method, path);
            }
            case "/v1/telemetry" -> {
                return method.equals("GET") ? telemetry() : AdminApi.notAllowed(method, path);
            }
            default -> {
                // /v1/devices/{node}/{device}[/write]
            }
        }
        String[] parts = path.substring("/v1/devices/".length()).split("/", -1);
        if (parts.length == 2) {
            return method.equals("GET") ? device(parts[0], parts[1]) : AdminApi.notAllowed(method, path);
        }
        if (parts.length == 3 && parts[2].equals("write")) {
            return method.equals("POST") ? write(parts[0], parts[1], body) : AdminApi.notAllowed(method, path);
        }
        return ApiResponse.error(ErrorCode.NOT_FOUND, "no resource at " + path);
    }

    private ApiResponse devices() throws IOException {
        ObjectNode out = ctx.json().createObjectNode();
        ArrayNode items = out.putArray("items");
        for (NodeDevice device : ctx.devices().devices()) items.add(deviceJson(device));
        return ok(out);
    }

    private ObjectNode deviceJson(NodeDevice device) {
        DeviceState state = device.state();
        ObjectNode json = ctx.json().createObjectNode();
        json.put("node", device.node());
        json.put("name", state.name());
        json.put("driver", state.device().driver());
        json.put("status", state.status().name());
        if (!state.problem().isEmpty()) json.put("problem", state.problem());
        json.put("channels", state.device().channels().size());
        json.put("lastReadingAt", state.lastReadingAt());
        json.put("readings", state.readings());
        json.put("errors", state.errors());
        return json;
    }

    private ApiResponse device(String node, String name) throws IOException {
        NodeDevice device = ctx.devices().device(node, name);
        if (device == null) return ApiResponse.error(ErrorCode.NOT_FOUND, "no device " + node + "/" + name);
        ObjectNode out = deviceJson(device);
        out.set("config", ctx.json().valueToTree(device.state().device()));
        ArrayNode latest = out.putArray("latest");
        for (Reading reading : ctx.devices().latest(node, name)) latest.add(ctx.json().valueToTree(TelemetryJson.reading(reading)));
        return ok(out);
    }

    private ApiResponse write(String node, String device, byte[] body) throws IOException {
        JsonNode request = ctx.json().readTree(body);
        String channel = request.path("channel").asText("");
        JsonNode value = request.path("value");
        if (channel.isEmpty() || value.isMissingNode() || value.isNull()) {
            return ApiResponse.error(ErrorCode.INVALID_ARGUMENT, "the body needs \"channel\" and \"value\"");
        }
        Reading written = ctx.devices().write(node, device, channel, value.asText());
        return ok(ctx.json().valueToTree(TelemetryJson.reading(written)));
    }

    private ApiResponse readings(Map<String, List<String>> query) throws IOException {
        String node = first(query, "node");
        String device = first(query, "device");
        if (node == null || device == null) {
            return ApiResponse.error(ErrorCode.INVALID_ARGUMENT, "give node= and device= (and optionally channel= and limit=)");
        }
        int limit = 0;
        String limitText = first(query, "limit");
        if (limitText != null) {
            try {
                limit = Integer.parseInt(limitText);
                if (limit < 0) throw new NumberFormatException();
            } catch (NumberFormatException e) {
                return ApiResponse.error(ErrorCode.INVALID_ARGUMENT, "limit must be a whole number ≥ 0");
            }
        }
        ObjectNode out = ctx.json().createObjectNode();
        ArrayNode items = out.putArray("items");
        for (DeviceHub.Stored stored : ctx.devices().stored(node, device, first(query, "channel"), limit)) {
            ObjectNode item = ctx.json().valueToTree(TelemetryJson.reading(stored.reading()));
            item.put("seq", stored.seq());
            items.add(item);
        }
        return ok(out);
    }

    private ApiResponse rules() throws IOException {
        ObjectNode out = ctx.json().createObjectNode();
        ArrayNode items = out.putArray("items");
        for (NodeRule rule : ctx.devices().rules()) {
            ObjectNode item = ctx.json().valueToTree(RuleConfig.toProperties(rule.rule()));
            item.put("node", rule.node());
            item.put("description", rule.rule().describe());
            items.add(item);
        }
        return ok(out);
    }

    private ApiResponse alerts() throws IOException {
        ObjectNode out = ctx.json().createObjectNode();
        ArrayNode items = out.putArray("items");
        for (DeviceHub.StoredAlert stored : ctx.devices().alerts()) {
            ObjectNode item = ctx.json().valueToTree(stored.alert());
            item.put("node", stored.node());
            item.put("seq", stored.seq());
            items.add(item);
        }
        return ok(out);
    }

    private ApiResponse telemetry() throws IOException {
        ObjectNode out = ctx.json().createObjectNode();
        ArrayNode items = out.putArray("items");
        Map<String, NodeIngest> ingest = new java.util.HashMap<>();
        ctx.devices().ingest().forEach(node -> ingest.put(node.node(), node));
        for (NodeTelemetry node : ctx.devices().telemetry()) {
            ObjectNode item = ctx.json().valueToTree(node);
            NodeIngest paced = ingest.get(node.node());
            if (paced != null) {
                item.put("budgetPerSecond", paced.budgetPerSecond());
                item.put("throttled", paced.throttled());
                item.put("throttledMillis", paced.throttledMillis());
                item.put("notKept", paced.notKept());
                item.put("outboxRefused", paced.outboxRefused());
                item.put("paused", paced.paused());
            }
            items.add(item);
        }
        return ok(out);
    }

    private static String first(Map<String, List<String>> query, String key) {
        List<String> values = query.get(key);
        return values == null || values.isEmpty() || values.get(0).isBlank() ? null : values.get(0);
    }

    private ApiResponse ok(JsonNode body) throws IOException {
        return ApiResponse.json(200, ctx.json().writeValueAsBytes(body));
    }
}
