package org.outpost.server.internal;

import java.io.IOException;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;

import org.outpost.api.ErrorCode;
import org.outpost.api.JoinToken;
import org.outpost.api.NodeInfo;
import org.outpost.api.NodeStatus;
import org.outpost.api.OutpostException;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The HTTP API without the transport: {@code /healthz}, {@code /metrics}, {@code /v1/join} and the
 * admin resources under {@code /v1}. Runs on worker threads (it reads and writes the store).
 */
final class AdminApi {
    private final ServerContext ctx;
    private final NodeJoin joins;

    AdminApi(ServerContext ctx) {
        this.ctx = ctx;
        this.joins = new NodeJoin(ctx);
    }

    /** The route label used in metrics: the path with names replaced by placeholders. */
    static String route(String requestMethod, String path) {
        // Bounded label values: made-up methods and paths must not create new metric series.
        String method = switch (requestMethod) {
            case "GET", "POST", "PUT", "PATCH", "DELETE" -> requestMethod;
            default -> "OTHER";
        };
        String[] parts = path.split("/");
        if (parts.length == 4 && parts[1].equals("v1") && (parts[2].equals("nodes") || parts[2].equals("tokens"))) {
            return method + " /v1/" + parts[2] + "/{name}";
        }
        if (parts.length >= 5 && parts[1].equals("v1") && parts[2].equals("devices")) {
            return method + " /v1/devices/{node}/{device}" + (parts.length == 6 ? "/" + (parts[5].equals("write") ? "write" : "other") : "");
        }
        if (parts.length == 5 && parts[1].equals("v1") && parts[2].equals("workloads")) {
            return method + " /v1/workloads/{namespace}/{name}";
        }
        if (parts.length == 6 && parts[1].equals("v1") && parts[2].equals("workloads")
                && (parts[5].equals("scale") || parts[5].equals("rollback"))) {
            return method + " /v1/workloads/{namespace}/{name}/" + parts[5];
        }
        return switch (path) {
            case "/healthz", "/metrics", "/v1/join", "/v1/nodes", "/v1/tokens", "/v1/status", "/v1/workloads", "/v1/devices",
                    "/v1/readings", "/v1/rules", "/v1/alerts", "/v1/telemetry" -> method + " " + path;
            default -> "other";
        };
    }

    ApiResponse handle(String method, String path, String authorization, byte[] body) {
        return handle(method, path, Map.of(), authorization, body);
    }

    ApiResponse handle(String method, String path, Map<String, java.util.List<String>> query, String authorization, byte[] body) {
        try {
            if (path.equals("/healthz")) {
                return method.equals("GET") ? healthz() : notAllowed(method, path);
            }
            if (path.equals("/v1/join")) {
                return method.equals("POST") ? ok(joins.join(body)) : notAllowed(method, path);
            }
            if (!ctx.admin().accepts(authorization)) {
                return ApiResponse.error(ErrorCode.UNAUTHORIZED, RequestGate.NEEDS_ADMIN);
            }
            if (path.equals("/metrics")) {
                return method.equals("GET") ? metrics() : notAllowed(method, path);
            }
            if (path.equals("/v1/status")) {
                return method.equals("GET") ? status() : notAllowed(method, path);
            }
            if (path.equals("/v1/nodes")) {
                return method.equals("GET") ? nodes() : notAllowed(method, path);
            }
            if (path.startsWith("/v1/nodes/")) {
                String name = path.substring("/v1/nodes/".length());
                return switch (method) {
                    case "GET" -> node(name);
                    case "DELETE" -> deleteNode(name);
                    case "PATCH" -> patchNode(name, body);
                    default -> notAllowed(method, path);
                };
            }
            if (path.equals("/v1/tokens")) {
                return switch (method) {
                    case "GET" -> tokens();
                    case "POST" -> createToken(body);
                    default -> notAllowed(method, path);
                };
            }
            if (path.equals("/v1/workloads") || path.startsWith("/v1/workloads/")) {
                return new WorkloadApi(ctx).handle(method, path, body);
            }
            if (DeviceApi.handles(path)) {
                return new DeviceApi(ctx).handle(method, path, query, body);
            }
            if (path.startsWith("/v1/tokens/")) {
                return method.equals("DELETE") ? revokeToken(path.substring("/v1/tokens/".length())) : notAllowed(method, path);
            }
            return ApiResponse.error(ErrorCode.NOT_FOUND, "no resource at " + path);
        } catch (OutpostException e) {
            return ApiResponse.error(e);
        } catch (IOException e) {
            return ApiResponse.error(ErrorCode.INVALID_ARGUMENT, "request body is not valid JSON: " + firstLine(e.getMessage()));
        }
    }

    private ApiResponse healthz() throws IOException {
        ObjectNode out = ctx.json().createObjectNode();
        out.put("status", "ok");
        out.put("revision", ctx.store().revision());
        return ok(out);
    }

    private ApiResponse metrics() {
        Map<NodeStatus, Integer> counts = ctx.registry().countByStatus();
        // One page, one writer: a family that two parts declared would fail here rather than on a scraper.
        return ApiResponse.text("text/plain; version=0.0.4; charset=utf-8", PrometheusText.page(page -> {
            ctx.metrics().write(page, counts, ctx.store().revision(), ctx.sessions().size());
            ctx.sessions().writeMetrics(page);
            ctx.devices().writeMetrics(page);
        }));
    }

    private ApiResponse status() throws IOException {
        Map<NodeStatus, Integer> counts = ctx.registry().countByStatus();
        ObjectNode out = ctx.json().createObjectNode();
        out.put("role", "server");
        out.put("node", ctx.node().name());
        out.put("version", ctx.node().version());
        out.put("uptimeSeconds", Duration.between(ctx.node().started(), java.time.Instant.now()).toSeconds());
        out.put("store", ctx.store().describe());
        out.put("revision", ctx.store().revision());
        ObjectNode nodes = out.putObject("nodes");
        nodes.put("total", counts.values().stream().mapToInt(Integer::intValue).sum());
        nodes.put("ready", counts.get(NodeStatus.Ready));
        nodes.put("notReady", counts.get(NodeStatus.NotReady));
        return ok(out);
    }

    private ApiResponse nodes() throws IOException {
        ObjectNode out = ctx.json().createObjectNode();
        ArrayNode items = out.putArray("items");
        for (NodeInfo node : ctx.registry().list()) {
            items.add(NodeJson.of(ctx.json(), node));
        }
        return ok(out);
    }

    private ApiResponse node(String name) throws IOException {
        NodeInfo node = ctx.registry().get(name)
                .orElseThrow(() -> new OutpostException(ErrorCode.NOT_FOUND, "node " + name + " not found"));
        return ok(NodeJson.of(ctx.json(), node));
    }

    private ApiResponse deleteNode(String name) throws IOException {
        if (!ctx.registry().delete(name)) {
            throw new OutpostException(ErrorCode.NOT_FOUND, "node " + name + " not found");
        }
        ctx.sessions().close(name);
        ObjectNode out = ctx.json().createObjectNode();
        out.put("deleted", name);
        return ok(out);
    }

    /** Merge-patch of labels: {@code {"labels": {"k": "v", "gone": null}}}. */
    private ApiResponse patchNode(String name, byte[] body) throws IOException {
        JsonNode patch = ctx.json().readTree(body);
        JsonNode labels = patch == null ? null : patch.get("labels");
        if (labels == null || !labels.isObject()) {
            throw new OutpostException(ErrorCode.INVALID_ARGUMENT, "expected {\"labels\": {\"key\": \"value\" or null}}");
        }
        Map<String, String> set = new HashMap<>();
        Set<String> remove = new HashSet<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = labels.fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> e = it.next();
            if (e.getValue().isNull()) {
                remove.add(e.getKey());
            } else if (e.getValue().isTextual()) {
                set.put(e.getKey(), e.getValue().asText());
            } else {
                throw new OutpostException(ErrorCode.INVALID_ARGUMENT, "label " + e.getKey() + " must be a string or null");
            }
        }
        return ok(NodeJson.of(ctx.json(), ctx.registry().label(name, set, remove)));
    }

    private ApiResponse tokens() throws IOException {
        ObjectNode out = ctx.json().createObjectNode();
        ArrayNode items = out.putArray("items");
        for (JoinToken token : ctx.tokens().list()) {
            items.add(tokenJson(token));
        }
        return ok(out);
    }

    private ApiResponse createToken(byte[] body) throws IOException {
        JsonNode request = body.length == 0 ? ctx.json().createObjectNode() : ctx.json().readTree(body);
        long ttlSeconds = request.path("ttlSeconds").asLong(0);
        int maxUses = request.path("maxUses").asInt(0);
        JoinToken token = ctx.tokens().create(ttlSeconds > 0 ? Duration.ofSeconds(ttlSeconds) : null, maxUses,
                request.path("description").asText(""));
        ObjectNode out = tokenJson(token);
        out.put("token", token.token());
        return new ApiResponse(201, ApiResponse.JSON, ctx.json().writeValueAsBytes(out));
    }

    private ApiResponse revokeToken(String id) throws IOException {
        ctx.tokens().revoke(id);
        ObjectNode out = ctx.json().createObjectNode();
        out.put("revoked", id);
        return ok(out);
    }

    private ObjectNode tokenJson(JoinToken token) {
        ObjectNode out = ctx.json().createObjectNode();
        out.put("id", token.id());
        out.put("description", token.description());
        out.put("created", token.created().toString());
        out.put("expires", token.expires() == null ? null : token.expires().toString());
        out.put("maxUses", token.maxUses());
        out.put("uses", token.uses());
        out.put("revoked", token.revoked());
        return out;
    }

    private ApiResponse ok(JsonNode body) throws IOException {
        return ApiResponse.json(200, ctx.json().writeValueAsBytes(body));
    }

    static ApiResponse notAllowed(String method, String path) {
        return ApiResponse.error(405, "method_not_allowed", method + " is not supported on " + path);
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "";
        }
        int nl = message.indexOf('\n');
        return nl < 0 ? message : message.substring(0, nl);
    }
}
