package dev.ztna.policy.rest;

import dev.ztna.common.auth.Caller;
import dev.ztna.common.rest.Problems;
import dev.ztna.policy.domain.PolicyVersion;
import dev.ztna.policy.service.CompiledPolicy;
import dev.ztna.policy.service.PolicyCompiler;
import dev.ztna.policy.service.PolicyDiff;
import dev.ztna.policy.service.PolicyStore;
import dev.ztna.policy.service.PolicyTests;
import dev.ztna.policy.service.ShadowPolicy;
import io.smallrye.common.annotation.Blocking;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The policy admin API over REST (the gRPC PolicyAdminService's twin, for tools that speak HTTP): documents go in and
 * out as they are written, YAML ({@code application/yaml}) or JSON ({@code application/json}); errors are RFC 9457
 * problem+json naming the field; a rejected document changes nothing.
 */
@Path("/api/v1/policy")
@Produces(MediaType.APPLICATION_JSON)
@Blocking
public class PolicyResource {

    private static final String YAML = "application/yaml";
    private final PolicyStore store;
    private final ShadowPolicy shadow;

    public PolicyResource(PolicyStore store, ShadowPolicy shadow) {
        this.store = store;
        this.shadow = shadow;
    }

    /** The live version with its document. */
    @GET
    public Response live() {
        return store.latest().map(v -> Response.ok(version(v, true)).build())
                .orElseGet(() -> Problems.of(404, "not-found", "no policy has been stored yet", null));
    }

    /** Validates, tests and stores a new version, which goes live at once. */
    @PUT
    @Consumes({YAML, "text/yaml", MediaType.APPLICATION_JSON})
    public Response put(String document, @HeaderParam(HttpHeaders.CONTENT_TYPE) String contentType,
                        @Context ContainerRequestContext request) {
        long version = store.put(document, format(contentType), caller(request).name());
        return Response.ok(Map.of("version", version)).build();
    }

    /** Validates and tests a document without storing it. */
    @POST
    @Path("/validate")
    @Consumes({YAML, "text/yaml", MediaType.APPLICATION_JSON})
    public Response validate(String document, @HeaderParam(HttpHeaders.CONTENT_TYPE) String contentType) {
        CompiledPolicy compiled = PolicyTests.compileTested(document, format(contentType), 0);
        return Response.ok(Map.of("valid", true, "rules", compiled.ruleCount())).build();
    }

    /** Stored versions, newest first (who, when; not the documents). */
    @GET
    @Path("/versions")
    public Response versions(@QueryParam("before") String before, @QueryParam("limit") String limit) {
        long beforeVersion = number("before", before, 0, 0, Long.MAX_VALUE);
        int size = (int) number("limit", limit, 50, 1, 500);
        long live = store.live().version();
        List<Map<String, Object>> out = new ArrayList<>();
        for (PolicyVersion v : store.versions(beforeVersion, size)) {
            Map<String, Object> row = version(v, false);
            row.put("live", v.version == live);
            out.add(row);
        }
        return Response.ok(Map.of("versions", out)).build();
    }

    @GET
    @Path("/versions/{version}")
    public Response version(@PathParam("version") String version) {
        long n = number("version", version, 0, 1, Long.MAX_VALUE);
        return store.version(n).map(v -> Response.ok(version(v, true)).build())
                .orElseGet(() -> Problems.of(404, "not-found", "no policy version " + n, "version"));
    }

    /** Unified diff between two stored versions. */
    @GET
    @Path("/diff")
    public Response diff(@QueryParam("from") String from, @QueryParam("to") String to) {
        long a = number("from", from, -1, 1, Long.MAX_VALUE);
        long b = number("to", to, -1, 1, Long.MAX_VALUE);
        PolicyVersion va = store.version(a).orElse(null);
        PolicyVersion vb = store.version(b).orElse(null);
        if (va == null || vb == null) {
            return Problems.of(404, "not-found", "no policy version " + (va == null ? a : b), va == null ? "from" : "to");
        }
        PolicyDiff.Result diff = PolicyDiff.of(va.version, va.document, vb.version, vb.document);
        return Response.ok(Map.of("unified_diff", diff.unified(), "lines_added", diff.added(),
                "lines_removed", diff.removed())).build();
    }

    /** Makes an earlier version's document live again, as a new version. */
    @POST
    @Path("/rollback/{version}")
    public Response rollback(@PathParam("version") String version, @Context ContainerRequestContext request) {
        long n = number("version", version, 0, 1, Long.MAX_VALUE);
        return store.rollback(n, caller(request).name()).map(v -> Response.ok(Map.of("version", v)).build())
                .orElseGet(() -> Problems.of(404, "not-found", "no policy version " + n, "version"));
    }

    /** Starts evaluating a candidate beside the live policy (never enforced). */
    @PUT
    @Path("/shadow")
    @Consumes({YAML, "text/yaml", MediaType.APPLICATION_JSON})
    public Response putShadow(String document, @HeaderParam(HttpHeaders.CONTENT_TYPE) String contentType,
                              @Context ContainerRequestContext request) {
        Instant since = shadow.put(document, format(contentType), caller(request).name());
        return Response.ok(Map.of("start_time", since.toString())).build();
    }

    /** What the shadow would have changed since it started. */
    @GET
    @Path("/shadow")
    public Response shadowSummary() {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("active", shadow.current().isPresent());
        shadow.current().ifPresent(s -> {
            out.put("start_time", s.since().toString());
            out.put("author", s.author());
            out.put("compared", s.compared());
            out.put("newly_denied", s.newlyDenied());
            out.put("newly_allowed", s.newlyAllowed());
            out.put("by_user", counts(s.byUser()));
            out.put("by_app", counts(s.byApp()));
            out.put("by_rule", counts(s.byRule()));
            out.put("recent", s.recent().stream().map(e -> Map.of("time", e.time().toString(), "username", e.username(),
                    "app", e.app(), "live", e.liveAllowed() ? "allow" : "deny", "live_rule_id", e.liveRule(),
                    "shadow", e.shadowAllowed() ? "allow" : "deny", "shadow_rule_id", e.shadowRule())).toList());
        });
        return Response.ok(out).build();
    }

    @DELETE
    @Path("/shadow")
    public Response deleteShadow(@Context ContainerRequestContext request) {
        return shadow.delete(caller(request).name()) ? Response.noContent().build()
                : Problems.of(404, "not-found", "no shadow policy is being evaluated", null);
    }

    private static List<Map<String, Object>> counts(List<ShadowPolicy.Count> counts) {
        return counts.stream().map(c -> Map.<String, Object>of("key", c.key(), "newly_denied", c.newlyDenied(),
                "newly_allowed", c.newlyAllowed())).toList();
    }

    private static Map<String, Object> version(PolicyVersion v, boolean withDocument) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("version", v.version);
        out.put("author", v.author);
        out.put("create_time", v.createdAt.toString());
        out.put("format", v.format);
        if (withDocument) {
            out.put("document", v.document);
        }
        return out;
    }

    private static Caller caller(ContainerRequestContext request) {
        return (Caller) request.getProperty(BearerAuthFilter.CALLER);
    }

    private static PolicyCompiler.Format format(String contentType) {
        String type = contentType == null ? "" : contentType.toLowerCase(java.util.Locale.ROOT);
        return type.startsWith(MediaType.APPLICATION_JSON) ? PolicyCompiler.Format.JSON : PolicyCompiler.Format.YAML;
    }

    /** A query or path number in [min, max]; {@code absent} when missing (-1: required). */
    private static long number(String field, String text, long absent, long min, long max) {
        if (text == null || text.isEmpty()) {
            if (absent < 0) {
                throw new BadParameter(field, "is required");
            }
            return absent;
        }
        try {
            long value = Long.parseLong(text);
            if (value >= min && value <= max) {
                return value;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw new BadParameter(field, "must be a whole number from " + min + (max == Long.MAX_VALUE ? " up" : " to " + max));
    }

    /** A bad query or path parameter: 400 naming it. */
    public static final class BadParameter extends RuntimeException {
        final String field;

        BadParameter(String field, String message) {
            super(field + " " + message, null, false, false);
            this.field = field;
        }
    }

    @jakarta.ws.rs.ext.Provider
    public static final class BadParameterMapper implements jakarta.ws.rs.ext.ExceptionMapper<BadParameter> {
        @Override
        public Response toResponse(BadParameter e) {
            return Problems.of(400, "bad-parameter", e.getMessage(), e.field);
        }
    }
}
