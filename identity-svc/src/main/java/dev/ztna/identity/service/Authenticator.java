package dev.ztna.identity.service;

import dev.ztna.common.audit.AuditOutbox;
import dev.ztna.common.crypto.Totp;
import dev.ztna.identity.config.IdentityConfig;
import dev.ztna.identity.domain.MfaChallenge;
import dev.ztna.identity.domain.UserAccount;
import dev.ztna.identity.repository.MfaChallengeRepository;
import dev.ztna.identity.repository.UserAccountRepository;
import dev.ztna.proto.audit.v1.Outcome;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.UUID;

/** Password, then TOTP, then a token. Every attempt is audited (never the secret). */
@ApplicationScoped
public class Authenticator {

    static final String TOTP_CONTEXT = "totp:";

    private final UserAccountRepository users;
    private final MfaChallengeRepository challenges;
    private final PasswordHasher hasher;
    private final SecretBox box;
    private final TokenIssuer issuer;
    private final AuditOutbox audit;
    private final IdentityConfig config;
    private final LoginThrottle throttle;
    private final RecoveryCodes recoveryCodes;
    private final Revocations revocations;
    private final Devices devices;
    private final RefreshTokens refreshTokens;
    private final dev.ztna.identity.repository.LoginSessionRepository loginSessions;
    private final SecureRandom random = new SecureRandom();

    public record Challenge(String id, Instant expiresAt) {
    }

    public Authenticator(UserAccountRepository users, MfaChallengeRepository challenges, PasswordHasher hasher,
                         SecretBox box, TokenIssuer issuer, AuditOutbox audit, IdentityConfig config,
                         LoginThrottle throttle, RecoveryCodes recoveryCodes, Revocations revocations, Devices devices,
                         RefreshTokens refreshTokens, dev.ztna.identity.repository.LoginSessionRepository loginSessions) {
        this.users = users;
        this.challenges = challenges;
        this.hasher = hasher;
        this.box = box;
        this.issuer = issuer;
        this.audit = audit;
        this.config = config;
        this.throttle = throttle;
        this.recoveryCodes = recoveryCodes;
        this.revocations = revocations;
        this.devices = devices;
        this.refreshTokens = refreshTokens;
        this.loginSessions = loginSessions;
    }

    @Transactional(dontRollbackOn = {AuthenticationFailure.class, LoginThrottle.LockedOut.class})
    public Challenge login(String username, String password, String source) {
        try {
            throttle.check(username, source);
        } catch (LoginThrottle.LockedOut e) {
            audit.record("auth.login", username, Outcome.OUTCOME_FAILURE, "refused: locked after repeated failures",
                    Map.of("source_address", source));
            throw e;
        }
        Optional<UserAccount> found = users.findByUsername(username);
        boolean ok;
        if (found.isPresent()) {
            ok = hasher.verify(password, found.get().passwordHash) && found.get().enabled;
        } else {
            hasher.verifyDecoy(password);
            ok = false;
        }
        if (!ok) {
            audit.record("auth.login", username, Outcome.OUTCOME_FAILURE, "invalid username or password",
                    Map.of("source_address", source));
            throttle.failure(username, source);
            throw new AuthenticationFailure("INVALID_CREDENTIALS", "invalid username or password");
        }
        byte[] raw = new byte[32];
        random.nextBytes(raw);
        String id = Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
        MfaChallenge challenge = new MfaChallenge();
        challenge.idHash = sha256(id);
        challenge.userId = found.get().id;
        challenge.expiresAt = Instant.now().plus(config.mfaChallengeTtl());
        challenges.persist(challenge);
        audit.record("auth.login", username, Outcome.OUTCOME_SUCCESS, "password verified, MFA required",
                Map.of("source_address", source));
        return new Challenge(id, challenge.expiresAt);
    }

    /** Exactly one of {@code totpCode} and {@code recoveryCode} is non-null (checked by the adapter). */
    @Transactional(dontRollbackOn = {AuthenticationFailure.class, LoginThrottle.LockedOut.class})
    public TokenIssuer.Issued verifyMfa(String challengeId, String totpCode, String recoveryCode, String source,
                                        byte[] devicePublicKey) {
        Instant now = Instant.now();
        MfaChallenge challenge = challenges.findById(sha256(challengeId));
        if (challenge == null || challenge.used || challenge.expiresAt.isBefore(now)
                || challenge.attempts >= config.mfaMaxAttempts()) {
            audit.record("auth.mfa", "", Outcome.OUTCOME_FAILURE, "unknown, used or expired MFA challenge",
                    Map.of("source_address", source));
            throw new AuthenticationFailure("MFA_CHALLENGE_INVALID", "MFA challenge is invalid or expired; log in again");
        }
        UserAccount user = users.findById(challenge.userId);
        throttle.check(user.username, source);
        if (recoveryCode != null) {
            return recover(challenge, user, recoveryCode, source, now, devicePublicKey);
        }
        String secret = new String(box.open(user.totpSecretEnc, TOTP_CONTEXT + user.id), StandardCharsets.US_ASCII);
        OptionalLong step = Totp.match(secret, totpCode, now, user.lastTotpStep);
        if (step.isEmpty()) {
            challenge.attempts++;
            audit.record("auth.mfa", user.username, Outcome.OUTCOME_FAILURE, "invalid or reused TOTP code",
                    Map.of("source_address", source, "attempt", Integer.toString(challenge.attempts)));
            throttle.failure(user.username, source);
            throw new AuthenticationFailure("MFA_CODE_INVALID", "invalid MFA code");
        }
        challenge.used = true;
        user.lastTotpStep = step.getAsLong();
        throttle.success(user.username);
        String deviceId = device(user, devicePublicKey);
        String sessionId = revocations.startSession(user.id, List.of("pwd", "otp"), source, now, deviceId).toString();
        TokenIssuer.Issued token = issuer.forUser(user.id, user.username, user.groups, user.roles,
                List.of("pwd", "otp"), now, sessionId, deviceId, refreshTokens.issue(UUID.fromString(sessionId), now));
        audit.record(audit.event("auth.mfa", user.username, Outcome.OUTCOME_SUCCESS, "TOTP verified, token issued")
                .setSessionId(sessionId).putAttributes("source_address", source).build());
        return token;
    }

    private TokenIssuer.Issued recover(MfaChallenge challenge, UserAccount user, String code, String source, Instant now,
                                       byte[] devicePublicKey) {
        if (!recoveryCodes.consume(user.id, code)) {
            challenge.attempts++;
            audit.record("auth.mfa", user.username, Outcome.OUTCOME_FAILURE, "invalid or used recovery code",
                    Map.of("source_address", source, "method", "recovery_code"));
            throttle.failure(user.username, source);
            throw new AuthenticationFailure("MFA_CODE_INVALID", "invalid MFA code");
        }
        challenge.used = true;
        throttle.success(user.username);
        String deviceId = device(user, devicePublicKey);
        String sessionId = revocations.startSession(user.id, List.of("pwd", "recovery"), source, now, deviceId).toString();
        TokenIssuer.Issued token = issuer.forUser(user.id, user.username, user.groups, user.roles,
                List.of("pwd", "recovery"), now, sessionId, deviceId, refreshTokens.issue(UUID.fromString(sessionId), now));
        audit.record(audit.event("auth.mfa", user.username, Outcome.OUTCOME_SUCCESS, "recovery code accepted, token issued")
                .setSessionId(sessionId)
                .putAllAttributes(Map.of("source_address", source, "method", "recovery_code",
                        "recovery_codes_left", Long.toString(recoveryCodes.remaining(user.id))))
                .build());
        return token;
    }

    private String device(UserAccount user, byte[] devicePublicKey) {
        return devicePublicKey == null ? null : devices.bind(user.id, user.username, devicePublicKey).toString();
    }

    /**
     * Step-up: the caller proves MFA again (TOTP or a recovery code) and gets a token of the same login session with
     * a fresh auth_time. Exactly one of {@code totpCode} and {@code recoveryCode} is non-null.
     */
    @Transactional(dontRollbackOn = {AuthenticationFailure.class, LoginThrottle.LockedOut.class})
    public TokenIssuer.Issued stepUp(String userId, String sessionId, String totpCode, String recoveryCode, String source) {
        Instant now = Instant.now();
        UserAccount user = users.findById(UUID.fromString(userId));
        dev.ztna.identity.domain.LoginSession session = loginSessions.findById(UUID.fromString(sessionId));
        if (user == null || !user.enabled || session == null || session.revokedAt != null
                || !session.userId.equals(user.id)) {
            throw new AuthenticationFailure("LOGIN_INVALID", "this login can no longer be stepped up; log in again");
        }
        throttle.check(user.username, source);
        List<String> amr;
        if (recoveryCode != null) {
            if (!recoveryCodes.consume(user.id, recoveryCode)) {
                stepUpFailed(user, source, "invalid or used recovery code");
            }
            amr = List.of("pwd", "recovery");
        } else {
            String secret = new String(box.open(user.totpSecretEnc, TOTP_CONTEXT + user.id), StandardCharsets.US_ASCII);
            OptionalLong step = Totp.match(secret, totpCode, now, user.lastTotpStep);
            if (step.isEmpty()) {
                stepUpFailed(user, source, "invalid or reused TOTP code");
            }
            user.lastTotpStep = step.getAsLong();
            amr = List.of("pwd", "otp");
        }
        throttle.success(user.username);
        session.lastAuthAt = now;
        session.amr = String.join(",", amr);
        TokenIssuer.Issued token = issuer.forUser(user.id, user.username, user.groups, user.roles, amr, now,
                session.id.toString(), session.deviceId == null ? null : session.deviceId.toString(),
                refreshTokens.issue(session.id, now));
        audit.record(audit.event("auth.step_up", user.username, Outcome.OUTCOME_SUCCESS, "MFA re-verified")
                .setSessionId(session.id.toString()).putAttributes("source_address", source).build());
        return token;
    }

    private void stepUpFailed(UserAccount user, String source, String why) {
        audit.record("auth.step_up", user.username, Outcome.OUTCOME_FAILURE, why, Map.of("source_address", source));
        throttle.failure(user.username, source);
        throw new AuthenticationFailure("MFA_CODE_INVALID", "invalid MFA code");
    }

    /** Whether the user exists and may log in (a disabled user's unexpired tokens are inactive too). */
    @Transactional
    public boolean isEnabled(String userId) {
        try {
            UserAccount user = users.findById(java.util.UUID.fromString(userId));
            return user != null && user.enabled;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    static byte[] sha256(String value) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
