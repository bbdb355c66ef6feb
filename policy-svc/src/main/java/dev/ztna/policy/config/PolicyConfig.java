package dev.ztna.policy.config;

import io.smallrye.config.ConfigMapping;

import java.util.Optional;

@ConfigMapping(prefix = "ztna.policy")
public interface PolicyConfig {

    /** A policy file (YAML or JSON by extension) stored as version 1 when the database holds no policy yet. */
    Optional<String> bootstrapFile();
}
