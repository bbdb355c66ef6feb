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

    /**
     * A GeoIP database: CSV lines {@code first_address,last_address,country} (IPv4/IPv6 ranges, ISO 3166-1 alpha-2),
     * e.g. DB-IP's free "IP to Country Lite". Without it every country is unknown and where.countries never holds.
     */
    Optional<String> geoipFile();

    /** The most recorded decisions one Simulate replays; a larger window is refused (narrow it). */
    @WithDefault("200000")
    long simulationMaxDecisions();
}
