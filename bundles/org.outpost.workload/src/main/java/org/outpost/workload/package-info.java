/**
 * Workloads as users write them: Kubernetes {@code apps/v1} Deployments and DaemonSets and
 * Outpost's {@code edge.outpost.org/v1} BundleDeployments, parsed from YAML manifests by
 * {@link org.outpost.workload.ManifestParser} and kept in the cluster store as JSON.
 */
@Version("1.3.0")
@Export
package org.outpost.workload;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
