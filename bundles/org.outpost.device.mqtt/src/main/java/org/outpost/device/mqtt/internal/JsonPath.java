package org.outpost.device.mqtt.internal;

import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Where a value sits in a JSON message: {@code $.a.b[0].c} or the dotted {@code a.b.0.c}. A dotted
 * number steps into an array, or names a field of an object; {@code [n]} is only an array index and
 * {@code ['name']} only a field (for names with dots or spaces). {@code $} alone is the whole message.
 */
final class JsonPath {

    /**
     * One step: a field name, an array index, or (dotted numbers) either.
     *
     * @param name the field, or null for an index-only step
     * @param index the array index, or -1 for a name-only step
     */
    private record Step(String name, int index) {
        JsonNode from(JsonNode node) {
            if (index >= 0 && node.isArray()) return node.get(index);
            if (name != null && node.isObject()) return node.get(name);
            return null;
        }

        /** How the step reads in messages: an index where it steps into an array. */
        String text(JsonNode node) {
            if (name == null || (index >= 0 && node.isArray())) return "[" + index + "]";
            if (name.isEmpty() || name.chars().anyMatch(c -> c == '.' || c == '[' || c == ']' || c == '\'' || c == ' ')) {
                return "['" + name + "']";
            }
            return "." + name;
        }
    }

    private final String text;
    private final List<Step> steps;

    private JsonPath(String text, List<Step> steps) {
        this.text = text;
        this.steps = List.copyOf(steps);
    }

    /**
     * @throws IllegalArgumentException with a sentence saying what is wrong where
     */
    static JsonPath parse(String text) {
        String path = text.trim();
        if (path.isEmpty()) throw new IllegalArgumentException("is empty");
        List<Step> steps = new ArrayList<>();
        int at = 0;
        boolean rooted = path.charAt(0) == '$';
        if (rooted) {
            at = 1;
        }
        boolean first = !rooted;
        while (at < path.length()) {
            char c = path.charAt(at);
            if (c == '[') {
                int close = path.indexOf(']', at);
                if (close < 0) throw new IllegalArgumentException("'" + text + "' has an unclosed '[' at position " + (at + 1));
                steps.add(bracket(text, path.substring(at + 1, close), at));
                at = close + 1;
            } else {
                if (c == '.') {
                    at++;
                } else if (!first) {
                    throw new IllegalArgumentException("'" + text + "' needs '.' or '[' at position " + (at + 1));
                }
                int end = at;
                while (end < path.length() && path.charAt(end) != '.' && path.charAt(end) != '[') end++;
                String name = path.substring(at, end);
                if (name.isEmpty() || name.indexOf(']') >= 0 || name.isBlank()) {
                    throw new IllegalArgumentException("'" + text + "' has an empty or unreadable name at position " + (at + 1));
                }
                steps.add(new Step(name, wholeNumber(name)));
                at = end;
            }
            first = false;
        }
        return new JsonPath(path, steps);
    }

    private static Step bracket(String text, String inside, int at) {
        String content = inside.trim();
        if (content.length() >= 2 && (content.charAt(0) == '\'' || content.charAt(0) == '"')
                && content.charAt(content.length() - 1) == content.charAt(0)) {
            return new Step(content.substring(1, content.length() - 1), -1);
        }
        int index = wholeNumber(content);
        if (index < 0) {
            throw new IllegalArgumentException("'" + text + "' has '[" + inside + "]' at position " + (at + 1)
                    + "; use an index like [0] or a quoted name like ['a.b']");
        }
        return new Step(null, index);
    }

    private static int wholeNumber(String text) {
        if (text.isEmpty() || text.length() > 9) return -1;
        for (int i = 0; i < text.length(); i++) {
            if (text.charAt(i) < '0' || text.charAt(i) > '9') return -1;
        }
        return Integer.parseInt(text);
    }

    /**
     * The node at this path.
     *
     * @throws IllegalArgumentException naming the first step that is not there
     */
    JsonNode select(JsonNode root) {
        JsonNode node = root;
        StringBuilder where = new StringBuilder("$");
        for (Step step : steps) {
            JsonNode next = step.from(node);
            if (next == null || next.isMissingNode()) {
                throw new IllegalArgumentException("no " + step.text(node) + " at " + where + " (found " + kind(node) + ")");
            }
            where.append(step.text(node));
            node = next;
        }
        return node;
    }

    private static String kind(JsonNode node) {
        if (node.isObject()) return node.size() == 0 ? "an empty object" : "an object";
        if (node.isArray()) return "an array of " + node.size();
        if (node.isNull()) return "null";
        return "a " + node.getNodeType().name().toLowerCase(java.util.Locale.ROOT);
    }

    @Override
    public String toString() {
        return text;
    }
}
