package dev.ztna.policy.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.util.Optional;

@ConfigMapping(prefix = "ztna.policy")
public interface PolicyConfig {

    /** A policy file (YAML or JSON by extension) stored as version 1 when the database holds no policy yet. */
    Optional<String> bootstrapFile();

    /** audit-svc's compliance API, where Simulate reads the recorded decisions. */
    @WithDefault("http://localhost:8084")
    String auditUrl();

    /** The most recorded decisions one Simulate replays; a larger window is refused (narrow it). */
    @WithDefault("200000")
    long simulationMaxDecisions();
}
