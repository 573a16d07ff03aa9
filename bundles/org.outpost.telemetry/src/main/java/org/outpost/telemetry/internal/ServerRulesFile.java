package org.outpost.telemetry.internal;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.outpost.api.device.Rule;
import org.outpost.api.device.RuleConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;

/** The rules the server pushed last, kept in {@code <data-dir>/telemetry/server-rules.json} so they hold while the server is away. */
final class ServerRulesFile {
    private static final Logger LOG = LoggerFactory.getLogger(ServerRulesFile.class);

    private final Path file;
    private final ObjectMapper json;

    ServerRulesFile(Path file, ObjectMapper json) {
        this.file = file;
        this.json = json;
    }

    List<Rule> load() {
        if (!Files.isRegularFile(file)) return List.of();
        try {
            List<Map<String, Object>> items = json.readValue(file.toFile(), new TypeReference<>() { });
            List<Rule> loaded = new ArrayList<>();
            for (Map<String, Object> item : items) loaded.add(RuleProperties.parse(item, Rule.ORIGIN_SERVER));
            return loaded;
        } catch (IOException | IllegalArgumentException e) {
            LOG.warn("Cannot read {}; waiting for the server's rules: {}", file, e.getMessage());
            return List.of();
        }
    }

    void save(List<Rule> received) throws IOException {
        Files.createDirectories(file.getParent());
        Path temp = file.resolveSibling(file.getFileName() + ".tmp");
        List<Map<String, Object>> items = received.stream().map(RuleConfig::toProperties).toList();
        Files.write(temp, json.writeValueAsBytes(items));
        try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE)) {
            channel.force(true);
        }
        Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
