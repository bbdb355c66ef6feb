package dev.ztna.identity.service;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ztna.identity.config.IdentityConfig;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.runtime.annotations.RegisterForReflection;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

/**
 * Creates the users and service accounts listed in {@code ztna.identity.bootstrap-file} when they do not exist yet
 * (a fresh site, the dev stack, the e2e suite). Existing entries are never changed. Secrets are hashed or encrypted
 * before they reach the database and are never logged.
 */
@ApplicationScoped
@RegisterForReflection(targets = {Bootstrapper.Seed.class, Bootstrapper.SeedUser.class, Bootstrapper.SeedServiceAccount.class})
public class Bootstrapper {

    private static final Logger LOG = Logger.getLogger(Bootstrapper.class);
    private static final int MIN_CLIENT_SECRET = 32;

    @JsonIgnoreProperties(ignoreUnknown = false)
    public record Seed(List<SeedUser> users, @JsonProperty("service_accounts") List<SeedServiceAccount> serviceAccounts) {
    }

    public record SeedUser(String username, String password, @JsonProperty("totp_secret") String totpSecret,
                           List<String> groups, List<String> roles) {
    }

    public record SeedServiceAccount(@JsonProperty("client_id") String clientId, String secret, List<String> roles) {
    }

    private final IdentityConfig config;
    private final UserDirectory directory;
    private final ServiceAccounts serviceAccounts;
    private final SigningKeys keys;

    public Bootstrapper(IdentityConfig config, UserDirectory directory, ServiceAccounts serviceAccounts, SigningKeys keys) {
        this.config = config;
        this.directory = directory;
        this.serviceAccounts = serviceAccounts;
        this.keys = keys;
    }

    void onStart(@Observes StartupEvent event) {
        keys.active();
        config.bootstrapFile().ifPresent(file -> apply(Path.of(file)));
    }

    void apply(Path file) {
        Seed seed;
        try {
            seed = new ObjectMapper().readValue(Files.readString(file), Seed.class);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read bootstrap file " + file + ": " + e.getMessage(), e);
        }
        for (SeedServiceAccount sa : seed.serviceAccounts() == null ? List.<SeedServiceAccount>of() : seed.serviceAccounts()) {
            if (sa.secret() == null || sa.secret().length() < MIN_CLIENT_SECRET) {
                throw new IllegalStateException("bootstrap service account " + sa.clientId()
                        + ": secret must be at least " + MIN_CLIENT_SECRET + " characters");
            }
            if (serviceAccounts.createIfAbsent(sa.clientId(), sa.secret(), Set.copyOf(orEmpty(sa.roles())))) {
                LOG.infof("bootstrap: created service account %s", sa.clientId());
            }
        }
        for (SeedUser user : seed.users() == null ? List.<SeedUser>of() : seed.users()) {
            if (!directory.exists(user.username())) {
                directory.create("bootstrap", user.username(), user.password(), Set.copyOf(orEmpty(user.groups())),
                        Set.copyOf(orEmpty(user.roles())), user.totpSecret());
                LOG.infof("bootstrap: created user %s", user.username());
            }
        }
    }

    private static List<String> orEmpty(List<String> list) {
        return list == null ? List.of() : list;
    }
}
