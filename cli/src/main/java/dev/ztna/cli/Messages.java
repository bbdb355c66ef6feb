package dev.ztna.cli;

import io.grpc.StatusRuntimeException;

/** Turns refusals into sentences a user can act on; never a stack trace. */
final class Messages {

    private Messages() {
    }

    static String explain(Exception e) {
        if (e instanceof StatusRuntimeException s) {
            String detail = s.getStatus().getDescription() == null ? "" : s.getStatus().getDescription();
            return switch (s.getStatus().getCode()) {
                case UNAUTHENTICATED -> detail.isEmpty() ? "not logged in, or the login expired: run `ztna login`"
                        : detail + " (run `ztna login` if your login expired)";
                case NOT_FOUND -> detail.isEmpty() ? "not found" : detail;
                case PERMISSION_DENIED -> "permission denied: " + detail;
                case INVALID_ARGUMENT -> "invalid input: " + detail;
                case UNAVAILABLE -> "service unavailable: " + (detail.isEmpty() ? "cannot reach the server" : detail);
                case DEADLINE_EXCEEDED -> "the server did not answer in time";
                case RESOURCE_EXHAUSTED -> detail.isEmpty() ? "too many attempts; try again later" : detail;
                case FAILED_PRECONDITION -> detail.isEmpty() ? "a precondition is not met" : detail;
                default -> s.getStatus().getCode() + (detail.isEmpty() ? "" : ": " + detail);
            };
        }
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }

    static int exitCode(StatusRuntimeException e) {
        return switch (e.getStatus().getCode()) {
            case UNAUTHENTICATED -> 3;
            case NOT_FOUND, PERMISSION_DENIED -> 4;
            case INVALID_ARGUMENT -> 2;
            case UNAVAILABLE, DEADLINE_EXCEEDED, RESOURCE_EXHAUSTED -> 5;
            default -> 1;
        };
    }
}
