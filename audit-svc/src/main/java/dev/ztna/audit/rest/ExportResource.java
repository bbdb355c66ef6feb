package dev.ztna.audit.rest;

import dev.ztna.common.rest.Problems;
import dev.ztna.audit.domain.AuditEntry;
import dev.ztna.audit.service.AuditLog;
import dev.ztna.audit.service.AuditTree;
import dev.ztna.audit.service.ExportLines;
import dev.ztna.audit.siem.CefLine;
import dev.ztna.audit.siem.OcsfEvent;
import io.smallrye.common.annotation.Blocking;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.StreamingOutput;

import java.io.BufferedWriter;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Set;
import java.util.function.Function;

/**
 * Streams the log as JSON Lines, CSV, OCSF JSON Lines or CEF in log order (paging in {@link AuditLog#export}).
 * JSON Lines carry each entry's exact payload (base64), which is what `ztna audit verify` checks offline.
 */
@Path("/api/v1/export")
@Blocking
public class ExportResource {

    private static final Set<String> FORMATS = Set.of("jsonl", "csv", "ocsf", "cef");
    private final AuditLog log;
    private final AuditTree tree;

    public ExportResource(AuditLog log, AuditTree tree) {
        this.log = log;
        this.tree = tree;
    }

    @GET
    public Response export(@QueryParam("format") String format, @QueryParam("from") String from,
                           @QueryParam("to") String to) {
        String fmt = format == null ? "jsonl" : format;
        if (!FORMATS.contains(fmt)) {
            return Problems.of(400, "invalid-parameter", "format must be one of jsonl, csv, ocsf, cef", "format");
        }
        Instant start;
        Instant end;
        try {
            start = from == null ? Instant.EPOCH : Instant.parse(from);
        } catch (DateTimeParseException e) {
            return Problems.of(400, "invalid-parameter", "from must be an ISO-8601 instant, e.g. 2026-12-04T00:00:00Z", "from");
        }
        try {
            end = to == null ? Instant.parse("9999-12-31T00:00:00Z") : Instant.parse(to);
        } catch (DateTimeParseException e) {
            return Problems.of(400, "invalid-parameter", "to must be an ISO-8601 instant", "to");
        }
        Function<AuditEntry, String> line = switch (fmt) {
            case "csv" -> ExportResource::csvLine;
            case "ocsf" -> OcsfEvent::line;
            case "cef" -> CefLine::of;
            default -> ExportLines::entry;
        };
        StreamingOutput body = output -> {
            Writer out = new BufferedWriter(new OutputStreamWriter(output, StandardCharsets.UTF_8), 1 << 16);
            if (fmt.equals("csv")) {
                out.write("seq,event_id,time,type,service,actor,app,outcome,reason,session_id\n");
            }
            boolean[] first = {true};
            log.export(start, end, entry -> {
                if (first[0] && fmt.equals("jsonl") && entry.seq > 1) {
                    // lines that do not start at the beginning of the log say where they start, so they still verify
                    out.write(ExportLines.header(tree.startOf(entry.seq), null, null));
                }
                first[0] = false;
                out.write(line.apply(entry));
            });
            out.flush();
        };
        String mediaType = switch (fmt) {
            case "csv" -> "text/csv";
            case "cef" -> "text/plain";
            default -> "application/x-ndjson";
        };
        String file = fmt.equals("ocsf") ? "audit.ocsf.jsonl" : "audit." + fmt;
        return Response.ok(body, mediaType)
                .header("Content-Disposition", "attachment; filename=\"" + file + "\"").build();
    }

    private static String csvLine(AuditEntry e) {
        return e.seq + "," + e.eventId + "," + e.eventTime + "," + csv(e.type) + "," + csv(e.service) + ","
                + csv(e.actor) + "," + csv(e.app) + "," + e.outcome + "," + csv(e.reason) + "," + csv(e.sessionId) + "\n";
    }

    /** RFC 4180 quoting; a leading =, +, - or @ is prefixed so spreadsheets do not run it as a formula. */
    static String csv(String value) {
        String v = value == null ? "" : value;
        if (!v.isEmpty() && "=+-@".indexOf(v.charAt(0)) >= 0) {
            v = "'" + v;
        }
        return "\"" + v.replace("\"", "\"\"") + "\"";
    }
}
