package dev.ztna.policy.rest;

import dev.ztna.common.rest.Problems;
import dev.ztna.policy.service.PolicyCompiler;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A rejected document: 400 problem+json listing every located error; nothing was changed. */
@Provider
public class InvalidPolicyMapper implements ExceptionMapper<PolicyCompiler.InvalidPolicyException> {

    @Override
    public Response toResponse(PolicyCompiler.InvalidPolicyException e) {
        List<PolicyCompiler.PolicyError> errors = e.errors();
        PolicyCompiler.PolicyError first = errors.get(0);
        Response problem = Problems.of(400, "invalid-policy", errors.size() + " error(s), nothing changed; first: " + first,
                first.location() + "." + first.field());
        @SuppressWarnings("unchecked")
        Map<String, Object> body = new LinkedHashMap<>((Map<String, Object>) problem.getEntity());
        body.put("errors", errors.stream().map(err -> Map.of("location", err.location(), "field", err.field(),
                "message", err.message())).toList());
        return Response.status(400).type(Problems.TYPE).entity(body).build();
    }
}
