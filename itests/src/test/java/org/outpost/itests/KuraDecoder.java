package org.outpost.itests;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;

/**
 * Decodes KuraPayload bytes independently of Outpost's code: Debian's {@code protoc --decode} with
 * the project's {@code kurapayload.proto}, after un-gzipping when the payload starts with the gzip
 * magic. Metrics come back as name → value text.
 */
final class KuraDecoder {
    private static final Pattern METRIC = Pattern.compile("metric \\{\\s*name: \"([^\"]*)\"\\s*type: (\\w+)\\s*\\w+_value: ([^\\n]*)\\n");
    private static final Pattern TIMESTAMP = Pattern.compile("(?m)^timestamp: (\\d+)$");

    private final Path protoDir;

    KuraDecoder(Path repo) {
        this.protoDir = repo.resolve("bundles/org.outpost.cloud.mqtt/src/main/proto");
    }

    record Payload(long timestamp, Map<String, String> metrics, Map<String, String> types) {
        String metric(String name) {
            return metrics.get(name);
        }
    }

    Payload decode(byte[] payload) throws IOException, InterruptedException {
        byte[] plain = payload;
        if (payload.length > 2 && (payload[0] & 0xff) == 0x1f && (payload[1] & 0xff) == 0x8b) {
            try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(payload))) {
                plain = in.readAllBytes();
            }
        }
        Process protoc = new ProcessBuilder("protoc", "--decode=kuradatatypes.KuraPayload", "-I", protoDir.toString(),
                "kurapayload.proto").redirectErrorStream(true).start();
        protoc.getOutputStream().write(plain);
        protoc.getOutputStream().close();
        String text = new String(protoc.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!protoc.waitFor(30, TimeUnit.SECONDS) || protoc.exitValue() != 0) {
            throw new IOException("protoc --decode failed: " + text);
        }
        Map<String, String> metrics = new LinkedHashMap<>();
        Map<String, String> types = new LinkedHashMap<>();
        Matcher metric = METRIC.matcher(text);
        while (metric.find()) {
            String value = metric.group(3).trim();
            if (value.startsWith("\"") && value.endsWith("\"")) value = value.substring(1, value.length() - 1);
            metrics.put(metric.group(1), value);
            types.put(metric.group(1), metric.group(2));
        }
        Matcher timestamp = TIMESTAMP.matcher(text);
        return new Payload(timestamp.find() ? Long.parseLong(timestamp.group(1)) : 0, metrics, types);
    }
}
