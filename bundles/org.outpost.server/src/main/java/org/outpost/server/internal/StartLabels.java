package org.outpost.server.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.outpost.workload.LabelRules;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The labels an agent says it was started with, as far as the server takes them. An invalid label
 * is dropped, not the node: it could never match a nodeSelector (those follow the same rules), so
 * leaving it out changes no placement, while refusing the hello would take a running gateway and
 * its workloads out of the cluster over a typo (or after an upgrade that started checking). Beyond
 * {@link LabelRules#MAX_LABELS}, the first ones by key are kept. What was dropped is said once, to
 * the agent and in the server's log.
 *
 * @param accepted what is applied to the node, by key
 * @param dropped  one sentence per dropped label
 */
record StartLabels(Map<String, String> accepted, List<String> dropped) {
    /** Sentences repeated in the warning at most; the rest are counted. */
    private static final int MAX_NAMED = 5;

    static StartLabels of(JsonNode labels) {
        TreeMap<String, String> accepted = new TreeMap<>();
        List<String> dropped = new ArrayList<>();
        Map<String, JsonNode> byKey = new TreeMap<>();
        labels.fields().forEachRemaining(label -> byKey.put(label.getKey(), label.getValue()));
        for (Map.Entry<String, JsonNode> label : byKey.entrySet()) {
            String key = label.getKey();
            if (!label.getValue().isTextual()) {
                dropped.add("label " + LabelRules.quoted(key) + " has no text value");
                continue;
            }
            LabelRules.problem(key, label.getValue().asText()).ifPresentOrElse(dropped::add,
                    () -> accepted.put(key, label.getValue().asText()));
        }
        while (accepted.size() > LabelRules.MAX_LABELS) {
            String last = accepted.lastKey();
            accepted.remove(last);
            dropped.add("label " + last + " is beyond the " + LabelRules.MAX_LABELS + " labels a node may have");
        }
        return new StartLabels(Map.copyOf(accepted), List.copyOf(dropped));
    }

    /** The warning for the agent and the log, or null when every label was taken. */
    String warning() {
        if (dropped.isEmpty()) {
            return null;
        }
        StringBuilder text = new StringBuilder(dropped.size() == 1 ? "1 start label was" : dropped.size() + " start labels were")
                .append(" not applied (correct --labels at the agent's next start; labels follow Kubernetes' rules,")
                .append(" see docs/limits.md): ");
        text.append(String.join("; ", dropped.subList(0, Math.min(MAX_NAMED, dropped.size()))));
        if (dropped.size() > MAX_NAMED) {
            text.append("; and ").append(dropped.size() - MAX_NAMED).append(" more");
        }
        return text.toString();
    }
}
