package dev.ztna.common.auth;

/**
 * Verifies the bearer tokens of some gRPC methods instead of {@link TokenVerifier}: for callers that are not
 * identity-svc principals (a broker's connectors sign their own assertions). Those methods then accept only what this
 * verifier accepts.
 */
public interface MethodTokenVerifier {

    /** Whether this verifier, and only it, authenticates calls to the method (full name, service/method). */
    boolean appliesTo(String fullMethodName);

    Caller verify(String token) throws TokenVerifier.InvalidTokenException;
}
