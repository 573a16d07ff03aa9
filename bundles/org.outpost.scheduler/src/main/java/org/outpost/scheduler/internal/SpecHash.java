package org.outpost.scheduler.internal;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

import org.outpost.workload.BundleSet;
import org.outpost.workload.PodTemplate;
import org.outpost.workload.Workload;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

/**
 * Names a version of a workload's template: the same containers, bundles, selector and tolerations
 * give the same hash on every server; the replica count is left out, so scaling is not an update.
 */
final class SpecHash {
    private final ObjectMapper canonical = new ObjectMapper().configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true);

    String of(Workload workload) {
        Object template;
        if (workload.pod() != null) {
            PodTemplate p = workload.pod();
            template = new PodTemplate(0, p.selector(), p.labels(), p.containers(), p.restartPolicy(), p.nodeSelector(),
                    p.tolerations());
        } else {
            BundleSet b = workload.bundles();
            template = b.withReplicas(0);
        }
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest(canonical.writeValueAsString(template).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 5);
        } catch (JsonProcessingException | NoSuchAlgorithmException e) {
            throw new IllegalStateException("cannot hash the template of " + workload.name(), e);
        }
    }
}
