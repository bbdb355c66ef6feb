package dev.ztna.common.auth;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.quarkus.grpc.GlobalInterceptor;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;

import jakarta.enterprise.inject.Instance;

import java.util.List;
import java.util.Set;

/**
 * Authenticates every gRPC call: a valid bearer token or UNAUTHENTICATED. Only the methods listed in
 * {@code ztna.auth.public-methods} and the standard health/reflection services accept anonymous callers.
 */
@GlobalInterceptor
@ApplicationScoped
@Priority(100)
public class BearerAuthInterceptor implements ServerInterceptor {

    static final Metadata.Key<String> AUTHORIZATION = BearerCredentials.AUTHORIZATION;
    private static final String BEARER = "bearer ";

    private final TokenVerifier verifier;
    private final Set<String> publicMethods;
    private final List<MethodTokenVerifier> methodVerifiers;
    private final List<RevocationCheck> revocations;

    public BearerAuthInterceptor(TokenVerifier verifier, AuthConfig config, Instance<MethodTokenVerifier> methodVerifiers,
                                 Instance<RevocationCheck> revocations) {
        this.verifier = verifier;
        this.publicMethods = Set.copyOf(config.publicMethods().orElse(List.of()));
        this.methodVerifiers = methodVerifiers.stream().toList();
        this.revocations = revocations.stream().toList();
    }

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
                                                       ServerCallHandler<Q, R> next) {
        String method = call.getMethodDescriptor().getFullMethodName();
        String header = headers.get(AUTHORIZATION);
        if (header == null && isAnonymousAllowed(method)) {
            return next.startCall(call, headers);
        }
        if (header == null || header.length() <= BEARER.length()
                || !header.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            return refuse(call, "missing bearer token");
        }
        Caller caller;
        try {
            String token = header.substring(BEARER.length()).trim();
            MethodTokenVerifier special = specialVerifierFor(method);
            caller = special != null ? special.verify(token) : verifier.verify(token);
        } catch (TokenVerifier.InvalidTokenException e) {
            return refuse(call, "invalid or expired token");
        }
        for (RevocationCheck check : revocations) {
            if (check.isRevoked(caller)) {
                return refuse(call, "token revoked; log in again");
            }
        }
        Context context = Context.current().withValue(CallerContext.KEY, caller);
        return Contexts.interceptCall(context, call, headers, next);
    }

    private MethodTokenVerifier specialVerifierFor(String method) {
        for (MethodTokenVerifier special : methodVerifiers) {
            if (special.appliesTo(method)) {
                return special;
            }
        }
        return null;
    }

    private boolean isAnonymousAllowed(String method) {
        return publicMethods.contains(method) || method.startsWith("grpc.health.") || method.startsWith("grpc.reflection.");
    }

    private static <Q, R> ServerCall.Listener<Q> refuse(ServerCall<Q, R> call, String why) {
        call.close(Status.UNAUTHENTICATED.withDescription(why), new Metadata());
        return new ServerCall.Listener<>() {
        };
    }
}
