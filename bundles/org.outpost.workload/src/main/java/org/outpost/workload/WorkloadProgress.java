package org.outpost.workload;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * What the scheduler last concluded about a workload: {@code problem} says why it is not where it
 * should be ({@code 1 of 3 replicas unschedulable: 0/2 nodes are available: 2 cordoned (edge:uncordon NODE)}) and
 * {@code rollout} how an update is going ({@code complete}, {@code rolling: 1 of 3 updated},
 * {@code stalled: ...}); {@code specHash} is the template version being rolled out.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record WorkloadProgress(String specHash, String rollout, String problem) {
}
