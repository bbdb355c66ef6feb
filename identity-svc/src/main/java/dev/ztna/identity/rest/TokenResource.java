package dev.ztna.identity.rest;

import dev.ztna.identity.service.AuthenticationFailure;
import dev.ztna.identity.service.ServiceAccounts;
import dev.ztna.identity.service.TokenIssuer;
import io.vertx.core.http.HttpServerRequest;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.core.Response;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;

/** OAuth 2 token endpoint (RFC 6749 §4.4 client credentials) for service accounts; errors in RFC 6749 §5.2 form. */
@Path("/oauth2/token")
public class TokenResource {

    private static final int MAX_FIELD = 1024;
    private final ServiceAccounts accounts;

    public TokenResource(ServiceAccounts accounts) {
        this.accounts = accounts;
    }

    @POST
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    @Produces(MediaType.APPLICATION_JSON)
    public Response token(MultivaluedMap<String, String> form, @Context HttpServerRequest http) {
        String grant = form.getFirst("grant_type");
        String clientId = form.getFirst("client_id");
        String secret = form.getFirst("client_secret");
        if (grant == null || grant.isEmpty()) {
            return error(400, "invalid_request", "grant_type is required");
        }
        if (!"client_credentials".equals(grant)) {
            return error(400, "unsupported_grant_type", "only client_credentials is supported");
        }
        if (clientId == null || clientId.isEmpty() || clientId.length() > MAX_FIELD) {
            return error(400, "invalid_request", "client_id is required (at most 1024 characters)");
        }
        if (secret == null || secret.isEmpty() || secret.length() > MAX_FIELD) {
            return error(400, "invalid_request", "client_secret is required (at most 1024 characters)");
        }
        try {
            String source = http.remoteAddress() == null ? "" : http.remoteAddress().hostAddress();
            TokenIssuer.Issued token = accounts.clientCredentials(clientId, secret, source);
            long ttl = Math.max(0, Duration.between(Instant.now(), token.expiresAt()).getSeconds());
            return Response.ok(Map.of("access_token", token.token(), "token_type", "Bearer", "expires_in", ttl))
                    .header("Cache-Control", "no-store").build();
        } catch (AuthenticationFailure e) {
            return error(401, "invalid_client", "invalid client credentials");
        }
    }

    private static Response error(int status, String error, String description) {
        return Response.status(status).type(MediaType.APPLICATION_JSON)
                .header("Cache-Control", "no-store")
                .entity(Map.of("error", error, "error_description", description)).build();
    }
}
