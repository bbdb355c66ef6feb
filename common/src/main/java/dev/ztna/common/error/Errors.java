package dev.ztna.common.error;

import com.google.protobuf.Any;
import com.google.rpc.BadRequest;
import com.google.rpc.Code;
import com.google.rpc.ErrorInfo;
import com.google.rpc.RetryInfo;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;

/**
 * The suite's gRPC error vocabulary: a standard code, a message safe to show, and rich details
 * ({@link ErrorInfo} with an UPPER_SNAKE reason; {@link BadRequest} naming the field). Never a class name or trace.
 */
public final class Errors {

    public static final String DOMAIN = "ztna.dev";

    private Errors() {
    }

    public static StatusRuntimeException invalidArgument(String field, String description) {
        BadRequest badRequest = BadRequest.newBuilder()
                .addFieldViolations(BadRequest.FieldViolation.newBuilder().setField(field).setDescription(description))
                .build();
        return build(Code.INVALID_ARGUMENT, field + ": " + description, "INVALID_ARGUMENT", Any.pack(badRequest));
    }

    /** INVALID_ARGUMENT naming every bad field at once (field → what is wrong), so nothing has to be guessed twice. */
    public static StatusRuntimeException invalidArguments(String summary, java.util.Map<String, String> violations) {
        BadRequest.Builder badRequest = BadRequest.newBuilder();
        violations.forEach((field, description) -> badRequest.addFieldViolations(
                BadRequest.FieldViolation.newBuilder().setField(field).setDescription(description)));
        return build(Code.INVALID_ARGUMENT, summary, "INVALID_ARGUMENT", Any.pack(badRequest.build()));
    }

    public static StatusRuntimeException unauthenticated(String reason, String message) {
        return build(Code.UNAUTHENTICATED, message, reason);
    }

    public static StatusRuntimeException permissionDenied(String reason, String message) {
        return build(Code.PERMISSION_DENIED, message, reason);
    }

    public static StatusRuntimeException notFound(String reason, String message) {
        return build(Code.NOT_FOUND, message, reason);
    }

    public static StatusRuntimeException failedPrecondition(String reason, String message) {
        return build(Code.FAILED_PRECONDITION, message, reason);
    }

    public static StatusRuntimeException alreadyExists(String reason, String message) {
        return build(Code.ALREADY_EXISTS, message, reason);
    }

    /** RESOURCE_EXHAUSTED with RetryInfo: the caller may try again after {@code retryAfter}. */
    public static StatusRuntimeException tooManyAttempts(String message, java.time.Duration retryAfter) {
        RetryInfo retry = RetryInfo.newBuilder().setRetryDelay(com.google.protobuf.Duration.newBuilder()
                .setSeconds(Math.max(1, retryAfter.toSeconds()))).build();
        return build(Code.RESOURCE_EXHAUSTED, message, "TOO_MANY_ATTEMPTS", Any.pack(retry));
    }

    public static StatusRuntimeException unavailable(String reason, String message) {
        return build(Code.UNAVAILABLE, message, reason);
    }

    private static StatusRuntimeException build(Code code, String message, String reason, Any... extra) {
        com.google.rpc.Status.Builder status = com.google.rpc.Status.newBuilder()
                .setCode(code.getNumber())
                .setMessage(message)
                .addDetails(Any.pack(ErrorInfo.newBuilder().setReason(reason).setDomain(DOMAIN).build()));
        for (Any detail : extra) {
            status.addDetails(detail);
        }
        return StatusProto.toStatusRuntimeException(status.build());
    }
}
