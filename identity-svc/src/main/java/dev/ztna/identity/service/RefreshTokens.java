package dev.ztna.identity.service;

import dev.ztna.common.audit.AuditOutbox;
import dev.ztna.common.error.Errors;
import dev.ztna.identity.config.IdentityConfig;
import dev.ztna.identity.domain.LoginSession;
import dev.ztna.identity.domain.RefreshToken;
import dev.ztna.identity.domain.Revocation;
import dev.ztna.identity.domain.UserAccount;
import dev.ztna.identity.repository.LoginSessionRepository;
import dev.ztna.identity.repository.RefreshTokenRepository;
import dev.ztna.identity.repository.UserAccountRepository;
import dev.ztna.proto.audit.v1.Outcome;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;

import java.security.SecureRandom;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Rotating refresh tokens: each works once and is replaced by a new one; presenting a spent token again means two
 * parties hold copies, so the whole login session (its family) is revoked and pushed to every broker.
 */
@ApplicationScoped
public class RefreshTokens {

    public static final String PREFIX = "ztna-rt_";
    private final SecureRandom random = new SecureRandom();
    private final RefreshTokenRepository tokens;
    private final LoginSessionRepository loginSessions;
    private final UserAccountRepository users;
    private final TokenIssuer issuer;
    private final Revocations revocations;
    private final AuditOutbox audit;
    private final IdentityConfig config;

    public RefreshTokens(RefreshTokenRepository tokens, LoginSessionRepository loginSessions, UserAccountRepository users,
                         TokenIssuer issuer, Revocations revocations, AuditOutbox audit, IdentityConfig config) {
        this.tokens = tokens;
        this.loginSessions = loginSessions;
        this.users = users;
        this.issuer = issuer;
        this.revocations = revocations;
        this.audit = audit;
        this.config = config;
    }

    /** A new refresh token of the login session. Runs in the caller's transaction. */
    public String issue(UUID loginSessionId, Instant now) {
        byte[] secret = new byte[32];
        random.nextBytes(secret);
        String token = PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
        RefreshToken stored = new RefreshToken();
        stored.tokenHash = Authenticator.sha256(token);
        stored.loginSessionId = loginSessionId;
        stored.issuedAt = now;
        stored.expiresAt = now.plus(config.refreshTokenTtl());
        tokens.persist(stored);
        return token;
    }

    /**
     * Ends the login session a refresh token belongs to (a browser signing out at identity-svc, which holds no access
     * token): every token of it is refused from now on, everywhere. False when the token leads to no live login.
     */
    public boolean logout(String token) {
        byte[] hash = Authenticator.sha256(token);
        Optional<Revocation> done = QuarkusTransaction.requiringNew().call(() -> {
            RefreshToken stored = tokens.findById(hash);
            LoginSession session = stored == null ? null : loginSessions.findById(stored.loginSessionId);
            UserAccount user = session == null ? null : users.findById(session.userId);
            if (user == null || session.revokedAt != null) {
                return Optional.<Revocation>empty();
            }
            Revocation r = revocations.revokeSession(session, user.username, user.username, "logged out");
            audit.record(audit.event("auth.logout", user.username, Outcome.OUTCOME_SUCCESS, "signed out in the browser")
                    .setSessionId(session.id.toString()).build());
            return Optional.of(r);
        });
        done.ifPresent(revocations::publish);
        return done.isPresent();
    }

    private sealed interface Result permits Refreshed, Refused, Reused {
    }

    private record Refreshed(TokenIssuer.Issued issued) implements Result {
    }

    private record Refused(String why) implements Result {
    }

    private record Reused(Revocation revocation) implements Result {
    }

    public TokenIssuer.Issued refresh(String token, String source) {
        Instant now = Instant.now();
        byte[] hash = Authenticator.sha256(token);
        Result outcome = QuarkusTransaction.requiringNew().call(() -> {
            RefreshToken stored = tokens.findById(hash);
            if (stored == null) {
                return new Refused("unknown refresh token");
            }
            LoginSession session = loginSessions.findById(stored.loginSessionId);
            UserAccount user = session == null ? null : users.findById(session.userId);
            if (session == null || user == null || session.revokedAt != null) {
                return new Refused("its login session was revoked");
            }
            if (stored.usedAt != null || !tokens.spend(hash, now)) {
                Revocation r = revocations.revokeSession(session, user.username, "identity-svc",
                        "refresh token reused: every token of this login is revoked");
                audit.record(audit.event("auth.refresh", user.username, Outcome.OUTCOME_FAILURE,
                        "refresh token reused: login session revoked").setSessionId(session.id.toString())
                        .putAttributes("source_address", source).build());
                return new Reused(r);
            }
            if (!stored.expiresAt.isAfter(now) || !user.enabled) {
                return new Refused(user.enabled ? "expired refresh token" : "user disabled");
            }
            String next = issue(session.id, now);
            TokenIssuer.Issued issued = issuer.forUser(user.id, user.username, session.tokenGroups(user.groups), user.roles,
                    user.attributes(), Arrays.asList(session.amr.split(",")),
                    session.lastAuthAt != null ? session.lastAuthAt : session.createdAt,
                    session.id.toString(),
                    session.deviceId == null ? null : session.deviceId.toString(), next);
            audit.record(audit.event("auth.refresh", user.username, Outcome.OUTCOME_SUCCESS, "tokens refreshed")
                    .setSessionId(session.id.toString()).putAttributes("source_address", source).build());
            return new Refreshed(issued);
        });
        if (outcome instanceof Refreshed r) {
            return r.issued();
        }
        if (outcome instanceof Reused r) {
            revocations.publish(r.revocation());
            throw Errors.unauthenticated("REFRESH_TOKEN_REUSED",
                    "this refresh token was already used: the login is revoked; log in again");
        }
        String why = ((Refused) outcome).why();
        QuarkusTransaction.requiringNew().run(() -> audit.record("auth.refresh", "", Outcome.OUTCOME_FAILURE, why,
                Map.of("source_address", source)));
        throw Errors.unauthenticated("REFRESH_TOKEN_INVALID", "the refresh token is not valid; log in again");
    }
}
