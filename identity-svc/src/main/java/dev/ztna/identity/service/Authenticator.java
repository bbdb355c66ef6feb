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

    /** {@code mfaSatisfied}: the upstream IdP's MFA was accepted, VerifyMfa takes no code. */
    public record Challenge(String id, Instant expiresAt, boolean mfaSatisfied) {
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
        Challenge challenge = challenge(found.get(), "pwd", "", "");
        audit.record("auth.login", username, Outcome.OUTCOME_SUCCESS, "password verified, MFA required",
                Map.of("source_address", source));
        return challenge;
    }

    /**
     * The half-finished login after a first factor: {@code firstFactor} pwd or fed, the local groups the upstream
     * IdP's groups map to, and the upstream amr values accepted in place of a local code (empty: a code is needed).
     * Runs in the caller's transaction.
     */
    public Challenge federatedChallenge(UserAccount user, String upstreamGroups, String upstreamMfa) {
        return challenge(user, "fed", upstreamGroups, upstreamMfa);
    }

    private Challenge challenge(UserAccount user, String firstFactor, String upstreamGroups, String upstreamMfa) {
        byte[] raw = new byte[32];
        random.nextBytes(raw);
        String id = Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
        MfaChallenge challenge = new MfaChallenge();
        challenge.idHash = sha256(id);
        challenge.userId = user.id;
        challenge.expiresAt = Instant.now().plus(config.mfaChallengeTtl());
        challenge.firstFactor = firstFactor;
        challenge.upstreamGroups = upstreamGroups;
        challenge.upstreamMfa = upstreamMfa;
        challenges.persist(challenge);
        return new Challenge(id, challenge.expiresAt, !upstreamMfa.isEmpty());
    }

    /**
     * At most one of {@code totpCode} and {@code recoveryCode} is non-null (checked by the adapter); neither is
     * accepted only for a challenge whose MFA a trusted upstream IdP vouched for.
     */
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
        if (!user.enabled) {
            throw new AuthenticationFailure("MFA_CHALLENGE_INVALID", "MFA challenge is invalid or expired; log in again");
        }
        if (!challenge.upstreamMfa.isEmpty()) {
            if (totpCode != null || recoveryCode != null) {
                throw new AuthenticationFailure("MFA_CODE_UNEXPECTED",
                        "this login's MFA was verified by the upstream IdP; send no code");
            }
            List<String> amr = new java.util.ArrayList<>(List.of(challenge.firstFactor));
            amr.addAll(List.of(challenge.upstreamMfa.split(",")));
            return complete(challenge, user, amr, source, now, devicePublicKey, "upstream MFA accepted, token issued",
                    Map.of("source_address", source, "method", "upstream"));
        }
        if (totpCode == null && recoveryCode == null) {
            throw new AuthenticationFailure("MFA_CODE_REQUIRED", "an MFA code is required");
        }
        String method = recoveryCode != null ? "recovery_code" : "totp";
        boolean ok;
        if (recoveryCode != null) {
            ok = recoveryCodes.consume(user.id, recoveryCode);
        } else {
            String secret = new String(box.open(user.totpSecretEnc, TOTP_CONTEXT + user.id), StandardCharsets.US_ASCII);
            OptionalLong step = Totp.match(secret, totpCode, now, user.lastTotpStep);
            ok = step.isPresent();
            if (ok) {
                user.lastTotpStep = step.getAsLong();
            }
        }
        if (!ok) {
            challenge.attempts++;
            audit.record("auth.mfa", user.username, Outcome.OUTCOME_FAILURE,
                    recoveryCode != null ? "invalid or used recovery code" : "invalid or reused TOTP code",
                    Map.of("source_address", source, "method", method, "attempt", Integer.toString(challenge.attempts)));
            throttle.failure(user.username, source);
            throw new AuthenticationFailure("MFA_CODE_INVALID", "invalid MFA code");
        }
        throttle.success(user.username);
        if (recoveryCode != null) {
            return complete(challenge, user, List.of(challenge.firstFactor, "recovery"), source, now, devicePublicKey,
                    "recovery code accepted, token issued", Map.of("source_address", source, "method", method,
                            "recovery_codes_left", Long.toString(recoveryCodes.remaining(user.id))));
        }
        return complete(challenge, user, List.of(challenge.firstFactor, "otp"), source, now, devicePublicKey,
                "TOTP verified, token issued", Map.of("source_address", source, "method", method));
    }

    private TokenIssuer.Issued complete(MfaChallenge challenge, UserAccount user, List<String> amr, String source,
                                        Instant now, byte[] devicePublicKey, String outcome, Map<String, String> attrs) {
        challenge.used = true;
        String deviceId = device(user, devicePublicKey);
        dev.ztna.identity.domain.LoginSession session = revocations.startSession(user.id, amr, source, now, deviceId,
                challenge.upstreamGroups);
        String sessionId = session.id.toString();
        TokenIssuer.Issued token = issuer.forUser(user.id, user.username, session.tokenGroups(user.groups), user.roles,
                user.attributes(), amr, now, sessionId, deviceId, refreshTokens.issue(session.id, now));
        audit.record(audit.event("auth.mfa", user.username, Outcome.OUTCOME_SUCCESS, outcome)
                .setSessionId(sessionId).putAllAttributes(attrs).putAttributes("first_factor", challenge.firstFactor)
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
            amr = List.of(firstFactor(session), "recovery");
        } else {
            String secret = new String(box.open(user.totpSecretEnc, TOTP_CONTEXT + user.id), StandardCharsets.US_ASCII);
            OptionalLong step = Totp.match(secret, totpCode, now, user.lastTotpStep);
            if (step.isEmpty()) {
                stepUpFailed(user, source, "invalid or reused TOTP code");
            }
            user.lastTotpStep = step.getAsLong();
            amr = List.of(firstFactor(session), "otp");
        }
        throttle.success(user.username);
        session.lastAuthAt = now;
        session.amr = String.join(",", amr);
        TokenIssuer.Issued token = issuer.forUser(user.id, user.username, session.tokenGroups(user.groups), user.roles,
                user.attributes(), amr, now, session.id.toString(),
                session.deviceId == null ? null : session.deviceId.toString(),
                refreshTokens.issue(session.id, now));
        audit.record(audit.event("auth.step_up", user.username, Outcome.OUTCOME_SUCCESS, "MFA re-verified")
                .setSessionId(session.id.toString()).putAttributes("source_address", source).build());
        return token;
    }

    private static String firstFactor(dev.ztna.identity.domain.LoginSession session) {
        return session.amr.startsWith("fed") ? "fed" : "pwd";
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
