package org.outpost.kura.internal.assets;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.outpost.api.ErrorCode;
import org.outpost.api.OutpostException;
import org.outpost.api.device.Channel;
import org.outpost.api.device.DeviceService;
import org.outpost.api.device.DeviceState;
import org.outpost.api.device.Quality;
import org.outpost.api.device.Reading;
import org.outpost.api.device.ValueType;
import org.outpost.api.device.Values;
import org.outpost.kura.internal.rest.RestRequest;
import org.outpost.kura.internal.rest.RestResource;
import org.outpost.kura.internal.rest.RestResponse;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Kura's {@code /services/assets} over this gateway's devices (an asset's pid is the device name):
 * {@code GET /} the pids, {@code GET /{pid}} the channels, {@code GET|POST /{pid}/_read} read now
 * (all channels, or {@code {"channels": [names]}}), {@code POST /{pid}/_write} with
 * {@code {"channels": [{"name", "type", "value"}]}}. Channel records as Kura writes them:
 * {@code name, valueType, value, channelStatus {channelFlag, exceptionMessage}, timestamp}.
 */
@Component(service = RestResource.class)
public class AssetRestResource implements RestResource {
    private static final String READ_FORMAT = "expected {\"channels\": [\"channel-1\", \"channel-2\"]}";
    private static final String WRITE_FORMAT = "expected {\"channels\": [{\"name\": \"channel-1\", \"type\": \"INTEGER\", \"value\": 10}]}";

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    private volatile DeviceService devices;

    private final ObjectMapper json = new ObjectMapper();

    @Override
    public String basePath() {
        return "/services/assets";
    }

    @Override
    public RestResponse handle(RestRequest request) throws IOException {
        DeviceService service = devices;
        if (service == null) {
            throw new OutpostException(ErrorCode.UNAVAILABLE, "this gateway runs no devices (the agent role is not active)");
        }
        List<String> segments = request.segments();
        String method = request.method();
        if (segments.isEmpty() && method.equals("GET")) {
            return RestResponse.ok(service.devices().stream().map(d -> d.device().name()).toList());
        }
        if (segments.size() == 1 && method.equals("GET")) {
            return RestResponse.ok(channels(existing(service, segments.get(0))));
        }
        if (segments.size() == 2 && segments.get(1).equals("_read") && (method.equals("GET") || method.equals("POST"))) {
            DeviceState device = existing(service, segments.get(0));
            List<String> names = method.equals("POST") && request.body().length > 0 ? channelNames(request) : List.of();
            return RestResponse.ok(service.read(device.device().name(), names).stream().map(r -> record(r, device)).toList());
        }
        if (segments.size() == 2 && segments.get(1).equals("_write") && method.equals("POST")) {
            return RestResponse.ok(write(service, existing(service, segments.get(0)), request));
        }
        throw new OutpostException(ErrorCode.NOT_FOUND, "no such route: " + method + " " + basePath() + request.path());
    }

    private static DeviceState existing(DeviceService service, String pid) {
        DeviceState device = service.device(pid);
        if (device == null) {
            throw new OutpostException(ErrorCode.NOT_FOUND, "Asset not found: " + pid);
        }
        return device;
    }

    private static List<Map<String, Object>> channels(DeviceState device) {
        List<Map<String, Object>> channels = new ArrayList<>();
        for (Channel channel : device.device().channels()) {
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("name", channel.name());
            entry.put("type", channel.mode().name());
            entry.put("valueType", channel.valueType().name());
            entry.put("scale", channel.scale());
            entry.put("offset", channel.offset());
            entry.put("unit", channel.unit());
            entry.put("isEnabled", channel.enabled());
            entry.put("configuration", channel.driverConfig());
            channels.add(entry);
        }
        return channels;
    }

    private List<String> channelNames(RestRequest request) {
        JsonNode channels = body(request, READ_FORMAT).get("channels");
        if (channels == null || !channels.isArray()) {
            throw new OutpostException(ErrorCode.INVALID_ARGUMENT, "Bad request, " + READ_FORMAT);
        }
        List<String> names = new ArrayList<>();
        for (JsonNode name : channels) {
            if (!name.isTextual()) {
                throw new OutpostException(ErrorCode.INVALID_ARGUMENT, "Bad request, " + READ_FORMAT);
            }
            if (!names.contains(name.asText())) {
                names.add(name.asText());
            }
        }
        return names;
    }

    /** Checks every request before writing any, then writes them in order. */
    private List<Map<String, Object>> write(DeviceService service, DeviceState device, RestRequest request) {
        JsonNode channels = body(request, WRITE_FORMAT).get("channels");
        if (channels == null || !channels.isArray() || channels.isEmpty()) {
            throw new OutpostException(ErrorCode.INVALID_ARGUMENT, "Bad request, " + WRITE_FORMAT);
        }
        List<String[]> writes = new ArrayList<>();
        for (JsonNode entry : channels) {
            JsonNode name = entry.get("name");
            JsonNode type = entry.get("type");
            JsonNode value = entry.get("value");
            if (name == null || !name.isTextual() || type == null || !type.isTextual() || value == null || value.isNull()) {
                throw new OutpostException(ErrorCode.INVALID_ARGUMENT, "Bad request, " + WRITE_FORMAT);
            }
            Channel channel = device.device().channel(name.asText());
            if (channel == null) {
                throw new OutpostException(ErrorCode.NOT_FOUND, "asset " + device.device().name() + " has no channel " + name.asText());
            }
            if (!channel.valueType().name().equals(type.asText())) {
                throw new OutpostException(ErrorCode.INVALID_ARGUMENT, "channel " + channel.name() + " is " + channel.valueType()
                        + ", not " + type.asText());
            }
            if (!channel.mode().writable()) {
                throw new OutpostException(ErrorCode.INVALID_ARGUMENT, "channel " + channel.name() + " of asset "
                        + device.device().name() + " is read-only (" + channel.mode() + "); nothing was written");
            }
            try {
                Values.toRaw(channel, Values.parse(channel.valueType(), value.asText()));
            } catch (IllegalArgumentException e) {
                throw new OutpostException(ErrorCode.INVALID_ARGUMENT, "channel " + channel.name() + ": " + e.getMessage()
                        + "; nothing was written");
            }
            writes.add(new String[] { channel.name(), value.asText() });
        }
        List<Map<String, Object>> records = new ArrayList<>();
        for (String[] write : writes) {
            records.add(record(service.write(device.device().name(), write[0], write[1]), device));
        }
        return records;
    }

    private JsonNode body(RestRequest request, String format) {
        try {
            JsonNode body = json.readTree(request.body());
            if (body == null || !body.isObject()) {
                throw new OutpostException(ErrorCode.INVALID_ARGUMENT, "Bad request, " + format);
            }
            return body;
        } catch (IOException e) {
            throw new OutpostException(ErrorCode.INVALID_ARGUMENT, "Bad request (not JSON), " + format);
        }
    }

    private static Map<String, Object> record(Reading reading, DeviceState device) {
        Map<String, Object> record = new LinkedHashMap<>();
        record.put("name", reading.channel());
        // a failed read carries no value, and so no type of its own: the channel's
        Channel channel = device.device().channel(reading.channel());
        ValueType type = reading.type() != null ? reading.type() : channel != null ? channel.valueType() : null;
        record.put("valueType", type == null ? null : type.name());
        Map<String, Object> status = new LinkedHashMap<>();
        if (reading.quality() == Quality.GOOD) {
            record.put("value", reading.value() instanceof byte[] bytes ? Base64.getEncoder().encodeToString(bytes) : reading.value());
            status.put("channelFlag", "SUCCESS");
        } else {
            status.put("channelFlag", "FAILURE");
            status.put("exceptionMessage", reading.reason());
        }
        record.put("channelStatus", status);
        record.put("timestamp", reading.timestamp());
        return record;
    }
}
