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

    Web web();

    /** The identity-aware web proxy (docs/broker.md, "Web apps"). */
    interface Web {
        /**
         * Web domains: a request for host {@code APP.DOMAIN} (any port) is proxied to app {@code APP}. None set: the
         * web proxy is off and every request is served as before.
         */
        java.util.Optional<java.util.List<String>> domains();

        /** identity-svc's browser login as the browser reaches it, e.g. https://login.example.com/web/login. */
        @WithDefault("http://localhost:8081/web/login")
        String loginUrl();

        /** The scheme browsers use for app hosts (TLS usually ends in front of the broker): https, or http for a dev stack. */
        @WithDefault("https")
        String scheme();

        /** Request bodies larger than this are refused with 413. */
        @WithDefault("10485760")
        long maxRequestBody();

        /** How long an app may take to start its answer before the browser gets 504. */
        @WithDefault("PT60S")
        Duration responseTimeout();
    }

    DataChannel dataChannel();

    /** The TCP data channel: bulk TCP relayed as raw bytes (AccessService/OpenDataChannel). */
    interface DataChannel {
        /** Its TCP port; absent: off (tunnels use gRPC streams only). */
        java.util.Optional<Integer> port();

        /** The address it listens on. */
        @WithDefault("0.0.0.0")
        String host();
    }
}
