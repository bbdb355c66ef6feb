package dev.ztna.audit.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;
import java.util.Optional;

@ConfigMapping(prefix = "ztna.audit")
public interface AuditConfig {

    /**
     * Base64 PKCS#8 Ed25519 private key that signs tree heads. Required in prod; in dev and test an ephemeral key is
     * generated (heads then verify only for the life of the process). Never logged.
     */
    Optional<String> signingKey();

    /** How often a new tree head is signed when the log grew. */
    @WithDefault("10s")
    Duration treeHeadInterval();
}
