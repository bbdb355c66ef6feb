package dev.ztna.policy.service;

import dev.ztna.policy.config.PolicyConfig;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;

/** The GeoIP database of {@code ztna.policy.geoip-file}, loaded at start (a bad file stops the start, with its line). */
@ApplicationScoped
public class GeoIpDatabase {

    private static final Logger LOG = Logger.getLogger(GeoIpDatabase.class);
    private final PolicyConfig config;
    private volatile GeoIp geo = GeoIp.NONE;

    public GeoIpDatabase(PolicyConfig config) {
        this.config = config;
    }

    void onStart(@Observes StartupEvent event) {
        config.geoipFile().ifPresentOrElse(file -> {
            try {
                geo = GeoIp.load(Path.of(file));
                LOG.infof("GeoIP database %s: %d ranges", file, geo.size());
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read the GeoIP database " + file, e);
            }
        }, () -> LOG.info("no GeoIP database (ztna.policy.geoip-file): rules with where.countries never hold"));
    }

    public GeoIp current() {
        return geo;
    }
}
