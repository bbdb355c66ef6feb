package dev.ztna.identity.federation;

import dev.ztna.common.audit.AuditOutbox;
import dev.ztna.identity.domain.UserAccount;
import dev.ztna.identity.repository.UserAccountRepository;
import dev.ztna.identity.service.Authenticator;
import dev.ztna.proto.audit.v1.Outcome;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.json.JsonArray;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import org.eclipse.microprofile.jwt.JsonWebToken;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * Turns a verified upstream ID token into the first half of a local login: the local account it names (linked to the
 * upstream subject on first use, and only to it afterwards), the local groups its upstream groups map to, and an MFA
 * challenge — answered with the suite's own TOTP unless the upstream amr is one the operator trusts.
 */
@ApplicationScoped
public class FederatedLogins {

    private static final Pattern USERNAME = Pattern.compile("[A-Za-z0-9._@-]{1,128}");

    private final FederationConfig config;
    private final UserAccountRepository users;
    private final Authenticator authenticator;
    private final AuditOutbox audit;

    public FederatedLogins(FederationConfig config, UserAccountRepository users, Authenticator authenticator,
                           AuditOutbox audit) {
        this.config = config;
        this.users = users;
        this.authenticator = authenticator;
        this.audit = audit;
    }

    /** The token's signature, issuer, audience and expiry were verified by the caller (Quarkus OIDC). */
    public Authenticator.Challenge begin(JsonWebToken idToken, String source) {
        String issuer = Objects.requireNonNullElse(idToken.getIssuer(), "");
        String subject = Objects.requireNonNullElse(idToken.getSubject(), "");
        String username = Objects.toString(stringClaim(idToken, config.usernameClaim()), "");
        List<String> upstreamGroups = strings(idToken.getClaim(config.groupsClaim()));
        List<String> upstreamAmr = strings(idToken.getClaim("amr"));
        try {
            return QuarkusTransaction.requiringNew().call(() -> link(issuer, subject, username, upstreamGroups,
                    upstreamAmr, source));
        } catch (FederationRefused e) {
            QuarkusTransaction.requiringNew().run(() -> audit.record("auth.federated", username.isEmpty() ? subject : username,
                    Outcome.OUTCOME_FAILURE, e.getMessage(), Map.of("source_address", source, "issuer", issuer,
                            "upstream_subject", subject)));
            throw e;
        }
    }

    private Authenticator.Challenge link(String issuer, String subject, String username, List<String> upstreamGroups,
                                         List<String> upstreamAmr, String source) {
        if (subject.isEmpty() || !USERNAME.matcher(username).matches()) {
            throw new FederationRefused("UPSTREAM_CLAIMS_UNUSABLE", "the upstream ID token has no usable sub or "
                    + config.usernameClaim() + " claim");
        }
        Optional<UserAccount> found = users.findByUsername(username).filter(u -> u.enabled);
        if (found.isEmpty()) {
            throw new FederationRefused("NO_LOCAL_ACCOUNT", "no enabled account " + username
                    + " here; ask an administrator to create or import it");
        }
        UserAccount user = found.get();
        Optional<UserAccount> holder = users.findByFederatedIdentity(issuer, subject);
        if (holder.isPresent() && !holder.get().id.equals(user.id)) {
            throw new FederationRefused("FEDERATED_IDENTITY_MISMATCH",
                    "this upstream identity is linked to another account");
        }
        if (user.federatedSubject == null) {
            user.federatedIssuer = issuer;
            user.federatedSubject = subject;
            audit.record("directory.user.link", username, Outcome.OUTCOME_SUCCESS, "linked to an upstream identity",
                    Map.of("issuer", issuer, "upstream_subject", subject));
        } else if (!user.federatedIssuer.equals(issuer) || !user.federatedSubject.equals(subject)) {
            throw new FederationRefused("FEDERATED_IDENTITY_MISMATCH",
                    "account " + username + " is linked to another upstream identity");
        }
        TreeSet<String> mapped = new TreeSet<>();
        for (String group : upstreamGroups) {
            String local = config.groupMapping().get(group);
            if (local != null) {
                mapped.add(local);
            }
        }
        List<String> trusted = new ArrayList<>(upstreamAmr);
        trusted.retainAll(config.trustedAmr().orElse(List.of()));
        Authenticator.Challenge challenge = authenticator.federatedChallenge(user, String.join(",", mapped),
                String.join(",", trusted));
        audit.record("auth.federated", username, Outcome.OUTCOME_SUCCESS, trusted.isEmpty()
                        ? "upstream login verified, local MFA required" : "upstream login and MFA verified",
                Map.of("source_address", source, "issuer", issuer, "mapped_groups", String.join(",", mapped)));
        return challenge;
    }

    private static Object stringClaim(JsonWebToken token, String name) {
        Object value = token.getClaim(name);
        return value instanceof JsonString s ? s.getString() : value instanceof String ? value : null;
    }

    /** A claim holding a list of strings (JSON array, collection or a single string); anything else: none. */
    static List<String> strings(Object claim) {
        List<String> out = new ArrayList<>();
        if (claim instanceof JsonArray array) {
            for (JsonValue v : array) {
                if (v instanceof JsonString s) {
                    out.add(s.getString());
                }
            }
        } else if (claim instanceof Collection<?> values) {
            for (Object v : values) {
                out.add(v instanceof JsonString s ? s.getString() : String.valueOf(v));
            }
        } else if (claim instanceof JsonString s) {
            out.add(s.getString());
        } else if (claim instanceof String s) {
            out.add(s);
        }
        return out;
    }
}
