package dev.ztna.broker.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;

@ConfigMapping(prefix = "ztna.broker")
public interface BrokerConfig {

    /** How long a tunnel waits for the connector to reach the app. */
    @WithDefault("PT10S")
    Duration dialTimeout();

    /** Deadline for each policy decision; past it the broker fails closed (UNAVAILABLE). */
    @WithDefault("PT3S")
    Duration decisionTimeout();

    /**
     * How long live sessions outlast an outage of policy-svc (no decision and no change stream): past it they are cut,
     * each with a receipt, because nothing could re-verify them. New sessions are refused from the first failure.
     */
    @WithDefault("PT30S")
    Duration policyOutageGrace();

    /**
     * How long live sessions outlast losing identity-svc's revocation stream: past it they are cut (a revocation could
     * go unnoticed). New sessions are refused while it is down.
     */
    @WithDefault("PT30S")
    Duration identityOutageGrace();

    /** How often connectors must send a heartbeat on their control stream (told to them when they attach). */
    @WithDefault("PT5S")
    Duration connectorHeartbeat();

    /** A connector silent this long is detached and its tunnels end (crash, network loss). */
    @WithDefault("PT15S")
    Duration connectorTimeout();

    /**
     * This broker's name among the brokers sharing the database (shown in session listings and audit records).
     * Default: the host name and a random suffix, new at every start.
     */
    java.util.Optional<String> instanceId();

    /** A session no broker carried a tunnel of for this long ends (it would otherwise stay open forever). */
    @WithDefault("PT15M")
    Duration unusedSessionTimeout();
}
