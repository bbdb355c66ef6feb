package dev.ztna.audit.rest;

import dev.ztna.common.rest.Problems;
import com.google.protobuf.util.JsonFormat;
import dev.ztna.audit.service.AuditLog;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import io.smallrye.common.annotation.Blocking;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Compliance REST API (roles auditor, admin; see {@link BearerAuthFilter}). */
@Path("/api/v1")
@Blocking
public class AuditResource {

    private static final int MAX_LIMIT = 1000;
    private final AuditLog log;

    public AuditResource(AuditLog log) {
        this.log = log;
    }

    /**
     * Events in log order; filter by exact type, actor, app, outcome (success|failure), a time range
     * ({@code from}/{@code to}, ISO-8601) and free text ({@code q}); page with {@code after} = the {@code next_after}
     * of the previous page.
     */
    @GET
    @Path("/events")
    @Produces(MediaType.APPLICATION_JSON)
    public Response events(@QueryParam("after") String after, @QueryParam("limit") String limit,
                           @QueryParam("type") String type, @QueryParam("actor") String actor,
                           @QueryParam("app") String app, @QueryParam("outcome") String outcome,
                           @QueryParam("from") String from, @QueryParam("to") String to, @QueryParam("q") String q) {
        long afterSeq;
        int max;
        try {
            afterSeq = after == null ? 0 : Long.parseLong(after);
        } catch (NumberFormatException e) {
            return Problems.of(400, "invalid-parameter", "after must be a sequence number", "after");
        }
        try {
            max = limit == null ? 100 : Integer.parseInt(limit);
        } catch (NumberFormatException e) {
            return Problems.of(400, "invalid-parameter", "limit must be a number", "limit");
        }
        if (afterSeq < 0) {
            return Problems.of(400, "invalid-parameter", "after must not be negative", "after");
        }
        if (max < 1 || max > MAX_LIMIT) {
            return Problems.of(400, "invalid-parameter", "limit must be 1.." + MAX_LIMIT, "limit");
        }
        if (outcome != null && !outcome.equals("success") && !outcome.equals("failure")) {
            return Problems.of(400, "invalid-parameter", "outcome must be success or failure", "outcome");
        }
        java.time.Instant start;
        java.time.Instant end;
        try {
            start = from == null ? null : java.time.Instant.parse(from);
        } catch (java.time.format.DateTimeParseException e) {
            return Problems.of(400, "invalid-parameter", "from must be an ISO-8601 instant", "from");
        }
        try {
            end = to == null ? null : java.time.Instant.parse(to);
        } catch (java.time.format.DateTimeParseException e) {
            return Problems.of(400, "invalid-parameter", "to must be an ISO-8601 instant", "to");
        }
        if (q != null && (q.isBlank() || q.length() > 200)) {
            return Problems.of(400, "invalid-parameter", "q must be 1..200 characters", "q");
        }
        List<AuditLog.Found> events = log.search(afterSeq, max, type, actor, app, outcome, start, end, q);
        StringBuilder json = new StringBuilder("{\"events\":[");
        JsonFormat.Printer printer = JsonFormat.printer().omittingInsignificantWhitespace()
                .preservingProtoFieldNames();
        try {
            for (int i = 0; i < events.size(); i++) {
                json.append(i == 0 ? "" : ",").append(printer.print(events.get(i).event()));
            }
        } catch (com.google.protobuf.InvalidProtocolBufferException e) {
            return Problems.of(500, "internal", "an event could not be rendered", null);
        }
        json.append("]");
        if (events.size() == max) {
            json.append(",\"next_after\":").append(events.get(events.size() - 1).seq());
        }
        return Response.ok(json.append("}").toString(), MediaType.APPLICATION_JSON).build();
    }

    /** Walks the whole chain; names the first bad entry. */
    @GET
    @Path("/chain/verify")
    @Produces(MediaType.APPLICATION_JSON)
    public Map<String, Object> verify() {
        AuditLog.Verification v = log.verify();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("valid", v.valid());
        body.put("entries", v.entries());
        body.put("head_hash", v.headHash());
        body.put("archived_up_to", v.archivedUpTo());
        if (!v.valid()) {
            body.put("first_bad_seq", v.firstBadSeq());
            body.put("problem", v.problem());
        }
        return body;
    }
}
