package org.outpost.kura.internal.cloud;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.outpost.api.OutpostException;
import org.outpost.api.kura.CloudRequest;
import org.outpost.api.kura.CloudRequestHandler;
import org.outpost.api.kura.CloudResponse;
import org.outpost.api.kura.ConfigurationSnapshots;

/**
 * Kura's {@code CONF-V2} over the cloud connection, with bodies in Kura's {@code esf} XML:
 * {@code GET/configurations} (all configurable components), {@code PUT/configurations} (applied
 * all or nothing, then a snapshot is taken), {@code GET/snapshots} (ids), {@code GET/snapshots/<id>},
 * {@code EXEC/snapshots} (take one) and {@code EXEC/rollback/<id>}.
 */
@Component(service = CloudRequestHandler.class)
public class ConfigurationCloudHandler implements CloudRequestHandler {
    static final String APPLICATION = "CONF-V2";
    private static final String ESF = "http://eurotech.com/esf/2.0";

    @Reference
    private ConfigurationSnapshots snapshots;

    @Override
    public String application() {
        return APPLICATION;
    }

    @Override
    public CloudResponse handle(CloudRequest request) {
        String second = request.resources().size() > 1 ? request.resources().get(1) : null;
        try {
            return switch (request.method() + "/" + request.resource()) {
                case "GET/configurations" -> CloudResponse.ok(snapshots.exportCurrent());
                case "PUT/configurations" -> {
                    if (request.body().length == 0) {
                        yield CloudResponse.error(CloudResponse.BAD_REQUEST, "PUT/configurations needs esf:configurations XML as the body");
                    }
                    long id = snapshots.importXml(new String(request.body(), StandardCharsets.UTF_8));
                    yield snapshotTaken(id);
                }
                case "GET/snapshots" -> second == null ? CloudResponse.ok(idsXml()) : CloudResponse.ok(snapshots.export(id(second)));
                case "EXEC/snapshots" -> snapshotTaken(snapshots.takeSnapshot());
                case "EXEC/rollback" -> {
                    if (second == null) {
                        yield CloudResponse.error(CloudResponse.BAD_REQUEST, "EXEC/rollback/<snapshot id>");
                    }
                    yield snapshotTaken(snapshots.rollback(id(second)));
                }
                default -> CloudResponse.error(CloudResponse.NOT_FOUND, "no resource " + request.method() + "/"
                        + String.join("/", request.resources()) + " in " + APPLICATION);
            };
        } catch (OutpostException e) {
            return CloudResponses.of(e);
        }
    }

    private static CloudResponse snapshotTaken(long id) {
        Map<String, Object> metrics = new LinkedHashMap<>();
        metrics.put("snapshot.id", id);
        return CloudResponse.ok(metrics, new byte[0]);
    }

    private static long id(String text) {
        try {
            return Long.parseLong(text);
        } catch (NumberFormatException e) {
            throw new OutpostException(org.outpost.api.ErrorCode.INVALID_ARGUMENT, "not a snapshot id: " + text);
        }
    }

    private String idsXml() {
        StringBuilder xml = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<esf:snapshot-ids xmlns:esf=\"")
                .append(ESF).append("\">\n");
        for (long id : snapshots.snapshotIds()) {
            xml.append("  <esf:snapshotIds>").append(id).append("</esf:snapshotIds>\n");
        }
        return xml.append("</esf:snapshot-ids>\n").toString();
    }
}
