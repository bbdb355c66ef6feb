package dev.ztna.identity.rest;

import dev.ztna.common.auth.AuthConfig;
import dev.ztna.identity.service.SigningKeys;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** OIDC discovery (subset that applies) and the JWKS other services verify tokens against. */
@Path("/.well-known")
public class DiscoveryResource {

    private final AuthConfig auth;
    private final SigningKeys keys;

    public DiscoveryResource(AuthConfig auth, SigningKeys keys) {
        this.auth = auth;
        this.keys = keys;
    }

    @GET
    @Path("/openid-configuration")
    @Produces(MediaType.APPLICATION_JSON)
    public Map<String, Object> discovery() {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("issuer", auth.issuer());
        doc.put("jwks_uri", auth.issuer() + "/.well-known/jwks.json");
        doc.put("token_endpoint", auth.issuer() + "/oauth2/token");
        doc.put("grant_types_supported", List.of("client_credentials"));
        doc.put("token_endpoint_auth_methods_supported", List.of("client_secret_post"));
        doc.put("id_token_signing_alg_values_supported", List.of("ES256"));
        doc.put("subject_types_supported", List.of("public"));
        doc.put("response_types_supported", List.of());
        doc.put("claims_supported", List.of("sub", "iss", "aud", "exp", "iat", "jti", "preferred_username", "groups",
                "roles", "amr", "auth_time", "sid", "client_id"));
        return doc;
    }

    @GET
    @Path("/jwks.json")
    @Produces(MediaType.APPLICATION_JSON)
    public String jwks() {
        return keys.jwks().toJson();
    }
}
