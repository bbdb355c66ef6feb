package dev.ztna.identity.service;

import dev.ztna.common.audit.AuditOutbox;
import dev.ztna.common.crypto.Totp;
import dev.ztna.identity.domain.Revocation;
import dev.ztna.identity.domain.UserAccount;
import io.quarkus.narayana.jta.QuarkusTransaction;
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
    private final Revocations revocations;

    public record Created(UUID id, String totpSecret) {
    }

    /** The username is taken. */
    public static class UsernameTaken extends RuntimeException {
        public UsernameTaken() {
            super("username already exists", null, false, false);
        }
    }

    public UserDirectory(UserAccountRepository users, PasswordHasher hasher, SecretBox box, AuditOutbox audit,
                         Revocations revocations) {
        this.users = users;
        this.hasher = hasher;
        this.box = box;
        this.audit = audit;
        this.revocations = revocations;
    }

    /** Creates a user; {@code totpSecret} null means generate one. */
    @Transactional
    public Created create(String actor, String username, String password, Set<String> groups, Set<String> roles,
                          String totpSecret) {
        return create(actor, username, password, groups, roles, Map.of(), totpSecret);
    }

    @Transactional
    public Created create(String actor, String username, String password, Set<String> groups, Set<String> roles,
                          Map<String, String> attributes, String totpSecret) {
        if (users.findByUsername(username).isPresent()) {
            throw new UsernameTaken();
        }
        String manager = attributes.get("manager");
        if (manager != null && !manager.isEmpty() && (manager.equals(username) || users.findByUsername(manager).isEmpty())) {
            throw new BadAttribute("attributes.manager", "no user " + manager);
        }
        String secret = totpSecret == null ? Totp.newSecret() : totpSecret;
        UserAccount user = new UserAccount();
        user.id = UUID.randomUUID();
        user.username = username;
        user.passwordHash = hasher.hash(password);
        user.totpSecretEnc = box.seal(secret.getBytes(StandardCharsets.US_ASCII), Authenticator.TOTP_CONTEXT + user.id);
        user.groups.addAll(groups);
        user.roles.addAll(roles);
        attributes.forEach(user::setAttribute);
        user.createdAt = Instant.now();
        users.persist(user);
        audit.record("directory.user.create", actor, Outcome.OUTCOME_SUCCESS, "user created",
                Map.of("username", username, "groups", String.join(",", groups)));
        return new Created(user.id, secret);
    }

    /** There is no such user. */
    public static class NoSuchUser extends RuntimeException {
        public NoSuchUser() {
            super("no such user", null, false, false);
        }
    }

    /** The user is already in the state asked for. */
    public static class AlreadyInState extends RuntimeException {
        public AlreadyInState(String message) {
            super(message, null, false, false);
        }
    }

    /** Refuses the user's logins and revokes every token they hold; brokers hear of it at once. */
    public void disable(String actor, String username, String reason) {
        Revocation r = QuarkusTransaction.requiringNew().call(() -> {
            UserAccount user = users.findByUsername(username).orElseThrow(NoSuchUser::new);
            if (!user.enabled) {
                throw new AlreadyInState("user " + username + " is already disabled");
            }
            user.enabled = false;
            return revocations.revokeUser(user, actor, reason.isEmpty() ? "user disabled by " + actor : reason,
                    "directory.user.disable");
        });
        revocations.publish(r);
    }

    @Transactional
    public void enable(String actor, String username) {
        UserAccount user = users.findByUsername(username).orElseThrow(NoSuchUser::new);
        if (user.enabled) {
            throw new AlreadyInState("user " + username + " is already enabled");
        }
        user.enabled = true;
        audit.record("directory.user.enable", actor, Outcome.OUTCOME_SUCCESS, "user enabled", Map.of("username", username));
    }

    /** Revokes every token the user holds now; they may log in again. */
    public void revokeSessions(String actor, String username, String reason) {
        Revocation r = QuarkusTransaction.requiringNew().call(() -> {
            UserAccount user = users.findByUsername(username).orElseThrow(NoSuchUser::new);
            return revocations.revokeUser(user, actor, reason.isEmpty() ? "sessions revoked by " + actor : reason,
                    "directory.user.revoke_sessions");
        });
        revocations.publish(r);
    }

    /**
     * One CSV row, already checked; {@code attributes}: the attribute columns the file has (an empty cell clears the
     * attribute), none when the file has only username,groups,roles.
     */
    public record ImportRow(int row, String username, Set<String> groups, Set<String> roles,
                            Map<String, String> attributes) {
        public ImportRow(int row, String username, Set<String> groups, Set<String> roles) {
            this(row, username, groups, roles, Map.of());
        }
    }

    public enum Change { CREATED, UPDATED, UNCHANGED }

    /** What happened to a row; {@code password} and {@code totpSecret} only for a created user outside a dry run. */
    public record Imported(ImportRow row, Change outcome, String password, String totpSecret) {
    }

    /**
     * Creates the missing users and sets groups and roles of the others, all in one transaction (all or nothing).
     * A dry run computes the same outcomes and writes nothing.
     */
    public java.util.List<Imported> importUsers(String actor, java.util.List<ImportRow> rows, boolean dryRun) {
        java.util.function.Supplier<java.util.List<Imported>> work = () -> {
            java.util.List<Imported> out = new java.util.ArrayList<>();
            int created = 0;
            int updated = 0;
            Set<String> inFile = new java.util.HashSet<>();
            rows.forEach(r -> inFile.add(r.username()));
            for (ImportRow row : rows) {
                String manager = row.attributes().get("manager");
                if (manager != null && !manager.isEmpty() && (manager.equals(row.username())
                        || !inFile.contains(manager) && users.findByUsername(manager).isEmpty())) {
                    throw new BadAttribute("rows[" + row.row() + "].manager", "no user " + manager
                            + " here or in the file (and not the user)");
                }
            }
            for (ImportRow row : rows) {
                java.util.Optional<UserAccount> existing = users.findByUsername(row.username());
                if (existing.isEmpty()) {
                    String password = dryRun ? null : initialPassword();
                    String secret = dryRun ? null : Totp.newSecret();
                    if (!dryRun) {
                        // the manager was checked against the file and the directory above (it may be a later row)
                        UserAccount user = users.findById(create(actor, row.username(), password, row.groups(),
                                row.roles(), secret).id());
                        row.attributes().forEach(user::setAttribute);
                    }
                    out.add(new Imported(row, Change.CREATED, password, secret));
                    created++;
                } else if (existing.get().groups.equals(row.groups()) && existing.get().roles.equals(row.roles())
                        && sameAttributes(existing.get(), row.attributes())) {
                    out.add(new Imported(row, Change.UNCHANGED, null, null));
                } else {
                    if (!dryRun) {
                        UserAccount user = existing.get();
                        user.groups.clear();
                        user.groups.addAll(row.groups());
                        user.roles.clear();
                        user.roles.addAll(row.roles());
                        row.attributes().forEach(user::setAttribute);
                        Map<String, String> changed = new java.util.TreeMap<>(Map.of("username", row.username(),
                                "groups", String.join(",", new java.util.TreeSet<>(row.groups())),
                                "roles", String.join(",", new java.util.TreeSet<>(row.roles()))));
                        row.attributes().forEach((k, v) -> changed.put("attributes." + k, v));
                        audit.record("directory.user.update", actor, dev.ztna.proto.audit.v1.Outcome.OUTCOME_SUCCESS,
                                "groups, roles and attributes set by import", changed);
                    }
                    out.add(new Imported(row, Change.UPDATED, null, null));
                    updated++;
                }
            }
            if (!dryRun) {
                audit.record("directory.import", actor, dev.ztna.proto.audit.v1.Outcome.OUTCOME_SUCCESS, "users imported",
                        Map.of("rows", Integer.toString(rows.size()), "created", Integer.toString(created),
                                "updated", Integer.toString(updated)));
            }
            return out;
        };
        return QuarkusTransaction.requiringNew().call(work::get);
    }

    private final java.security.SecureRandom random = new java.security.SecureRandom();

    /** 20 characters from a 56-symbol alphabet without look-alikes: ~116 bits. */
    private String initialPassword() {
        String alphabet = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
        StringBuilder password = new StringBuilder();
        for (int i = 0; i < 20; i++) {
            password.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        return password.toString();
    }

    /** A page of users by username (copies: no entity leaves the transaction). */
    public record Listed(UUID id, String username, Set<String> groups, Set<String> roles, boolean enabled,
                         Instant createdAt, Map<String, String> attributes, String federatedIssuer) {
        static Listed of(UserAccount u) {
            return new Listed(u.id, u.username, new java.util.TreeSet<>(u.groups), new java.util.TreeSet<>(u.roles),
                    u.enabled, u.createdAt, u.attributes(), u.federatedIssuer);
        }
    }

    public java.util.List<Listed> page(String after, int size) {
        return QuarkusTransaction.requiringNew().call(() -> users.page(after, size).stream().map(Listed::of).toList());
    }

    private static boolean sameAttributes(UserAccount user, Map<String, String> wanted) {
        Map<String, String> held = user.attributes();
        for (Map.Entry<String, String> e : wanted.entrySet()) {
            if (!e.getValue().equals(held.getOrDefault(e.getKey(), ""))) {
                return false;
            }
        }
        return true;
    }

    public Listed get(String username) {
        return QuarkusTransaction.requiringNew().call(() -> Listed.of(users.findByUsername(username)
                .orElseThrow(NoSuchUser::new)));
    }

    /** An attribute value the shape check cannot judge (e.g. a manager who does not exist). */
    public static class BadAttribute extends RuntimeException {
        private final String field;

        public BadAttribute(String field, String message) {
            super(message, null, false, false);
            this.field = field;
        }

        public String field() {
            return field;
        }
    }

    /**
     * Changes groups and/or roles (null: unchanged) and attributes (empty value: clear), in one transaction, audited;
     * values were checked by the adapter. With {@code revoke}, the user's tokens are revoked so the change is immediate.
     */
    public Listed update(String actor, String username, Set<String> groups, Set<String> roles,
                         Map<String, String> attributes, boolean revoke, String reason) {
        record Done(Listed user, Revocation revocation) {
        }
        Done done = QuarkusTransaction.requiringNew().call(() -> {
            UserAccount user = users.findByUsername(username).orElseThrow(NoSuchUser::new);
            String manager = attributes.get("manager");
            if (manager != null && !manager.isEmpty()) {
                if (manager.equals(username)) {
                    throw new BadAttribute("attributes.manager", "a user cannot be their own manager");
                }
                if (users.findByUsername(manager).isEmpty()) {
                    throw new BadAttribute("attributes.manager", "no user " + manager);
                }
            }
            Map<String, String> changes = new java.util.TreeMap<>();
            if (groups != null && !groups.equals(user.groups)) {
                user.groups.clear();
                user.groups.addAll(groups);
                changes.put("groups", String.join(",", new java.util.TreeSet<>(groups)));
            }
            if (roles != null && !roles.equals(user.roles)) {
                user.roles.clear();
                user.roles.addAll(roles);
                changes.put("roles", String.join(",", new java.util.TreeSet<>(roles)));
            }
            Map<String, String> before = user.attributes();
            attributes.forEach(user::setAttribute);
            user.attributes().forEach((k, v) -> {
                if (!v.equals(before.get(k))) {
                    changes.put("attributes." + k, v);
                }
            });
            before.keySet().stream().filter(k -> !user.attributes().containsKey(k))
                    .forEach(k -> changes.put("attributes." + k, ""));
            Map<String, String> auditAttrs = new java.util.TreeMap<>(changes);
            auditAttrs.put("username", username);
            audit.record("directory.user.update", actor, Outcome.OUTCOME_SUCCESS,
                    changes.isEmpty() ? "nothing changed" : "changed " + String.join(", ", changes.keySet()), auditAttrs);
            Revocation r = revoke ? revocations.revokeUser(user, actor,
                    reason.isEmpty() ? "directory entry changed by " + actor : reason, "directory.user.revoke_sessions")
                    : null;
            return new Done(Listed.of(user), r);
        });
        if (done.revocation() != null) {
            revocations.publish(done.revocation());
        }
        return done.user();
    }

    public boolean exists(String username) {
        return users.findByUsername(username).isPresent();
    }
}
