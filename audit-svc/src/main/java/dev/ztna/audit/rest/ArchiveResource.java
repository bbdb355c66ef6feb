package dev.ztna.audit.rest;

import dev.ztna.common.rest.Problems;
import dev.ztna.audit.domain.ArchiveSegment;
import dev.ztna.audit.repository.ArchiveSegmentRepository;
import dev.ztna.audit.service.Retention;
import dev.ztna.common.auth.Caller;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.smallrye.common.annotation.Blocking;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import java.nio.file.Path;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Archived segments (roles auditor, admin) and an on-demand retention run (admin). */
@jakarta.ws.rs.Path("/api/v1")
@Blocking
@Produces(MediaType.APPLICATION_JSON)
public class ArchiveResource {

    private static final HexFormat HEX = HexFormat.of();
    private final ArchiveSegmentRepository segments;
    private final Retention retention;

    public ArchiveResource(ArchiveSegmentRepository segments, Retention retention) {
        this.segments = segments;
        this.retention = retention;
    }

    @GET
    @jakarta.ws.rs.Path("/archive/segments")
    public List<Map<String, Object>> list() {
        return QuarkusTransaction.requiringNew().call(() -> segments.list("order by firstSeq"))
                .stream().map(ArchiveResource::json).toList();
    }

    /** The segment file as written; check it with `ztna audit verify FILE --key KEY`. */
    @GET
    @jakarta.ws.rs.Path("/archive/segments/{first}")
    @Produces({"application/x-ndjson", "application/problem+json"})
    public Response download(@PathParam("first") String first) {
        long firstSeq;
        try {
            firstSeq = Long.parseLong(first);
        } catch (NumberFormatException e) {
            return Problems.of(400, "invalid-parameter", "first must be the segment's first sequence number", "first");
        }
        ArchiveSegment segment = QuarkusTransaction.requiringNew().call(() -> segments.findById(firstSeq));
        if (segment == null) {
            return Problems.of(404, "not-found", "no segment starts at entry " + firstSeq, "first");
        }
        Optional<Path> file = retention.segmentFile(segment);
        if (file.isEmpty()) {
            return Problems.of(410, "segment-not-here", "segment " + segment.firstSeq + ".." + segment.lastSeq
                    + " is not in this instance's archive directory (moved to cold storage?)", null);
        }
        return Response.ok(file.get().toFile(), "application/x-ndjson")
                .header("Content-Disposition", "attachment; filename=\"" + segment.fileName + "\"").build();
    }

    /** Archives and redacts what is past the retention period now, instead of at the next scheduled run. */
    @POST
    @jakarta.ws.rs.Path("/retention/run")
    public Response run(@Context ContainerRequestContext request) {
        Caller caller = (Caller) request.getProperty(BearerAuthFilter.CALLER);
        if (caller == null || !caller.hasRole("admin")) {
            return Problems.of(403, "forbidden", "running retention requires the role admin", null);
        }
        try {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("archived", retention.archiveExpired().map(ArchiveResource::json).orElse(null));
            return Response.ok(body).build();
        } catch (Retention.NotConfigured e) {
            return Problems.of(409, "retention-not-configured", e.getMessage(), null);
        }
    }

    static Map<String, Object> json(ArchiveSegment s) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("first_seq", s.firstSeq);
        body.put("last_seq", s.lastSeq);
        body.put("file", s.fileName);
        body.put("sha256", HEX.formatHex(s.fileSha256));
        body.put("root_hash", HEX.formatHex(s.rootHash));
        body.put("archived_at", s.archivedAt.toString());
        return body;
    }
}
