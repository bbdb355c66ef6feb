package dev.ztna.identity.service;

/**
 * A refused login or second factor. Thrown out of transactions that must still commit (attempt counters, audit),
 * so {@code @Transactional(dontRollbackOn = AuthenticationFailure.class)} goes with it.
 */
public class AuthenticationFailure extends RuntimeException {

    private final String reason;

    public AuthenticationFailure(String reason, String message) {
        super(message, null, false, false);
        this.reason = reason;
    }

    /** UPPER_SNAKE reason for ErrorInfo. */
    public String reason() {
        return reason;
    }
}
