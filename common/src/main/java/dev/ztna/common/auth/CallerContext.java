package dev.ztna.common.auth;

import io.grpc.Context;
import io.grpc.Status;

/** Carries the verified {@link Caller} of a gRPC call in the gRPC context. */
public final class CallerContext {

    static final Context.Key<Caller> KEY = Context.key("ztna-caller");

    private CallerContext() {
    }

    /** The caller of the current call; fails closed when the call was not authenticated. */
    public static Caller current() {
        Caller caller = KEY.get();
        if (caller == null) {
            throw Status.UNAUTHENTICATED.withDescription("authentication required").asRuntimeException();
        }
        return caller;
    }

    /**
     * Runs {@code work} as {@code caller}: a REST adapter verifies the bearer token itself and then calls the same
     * gRPC service methods, so both APIs share one set of checks.
     */
    public static <T> T callAs(Caller caller, java.util.concurrent.Callable<T> work) throws Exception {
        return Context.current().withValue(KEY, caller).call(work);
    }

    /** The current caller, which must hold one of the roles; PERMISSION_DENIED otherwise. */
    public static Caller requireRole(String... roles) {
        Caller caller = current();
        for (String role : roles) {
            if (caller.hasRole(role)) {
                return caller;
            }
        }
        throw Status.PERMISSION_DENIED.withDescription("this call requires the role " + String.join(" or ", roles))
                .asRuntimeException();
    }
}
