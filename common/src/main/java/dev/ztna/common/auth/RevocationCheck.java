package dev.ztna.common.auth;

/**
 * Knows which verified tokens were revoked before they expired (a logout, a user disabled, their sessions revoked).
 * A service with such a bean refuses those callers as UNAUTHENTICATED on every call.
 */
public interface RevocationCheck {

    boolean isRevoked(Caller caller);
}
