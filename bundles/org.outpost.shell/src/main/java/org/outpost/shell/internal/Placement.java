package org.outpost.shell.internal;

import java.util.List;
import java.util.Optional;

import org.outpost.workload.Instance;
import org.outpost.workload.Workload;
import org.outpost.workload.WorkloadProgress;
import org.outpost.workload.WorkloadRegistry;

/** Where a workload's instances are and how they are doing, summed up for the listing commands. */
record Placement(List<Instance> instances, Optional<WorkloadProgress> progress) {

    static Placement of(WorkloadRegistry registry, Workload w) {
        List<Instance> instances = registry.instances(w.namespace(), w.name()).stream()
                .sorted(java.util.Comparator.comparing((Instance i) -> i.assignment().node())
                        .thenComparing(i -> i.assignment().instance()))
                .toList();
        return new Placement(instances, registry.progress(w.namespace(), w.name()));
    }

    long ready() {
        return instances.stream().filter(Instance::running).count();
    }

    /** Instances on the spec the scheduler is rolling out (all of them before it has looked). */
    long upToDate() {
        return progress.map(p -> instances.stream().filter(i -> i.assignment().specHash().equals(p.specHash())).count())
                .orElse((long) instances.size());
    }

    List<String> nodes() {
        return instances.stream().map(i -> i.assignment().node()).distinct().sorted().toList();
    }
}
