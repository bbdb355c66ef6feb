package dev.ztna.identity.rest;

import com.google.rpc.BadRequest;
import com.google.rpc.ErrorInfo;
import dev.ztna.common.rest.Problems;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The REST face of the gRPC checks the admin resources share: each status becomes its HTTP problem+json, with the
 * reason as title, the first bad field as {@code field} and every field violation in {@code errors}.
 */
@Provider
public class StatusProblemMapper implements ExceptionMapper<StatusRuntimeException> {

    @Override
    public Response toResponse(StatusRuntimeException e) {
        int http = switch (e.getStatus().getCode()) {
            case INVALID_ARGUMENT, OUT_OF_RANGE -> 400;
            case UNAUTHENTICATED -> 401;
            case PERMISSION_DENIED -> 403;
            case NOT_FOUND -> 404;
            case ALREADY_EXISTS, ABORTED -> 409;
            case FAILED_PRECONDITION -> 412;
            case RESOURCE_EXHAUSTED -> 429;
            case UNAVAILABLE -> 503;
            default -> 500;
        };
        String title = e.getStatus().getCode().name().toLowerCase().replace('_', '-');
        List<Map<String, String>> violations = new ArrayList<>();
        com.google.rpc.Status details = StatusProto.fromThrowable(e);
        if (details != null) {
            for (var any : details.getDetailsList()) {
                try {
                    if (any.is(ErrorInfo.class)) {
                        title = any.unpack(ErrorInfo.class).getReason().toLowerCase().replace('_', '-');
                    } else if (any.is(BadRequest.class)) {
                        any.unpack(BadRequest.class).getFieldViolationsList().forEach(v ->
                                violations.add(Map.of("field", v.getField(), "message", v.getDescription())));
                    }
                } catch (com.google.protobuf.InvalidProtocolBufferException ignored) {
                    // a detail we cannot read adds nothing
                }
            }
        }
        String detail = http == 500 ? "internal error" : String.valueOf(e.getStatus().getDescription());
        Response problem = Problems.of(http, title, detail, violations.isEmpty() ? null : violations.get(0).get("field"));
        if (violations.isEmpty()) {
            return problem;
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> body = new LinkedHashMap<>((Map<String, Object>) problem.getEntity());
        body.put("errors", violations);
        return Response.status(http).type(Problems.TYPE).entity(body).build();
    }
}
