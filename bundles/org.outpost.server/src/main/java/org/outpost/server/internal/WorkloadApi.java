package org.outpost.server.internal;

import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.List;

import org.outpost.api.ErrorCode;
import org.outpost.api.OutpostException;
import org.outpost.workload.Applied;
import org.outpost.workload.Instance;
import org.outpost.workload.ManifestException;
import org.outpost.workload.ManifestParser;
import org.outpost.workload.StoredWorkload;
import org.outpost.workload.Workload;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * {@code /v1/workloads}: GET lists, POST takes a manifest (the YAML text a user gives
 * {@code edge:deploy}, several documents allowed); {@code /v1/workloads/{namespace}/{name}}: GET,
 * DELETE; {@code .../scale} POST {@code {"replicas": n}}; {@code .../rollback} POST.
 */
final class WorkloadApi {
    private final ServerContext ctx;

    WorkloadApi(ServerContext ctx) {
        this.ctx = ctx;
    }

    ApiResponse handle(String method, String path, byte[] body) throws IOException {
        if (path.equals("/v1/workloads")) {
            return switch (method) {
                case "GET" -> list();
                case "POST" -> apply(body);
                default -> AdminApi.notAllowed(method, path);
            };
        }
        String[] parts = path.substring("/v1/workloads/".length()).split("/", -1);
        if (parts.length == 2) {
            return switch (method) {
                case "GET" -> ok(json(find(parts[0], parts[1])));
                case "DELETE" -> delete(parts[0], parts[1]);
                default -> AdminApi.notAllowed(method, path);
            };
        }
        if (parts.length == 3 && parts[2].equals("scale")) {
            return method.equals("POST") ? scale(parts[0], parts[1], body) : AdminApi.notAllowed(method, path);
        }
        if (parts.length == 3 && parts[2].equals("rollback")) {
            return method.equals("POST") ? rollback(parts[0], parts[1]) : AdminApi.notAllowed(method, path);
        }
        return ApiResponse.error(ErrorCode.NOT_FOUND, "no resource at " + path);
    }

    private ApiResponse list() throws IOException {
        ObjectNode out = ctx.json().createObjectNode();
        ArrayNode items = out.putArray("items");
        ctx.workloads().list().forEach(w -> items.add(json(w)));
        return ok(out);
    }

    private ApiResponse apply(byte[] body) throws IOException {
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .decode(java.nio.ByteBuffer.wrap(body)).toString();
        } catch (CharacterCodingException e) {
            return ApiResponse.error(ErrorCode.INVALID_ARGUMENT, "the manifest is not UTF-8 text");
        }
        List<Workload> parsed;
        try {
            parsed = new ManifestParser().parse(text, "manifest", ctx.workloads().limits());
        } catch (ManifestException e) {
            ObjectNode error = ctx.json().createObjectNode();
            error.put("code", ErrorCode.INVALID_ARGUMENT.wireName());
            error.put("message", e.getMessage());
            ArrayNode problems = error.putArray("problems");
            e.problems().forEach(p -> problems.addObject().put("line", p.line()).put("field", p.field()).put("message", p.message()));
            return ApiResponse.json(ErrorCode.INVALID_ARGUMENT.httpStatus(), ctx.json().writeValueAsBytes(error));
        }
        List<Applied> applied = ctx.workloads().apply(parsed);
        ObjectNode out = ctx.json().createObjectNode();
        ArrayNode items = out.putArray("items");
        for (Applied a : applied) {
            items.addObject()
                    .put("kind", a.workload().kind().manifestName())
                    .put("namespace", a.workload().namespace())
                    .put("name", a.workload().name())
                    .put("outcome", a.outcome().word())
                    .put("generation", a.generation());
        }
        boolean created = applied.stream().anyMatch(a -> a.outcome() == Applied.Outcome.CREATED);
        return ApiResponse.json(created ? 201 : 200, ctx.json().writeValueAsBytes(out));
    }

    private ApiResponse delete(String namespace, String name) throws IOException {
        if (!ctx.workloads().delete(namespace, name)) {
            throw notFound(namespace, name);
        }
        ObjectNode out = ctx.json().createObjectNode();
        out.put("deleted", namespace + "/" + name);
        return ok(out);
    }

    private ApiResponse scale(String namespace, String name, byte[] body) throws IOException {
        JsonNode request = ctx.json().readTree(body);
        JsonNode replicas = request == null ? null : request.get("replicas");
        if (replicas == null || !replicas.isIntegralNumber()) {
            return ApiResponse.error(ErrorCode.INVALID_ARGUMENT, "body must be {\"replicas\": <whole number>}");
        }
        StoredWorkload stored = find(namespace, name);
        // beyond an int is beyond any limit: refused with the limit's sentence, never clamped
        if (!replicas.canConvertToInt() && replicas.bigIntegerValue().signum() > 0) {
            return ApiResponse.error(ErrorCode.INVALID_ARGUMENT, ctx.workloads().limits().tooManyReplicas(
                    stored.workload().kind().manifestName() + " " + namespace + "/" + name, replicas.asText()));
        }
        if (!replicas.canConvertToInt()) {
            return ApiResponse.error(ErrorCode.INVALID_ARGUMENT, "replicas must be 0 or more, got " + replicas.asText());
        }
        ctx.workloads().apply(List.of(stored.workload().scaled(replicas.asInt())));
        return ok(json(find(namespace, name)));
    }

    private ApiResponse rollback(String namespace, String name) throws IOException {
        find(namespace, name);
        ctx.workloads().rollback(namespace, name);
        return ok(json(find(namespace, name)));
    }

    private StoredWorkload find(String namespace, String name) {
        return ctx.workloads().get(namespace, name).orElseThrow(() -> notFound(namespace, name));
    }

    private static OutpostException notFound(String namespace, String name) {
        return new OutpostException(ErrorCode.NOT_FOUND, "workload " + namespace + "/" + name + " not found");
    }

    /** The same shape as {@code edge:workload NAME -o json} (without the desired count, which needs the nodes). */
    private ObjectNode json(StoredWorkload stored) {
        Workload w = stored.workload();
        ObjectNode out = ctx.json().createObjectNode();
        out.put("name", w.name());
        out.put("namespace", w.namespace());
        out.put("kind", w.kind().manifestName());
        out.put("generation", stored.generation());
        out.put("created", stored.created());
        List<Instance> instances = ctx.workloads().instances(w.namespace(), w.name());
        out.put("ready", instances.stream().filter(Instance::running).count());
        instances.stream().map(i -> i.assignment().node()).distinct().sorted().forEach(out.putArray("nodes")::add);
        ctx.workloads().progress(w.namespace(), w.name()).ifPresent(p -> {
            out.put("rollout", p.rollout());
            out.put("problem", p.problem());
        });
        out.set("instances", ctx.json().valueToTree(instances));
        out.set("spec", ctx.json().valueToTree(w));
        return out;
    }

    private ApiResponse ok(JsonNode body) throws IOException {
        return ApiResponse.json(200, ctx.json().writeValueAsBytes(body));
    }
}
