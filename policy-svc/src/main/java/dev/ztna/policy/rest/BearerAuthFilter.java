package dev.ztna.policy.rest;

import dev.ztna.common.auth.Caller;
import dev.ztna.common.auth.TokenVerifier;
import dev.ztna.common.rest.BearerRequests;
import dev.ztna.common.rest.Problems;
import jakarta.annotation.Priority;
import jakarta.ws.rs.HttpMethod;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.ext.Provider;

/**
 * The REST admin API, as the gRPC one: reading needs the role policy-admin or auditor, anything else policy-admin —
 * with a token from identity-svc. Applies to every REST resource here, so one added later is closed by default.
 */
@Provider
@Priority(Priorities.AUTHENTICATION)
public class BearerAuthFilter implements ContainerRequestFilter {

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
        boolean read = HttpMethod.GET.equals(request.getMethod());
        if (!caller.hasRole("policy-admin") && !(read && caller.hasRole("auditor"))) {
            request.abortWith(Problems.of(403, "forbidden", read ? "reading policy requires the role policy-admin or auditor"
                    : "changing policy requires the role policy-admin", null));
            return;
        }
        request.setProperty(CALLER, caller);
    }
}
