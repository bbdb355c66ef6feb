package dev.ztna.identity.service;

import dev.ztna.common.audit.AuditOutbox;
import dev.ztna.common.crypto.Totp;
import dev.ztna.identity.domain.UserAccount;
import dev.ztna.identity.repository.UserAccountRepository;
import dev.ztna.proto.audit.v1.Outcome;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

@ApplicationScoped
public class UserDirectory {

    private final UserAccountRepository users;
    private final PasswordHasher hasher;
    private final SecretBox box;
    private final AuditOutbox audit;

    public record Created(UUID id, String totpSecret) {
    }

    /** The username is taken. */
    public static class UsernameTaken extends RuntimeException {
        public UsernameTaken() {
            super("username already exists", null, false, false);
        }
    }

    public UserDirectory(UserAccountRepository users, PasswordHasher hasher, SecretBox box, AuditOutbox audit) {
        this.users = users;
        this.hasher = hasher;
        this.box = box;
        this.audit = audit;
    }

    /** Creates a user; {@code totpSecret} null means generate one. */
    @Transactional
    public Created create(String actor, String username, String password, Set<String> groups, Set<String> roles,
                          String totpSecret) {
        if (users.findByUsername(username).isPresent()) {
            throw new UsernameTaken();
        }
        String secret = totpSecret == null ? Totp.newSecret() : totpSecret;
        UserAccount user = new UserAccount();
        user.id = UUID.randomUUID();
        user.username = username;
        user.passwordHash = hasher.hash(password);
        user.totpSecretEnc = box.seal(secret.getBytes(StandardCharsets.US_ASCII), Authenticator.TOTP_CONTEXT + user.id);
        user.groups.addAll(groups);
        user.roles.addAll(roles);
        user.createdAt = Instant.now();
        users.persist(user);
        audit.record("directory.user.create", actor, Outcome.OUTCOME_SUCCESS, "user created",
                Map.of("username", username, "groups", String.join(",", groups)));
        return new Created(user.id, secret);
    }

    public boolean exists(String username) {
        return users.findByUsername(username).isPresent();
    }
}
