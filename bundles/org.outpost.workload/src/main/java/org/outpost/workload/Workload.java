package org.outpost.workload;

import org.outpost.api.ErrorCode;
import org.outpost.api.OutpostException;

import java.util.Map;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * One workload from a manifest. Deployments and DaemonSets carry a {@link PodTemplate},
 * BundleDeployments a {@link BundleSet}; the other is null.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Workload(Kind kind, String name, String namespace, Map<String, String> labels, PodTemplate pod, BundleSet bundles) {
    public Workload {
        labels = Map.copyOf(labels);
    }

    /**
     * The same workload with another replica count.
     *
     * @throws OutpostException {@code INVALID_ARGUMENT} for workloads that run on every matching
     *         node, for a negative count, and for a Replicas-mode BundleDeployment scaled to 0
     */
    public Workload scaled(int replicas) {
        String what = kind.manifestName().toLowerCase(java.util.Locale.ROOT) + "/" + name;
        if (replicas < 0) {
            throw new OutpostException(ErrorCode.INVALID_ARGUMENT, "replicas must be 0 or more, got " + replicas);
        }
        if (kind == Kind.DEPLOYMENT) {
            return new Workload(kind, name, namespace, labels, new PodTemplate(replicas, pod.selector(), pod.labels(),
                    pod.containers(), pod.restartPolicy(), pod.nodeSelector(), pod.tolerations()), null);
        }
        if (kind == Kind.BUNDLE_DEPLOYMENT && bundles.mode() == BundleSet.Mode.REPLICAS) {
            if (replicas < 1) {
                throw new OutpostException(ErrorCode.INVALID_ARGUMENT,
                        "a BundleDeployment in Replicas mode needs at least 1 replica; delete it to remove it");
            }
            return new Workload(kind, name, namespace, labels, null,
                    bundles.withReplicas(replicas));
        }
        throw new OutpostException(ErrorCode.INVALID_ARGUMENT,
                what + " runs on every matching node; only Deployments and Replicas-mode BundleDeployments scale");
    }
}
