package org.outpost.workload.internal;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * One YAML mapping read against the fields Outpost supports there. Every key outside
 * {@code allowed}, every duplicate key and every value of the wrong shape becomes a problem that
 * names the field's full path and its line; reading goes on, so one pass reports everything.
 */
final class MapReader {
    private final Problems problems;
    private final String path;
    private final Node node;
    private final Map<String, Node> values = new LinkedHashMap<>();
    private final Map<String, Integer> keyLines = new LinkedHashMap<>();

    private MapReader(Problems problems, String path, Node node, Set<String> allowed) {
        this.problems = problems;
        this.path = path;
        this.node = node;
        if (!(node instanceof MappingNode mapping)) {
            return;
        }
        for (NodeTuple tuple : mapping.getValue()) {
            if (!(tuple.getKeyNode() instanceof ScalarNode keyNode)) {
                problems.add(tuple.getKeyNode(), path, "keys must be plain names");
                continue;
            }
            String key = keyNode.getValue();
            String field = child(key);
            if (values.containsKey(key)) {
                problems.add(keyNode, field, "given twice");
            } else if (!allowed.contains(key)) {
                problems.add(keyNode, field, UnsupportedFields.why(key));
            } else {
                values.put(key, tuple.getValueNode());
                keyLines.put(key, Problems.line(keyNode));
            }
        }
    }

    /** Reads {@code node} as a mapping, or reports that it is not one. */
    static MapReader of(Problems problems, String path, Node node, Set<String> allowed) {
        if (!(node instanceof MappingNode)) {
            problems.add(node, path, "must be a mapping of fields");
        }
        return new MapReader(problems, path, node, allowed);
    }

    String path() {
        return path;
    }

    Node node() {
        return node;
    }

    String child(String key) {
        return path.isEmpty() ? key : path + "." + key;
    }

    boolean has(String key) {
        return present(key).isPresent();
    }

    /** The value under {@code key}, unless absent or YAML null. */
    Optional<Node> present(String key) {
        Node value = values.get(key);
        if (value == null || (value instanceof ScalarNode scalar && Tag.NULL.equals(scalar.getTag()))) {
            return Optional.empty();
        }
        return Optional.of(value);
    }

    Optional<String> string(String key) {
        return present(key).flatMap(value -> scalar(value, child(key)));
    }

    String requiredString(String key) {
        Optional<String> value = string(key);
        if (value.isEmpty() && !has(key)) {
            problems.add(node, child(key), "is required");
        }
        return value.filter(v -> !v.isBlank()).orElseGet(() -> {
            if (has(key) && value.isPresent()) {
                problems.add(values.get(key), child(key), "must not be empty");
            }
            return "";
        });
    }

    Optional<Long> whole(String key, long min) {
        Optional<String> text = string(key);
        if (text.isEmpty()) {
            return Optional.empty();
        }
        try {
            long value = Long.parseLong(text.get());
            if (value < min) {
                problems.add(values.get(key), child(key), "must be " + min + " or more, got " + value);
                return Optional.empty();
            }
            return Optional.of(value);
        } catch (NumberFormatException e) {
            String why = text.get().matches("[0-9]{19,}") ? "is too large" : "must be a whole number";
            problems.add(values.get(key), child(key), why + ", got '" + text.get() + "'");
            return Optional.empty();
        }
    }

    Map<String, String> stringMap(String key) {
        Optional<Node> value = present(key);
        Map<String, String> result = new LinkedHashMap<>();
        if (value.isEmpty()) {
            return result;
        }
        String field = child(key);
        if (!(value.get() instanceof MappingNode mapping)) {
            problems.add(value.get(), field, "must be a mapping of names to values");
            return result;
        }
        for (NodeTuple tuple : mapping.getValue()) {
            Optional<String> name = scalar(tuple.getKeyNode(), field);
            Optional<String> text = scalar(tuple.getValueNode(), field + "." + name.orElse("?"));
            if (name.isPresent() && text.isPresent()) {
                if (result.put(name.get(), text.get()) != null) {
                    problems.add(tuple.getKeyNode(), field + "." + name.get(), "given twice");
                }
            }
        }
        return result;
    }

    List<String> stringList(String key) {
        List<String> result = new ArrayList<>();
        List<Node> items = sequence(key);
        for (int i = 0; i < items.size(); i++) {
            scalar(items.get(i), child(key) + "[" + i + "]").ifPresent(result::add);
        }
        return result;
    }

    /** The mappings of a list under {@code key}, each read against {@code allowed}. */
    List<MapReader> mapList(String key, Set<String> allowed) {
        List<MapReader> result = new ArrayList<>();
        List<Node> items = sequence(key);
        for (int i = 0; i < items.size(); i++) {
            result.add(of(problems, child(key) + "[" + i + "]", items.get(i), allowed));
        }
        return result;
    }

    /** The items of the list under {@code key}; none when absent or (reported) not a list. */
    private List<Node> sequence(String key) {
        Optional<Node> value = present(key);
        if (value.isEmpty()) {
            return List.of();
        }
        if (!(value.get() instanceof SequenceNode sequence)) {
            problems.add(value.get(), child(key), "must be a list");
            return List.of();
        }
        return sequence.getValue();
    }

    Optional<MapReader> map(String key, Set<String> allowed) {
        return present(key).map(value -> of(problems, child(key), value, allowed));
    }

    MapReader requiredMap(String key, Set<String> allowed) {
        Optional<MapReader> map = map(key, allowed);
        if (map.isEmpty()) {
            problems.add(node, child(key), "is required");
            return new MapReader(problems, child(key), node, Set.of());
        }
        return map.get();
    }

    /** The line of {@code key}'s value, or of this mapping when the key is absent. */
    Node at(String key) {
        Node value = values.get(key);
        return value != null ? value : node;
    }

    private Optional<String> scalar(Node value, String field) {
        if (value instanceof ScalarNode scalar) {
            return Optional.of(scalar.getValue());
        }
        problems.add(value, field, "must be a single value, not a " + (value instanceof SequenceNode ? "list" : "mapping"));
        return Optional.empty();
    }
}
