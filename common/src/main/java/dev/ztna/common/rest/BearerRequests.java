package dev.ztna.common.rest;

import dev.ztna.common.auth.Caller;
import dev.ztna.common.auth.TokenVerifier;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.HttpHeaders;

/** Authenticates a REST request by its bearer token, for the services' request filters (each adds its role rule). */
public final class BearerRequests {

    private BearerRequests() {
    }

    /** The verified caller, or null once the request has been answered 401 problem+json. */
    public static Caller authenticate(ContainerRequestContext request, TokenVerifier verifier) {
        String header = request.getHeaderString(HttpHeaders.AUTHORIZATION);
        if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            request.abortWith(Problems.of(401, "unauthenticated", "a bearer token is required", null));
            return null;
        }
        try {
            return verifier.verify(header.substring(7).trim());
        } catch (TokenVerifier.InvalidTokenException e) {
            request.abortWith(Problems.of(401, "unauthenticated", "invalid or expired token", null));
            return null;
        }
    }
}
