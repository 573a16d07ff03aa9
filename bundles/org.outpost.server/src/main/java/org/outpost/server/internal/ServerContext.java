package org.outpost.server.internal;

import java.time.Duration;
import java.util.concurrent.ExecutorService;

import org.outpost.api.ClusterStore;
import org.outpost.api.LocalNode;
import org.outpost.security.ClusterCa;

import com.fasterxml.jackson.databind.ObjectMapper;

/** What the server's handlers share: one instance per running server. */
record ServerContext(
        LocalNode node,
        ClusterStore store,
        ClusterCa ca,
        NodeRegistryService registry,
        JoinTokenService tokens,
        AdminCredential admin,
        ServerMetrics metrics,
        AgentSessions sessions,
        LogStreams logs,
        WorkloadRegistryService workloads,
        DeviceHub devices,
        ObjectMapper json,
        ExecutorService workers,
        Duration nodeCertificateValidity,
        int agentIdleTimeoutSeconds) {
}
