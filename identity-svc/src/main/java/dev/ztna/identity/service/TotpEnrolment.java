package dev.ztna.identity.service;

import dev.ztna.common.audit.AuditOutbox;
import dev.ztna.common.auth.Caller;
import dev.ztna.common.crypto.Totp;
import dev.ztna.common.error.Errors;
import dev.ztna.identity.domain.UserAccount;
import dev.ztna.identity.repository.UserAccountRepository;
import dev.ztna.proto.audit.v1.Outcome;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.OptionalLong;
import java.util.UUID;

/**
 * Replacing a user's TOTP authenticator: proven by the current factor, confirmed by a first code from the new one.
 * Wrong codes count towards the same lockout as logins.
 */
@ApplicationScoped
public class TotpEnrolment {

    static final Duration PENDING_TTL = Duration.ofMinutes(10);
    static final String PENDING_CONTEXT = "totp-pending:";

    private final UserAccountRepository users;
    private final SecretBox box;
    private final RecoveryCodes recoveryCodes;
    private final LoginThrottle throttle;
    private final AuditOutbox audit;

    public record Pending(String uri, byte[] qrPng, Instant expiresAt) {
    }

    public TotpEnrolment(UserAccountRepository users, SecretBox box, RecoveryCodes recoveryCodes, LoginThrottle throttle,
                         AuditOutbox audit) {
        this.users = users;
        this.box = box;
        this.recoveryCodes = recoveryCodes;
        this.throttle = throttle;
        this.audit = audit;
    }

    /** Exactly one of {@code currentCode} and {@code recoveryCode} is non-null (checked by the adapter). */
    public Pending enroll(Caller caller, String currentCode, String recoveryCode, String source) {
        QuarkusTransaction.requiringNew().run(() -> throttle.check(caller.name(), source));
        UUID userId = UUID.fromString(caller.subject());
        String secret = Totp.newSecret();
        Instant now = Instant.now();
        Pending pending = QuarkusTransaction.requiringNew().call(() -> {
            UserAccount user = users.findById(userId);
            boolean proven;
            if (recoveryCode != null) {
                proven = recoveryCodes.consume(user.id, recoveryCode);
            } else {
                String active = new String(box.open(user.totpSecretEnc, Authenticator.TOTP_CONTEXT + user.id), StandardCharsets.US_ASCII);
                OptionalLong step = Totp.match(active, currentCode, now, user.lastTotpStep);
                proven = step.isPresent();
                step.ifPresent(s -> user.lastTotpStep = s);
            }
            if (!proven) {
                return null;
            }
            user.pendingTotpEnc = box.seal(secret.getBytes(StandardCharsets.US_ASCII), PENDING_CONTEXT + user.id);
            user.pendingTotpExpiresAt = now.plus(PENDING_TTL);
            audit.record("mfa.totp.enroll", caller.name(), Outcome.OUTCOME_SUCCESS, "new authenticator pending confirmation",
                    Map.of("source_address", source));
            String uri = Totp.uri("ZTNA", user.username, secret);
            return new Pending(uri, QrCodes.png(uri), user.pendingTotpExpiresAt);
        });
        if (pending == null) {
            refused(caller, source, "current factor not proven");
        }
        return pending;
    }

    public void confirm(Caller caller, String code, String source) {
        QuarkusTransaction.requiringNew().run(() -> throttle.check(caller.name(), source));
        UUID userId = UUID.fromString(caller.subject());
        Instant now = Instant.now();
        String outcome = QuarkusTransaction.requiringNew().call(() -> {
            UserAccount user = users.findById(userId);
            if (user.pendingTotpEnc == null || !user.pendingTotpExpiresAt.isAfter(now)) {
                return "NONE";
            }
            String pending = new String(box.open(user.pendingTotpEnc, PENDING_CONTEXT + user.id), StandardCharsets.US_ASCII);
            OptionalLong step = Totp.match(pending, code, now, 0);
            if (step.isEmpty()) {
                return "WRONG";
            }
            user.totpSecretEnc = box.seal(pending.getBytes(StandardCharsets.US_ASCII), Authenticator.TOTP_CONTEXT + user.id);
            user.lastTotpStep = step.getAsLong(); // the confirming code cannot also log in
            user.pendingTotpEnc = null;
            user.pendingTotpExpiresAt = null;
            audit.record("mfa.totp.enroll", caller.name(), Outcome.OUTCOME_SUCCESS, "new authenticator confirmed; the old one no longer works",
                    Map.of("source_address", source));
            return "OK";
        });
        if ("NONE".equals(outcome)) {
            throw Errors.failedPrecondition("NO_PENDING_TOTP", "no authenticator enrolment is pending (or it expired): run EnrollTotp first");
        }
        if ("WRONG".equals(outcome)) {
            refused(caller, source, "wrong code for the new authenticator");
        }
        QuarkusTransaction.requiringNew().run(() -> throttle.success(caller.name()));
    }

    private void refused(Caller caller, String source, String why) {
        QuarkusTransaction.requiringNew().run(() -> {
            audit.record("mfa.totp.enroll", caller.name(), Outcome.OUTCOME_FAILURE, why, Map.of("source_address", source));
            throttle.failure(caller.name(), source);
        });
        throw Errors.unauthenticated("MFA_CODE_INVALID", "invalid MFA code");
    }
}
