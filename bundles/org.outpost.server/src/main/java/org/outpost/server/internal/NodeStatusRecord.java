package org.outpost.server.internal;

import org.outpost.api.NodeUsage;

/**
 * A node's stored status: written on readiness changes and, batched, as its lease is renewed.
 * {@code statusSince} is when the status last changed; {@code runtimes} what the agent can run.
 */
record NodeStatusRecord(int version, String status, String address, String agentVersion, String lastHeartbeat,
        NodeUsage usage, String statusSince, java.util.List<String> runtimes) {
}
