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

    Retention retention();

    interface Retention {
        /**
         * How long an entry's content stays in the database. Older entries are written to a segment file in
         * {@link #archiveDir()} and then redacted (their hashes stay). Unset: keep everything forever.
         */
        Optional<Duration> period();

        /** Where segment files go; mount durable, ideally write-once, storage here. */
        @WithDefault("audit-archive")
        String archiveDir();

        /** How often the retention job looks for entries past the period. */
        @WithDefault("1h")
        Duration checkInterval();
    }
}
