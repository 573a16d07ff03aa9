package org.outpost.shell.internal;

import java.util.Locale;

import org.outpost.api.ErrorCode;
import org.outpost.api.OutpostException;
import org.outpost.workload.StoredWorkload;
import org.outpost.workload.WorkloadRegistry;

/** {@code NAME} or {@code NAMESPACE/NAME}, as edge:workloads prints them; no namespace means {@code default}. */
final class WorkloadNames {
    private WorkloadNames() {
    }

    static StoredWorkload find(WorkloadRegistry registry, String qualifiedName) {
        int slash = qualifiedName.indexOf('/');
        String namespace = slash < 0 ? "default" : qualifiedName.substring(0, slash);
        String name = qualifiedName.substring(slash + 1);
        return registry.get(namespace, name).orElseThrow(() ->
                new OutpostException(ErrorCode.NOT_FOUND, "workload " + qualifiedName + " not found (see edge:workloads)"));
    }

    /** {@code deployment/thermo}, as kubectl names things in its answers. */
    static String describe(StoredWorkload stored) {
        return stored.workload().kind().manifestName().toLowerCase(Locale.ROOT) + "/" + stored.workload().name();
    }
}
