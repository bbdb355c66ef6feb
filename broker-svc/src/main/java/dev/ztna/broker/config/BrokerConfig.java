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
}
