package org.outpost.agent.internal;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The agent's JSON mapper for the channel, the join and its files. A field this agent does not
 * know is skipped, not an error: a server is often upgraded before its agents, and a newer
 * server's assignment, welcome or update must not break an older agent.
 */
final class AgentJson {
    private AgentJson() {
    }

    static ObjectMapper mapper() {
        return new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);
    }
}
