package dev.ztna.audit.rest;

import dev.ztna.common.rest.Problems;
import dev.ztna.common.auth.Caller;
import dev.ztna.common.auth.TokenVerifier;
import dev.ztna.common.rest.BearerRequests;
import jakarta.annotation.Priority;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.ext.Provider;

/**
 * The compliance API is for the roles auditor and admin, with a token from identity-svc; nothing else gets in.
 * Applies to every REST resource of this service, so a resource added later is closed by default (the static web
 * page and the /q endpoints are not JAX-RS resources and are not filtered).
 */
@Provider
@Priority(Priorities.AUTHENTICATION)
public class BearerAuthFilter implements ContainerRequestFilter {

    /** The request property holding the verified {@link Caller}, for resources that need a narrower role. */
    public static final String CALLER = "ztna.caller";

    private final TokenVerifier verifier;

    public BearerAuthFilter(TokenVerifier verifier) {
        this.verifier = verifier;
    }

    @Override
    public void filter(ContainerRequestContext request) {
        Caller caller = BearerRequests.authenticate(request, verifier);
        if (caller == null) {
            return;
        }
        if (!caller.hasRole("auditor") && !caller.hasRole("admin")) {
            request.abortWith(Problems.of(403, "forbidden", "the audit API requires the role auditor or admin", null));
            return;
        }
        request.setProperty(CALLER, caller);
    }
}
