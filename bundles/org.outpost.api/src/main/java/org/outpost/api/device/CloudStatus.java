package org.outpost.api.device;

/**
 * The state of the upstream connection.
 *
 * @param broker the broker URL (never with credentials)
 * @param connectedSince ms since the epoch, 0 when not connected
 * @param published messages the broker acknowledged since the uplink started
 * @param pending outbox records not acknowledged by the broker yet
 * @param lastError why the last connection attempt or publish failed, or empty
 */
public record CloudStatus(String broker, String account, String clientId, boolean connected, long connectedSince,
        long published, long pending, String lastError) {
}
