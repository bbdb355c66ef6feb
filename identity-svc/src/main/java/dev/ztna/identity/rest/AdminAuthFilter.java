package dev.ztna.identity.rest;

import dev.ztna.common.auth.Caller;
import dev.ztna.common.auth.TokenVerifier;
import dev.ztna.common.rest.BearerRequests;
import dev.ztna.common.rest.Problems;
import jakarta.annotation.Priority;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.ext.Provider;

/**
 * Everything under /api/ is the admin REST API: a bearer token from identity-svc with the role admin, as on gRPC.
 * The public endpoints (token, discovery, SSO) live elsewhere; a resource added under /api/ later is closed by default.
 */
@Provider
@Priority(Priorities.AUTHENTICATION)
public class AdminAuthFilter implements ContainerRequestFilter {

    static final String CALLER = "ztna.caller";
    private final TokenVerifier verifier;

    public AdminAuthFilter(TokenVerifier verifier) {
        this.verifier = verifier;
    }

    @Override
    public void filter(ContainerRequestContext request) {
        if (!request.getUriInfo().getPath().startsWith("/api/")) {
            return;
        }
        Caller caller = BearerRequests.authenticate(request, verifier);
        if (caller == null) {
            return;
        }
        if (!caller.hasRole("admin")) {
            request.abortWith(Problems.of(403, "forbidden", "the directory admin API requires the role admin", null));
            return;
        }
        request.setProperty(CALLER, caller);
    }
}
