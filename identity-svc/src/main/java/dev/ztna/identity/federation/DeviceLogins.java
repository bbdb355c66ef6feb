package dev.ztna.identity.federation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ztna.identity.service.Authenticator;
import dev.ztna.identity.service.SecretBox;
import io.quarkus.oidc.AccessTokenCredential;
import io.quarkus.oidc.TenantIdentityProvider;
import io.quarkus.security.identity.SecurityIdentity;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.jwt.JsonWebToken;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * SSO from a terminal: the OAuth 2.0 device authorization grant (RFC 8628, with PKCE) against the upstream IdP, driven
 * by identity-svc as the confidential client so no client secret ever reaches a user's machine. The client holds only
 * an opaque login id: the upstream device code and PKCE verifier sealed with the master key (AES-GCM), so any
 * identity-svc instance can continue the login and nothing is stored until it completes.
 */
@ApplicationScoped
public class DeviceLogins {

    private static final String SEAL_CONTEXT = "federation-device-login";
    private static final Duration UPSTREAM_TIMEOUT = Duration.ofSeconds(10);

    private final FederationConfig config;
    private final SecretBox box;
    private final TenantIdentityProvider verifier;
    private final FederatedLogins logins;
    private final ObjectMapper json = new ObjectMapper();
    private final SecureRandom random = new SecureRandom();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(UPSTREAM_TIMEOUT)
            .followRedirects(HttpClient.Redirect.NEVER).build();
    private volatile JsonNode discovery;

    public record Started(String loginId, String userCode, String verificationUri, String verificationUriComplete,
                          Instant expiresAt, int intervalSeconds) {
    }

    /** Either still waiting for the user at the IdP ({@code challenge} null), or the first factor is done. */
    public record Polled(int intervalSeconds, Authenticator.Challenge challenge, String username) {
    }

    /** The upstream IdP could not be asked, or answered something unusable: UNAVAILABLE. */
    public static class UpstreamUnavailable extends RuntimeException {
        public UpstreamUnavailable(String message) {
            super(message, null, false, false);
        }
    }

    /** The login id is not (or no longer) usable: FAILED_PRECONDITION, start again. */
    public static class LoginOver extends RuntimeException {
        private final String reason;

        public LoginOver(String reason, String message) {
            super(message, null, false, false);
            this.reason = reason;
        }

        public String reason() {
            return reason;
        }
    }

    public DeviceLogins(FederationConfig config, SecretBox box, TenantIdentityProvider verifier,
                        FederatedLogins logins) {
        this.config = config;
        this.box = box;
        this.verifier = verifier;
        this.logins = logins;
    }

    public Started start() {
        byte[] raw = new byte[32];
        random.nextBytes(raw);
        String verifierValue = Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
        Map<String, String> form = new LinkedHashMap<>();
        form.put("scope", config.scopes());
        form.put("code_challenge", s256(verifierValue));
        form.put("code_challenge_method", "S256");
        JsonNode answer = post(endpoint("device_authorization_endpoint"), form);
        if (answer.path("error").isTextual() || !answer.path("device_code").isTextual()) {
            throw new UpstreamUnavailable("the upstream IdP refused the device login: "
                    + answer.path("error").asText("no device_code"));
        }
        Instant expires = Instant.now().plusSeconds(answer.path("expires_in").asLong(600));
        int interval = Math.max(1, answer.path("interval").asInt(5));
        String sealed = answer.path("device_code").asText() + "\n" + verifierValue + "\n" + expires.getEpochSecond()
                + "\n" + interval;
        String loginId = Base64.getUrlEncoder().withoutPadding()
                .encodeToString(box.seal(sealed.getBytes(StandardCharsets.UTF_8), SEAL_CONTEXT));
        return new Started(loginId, answer.path("user_code").asText(), answer.path("verification_uri").asText(),
                answer.path("verification_uri_complete").asText(""), expires, interval);
    }

    /** {@code loginId} was checked for shape by the adapter; a forged or foreign one fails to open. */
    public Polled poll(String loginId, String source) {
        String[] parts = open(loginId);
        if (Instant.now().getEpochSecond() > Long.parseLong(parts[2])) {
            throw new LoginOver("LOGIN_EXPIRED", "this SSO login expired; start again");
        }
        Map<String, String> form = new LinkedHashMap<>();
        form.put("grant_type", "urn:ietf:params:oauth:grant-type:device_code");
        form.put("device_code", parts[0]);
        form.put("code_verifier", parts[1]);
        JsonNode answer = post(endpoint("token_endpoint"), form);
        int interval = Integer.parseInt(parts[3]);
        String error = answer.path("error").asText("");
        switch (error) {
            case "" -> {
            }
            case "authorization_pending" -> {
                return new Polled(interval, null, null);
            }
            case "slow_down" -> {
                return new Polled(interval + 5, null, null);
            }
            case "access_denied" -> throw new FederationRefused("UPSTREAM_DENIED", "the login was declined at the IdP");
            case "expired_token" -> throw new LoginOver("LOGIN_EXPIRED", "this SSO login expired; start again");
            case "invalid_grant" -> throw new LoginOver("LOGIN_OVER", "this SSO login is finished or unknown; start again");
            default -> throw new UpstreamUnavailable("the upstream IdP answered " + error);
        }
        String idToken = answer.path("id_token").asText("");
        if (idToken.isEmpty()) {
            throw new UpstreamUnavailable("the upstream IdP returned no ID token (is the openid scope allowed?)");
        }
        JsonWebToken verified = verify(idToken);
        Authenticator.Challenge challenge = logins.begin(verified, source);
        return new Polled(0, challenge, String.valueOf((Object) verified.getClaim(config.usernameClaim())));
    }

    private JsonWebToken verify(String idToken) {
        SecurityIdentity identity;
        try {
            identity = verifier.authenticate(new AccessTokenCredential(idToken)).await().atMost(UPSTREAM_TIMEOUT);
        } catch (RuntimeException e) {
            throw new FederationRefused("UPSTREAM_TOKEN_INVALID", "the upstream ID token failed verification");
        }
        if (!(identity.getPrincipal() instanceof JsonWebToken jwt)
                || !jwt.getAudience().contains(config.clientId())) {
            throw new FederationRefused("UPSTREAM_TOKEN_INVALID", "the upstream ID token is not meant for this client");
        }
        return jwt;
    }

    private String[] open(String loginId) {
        try {
            byte[] blob = Base64.getUrlDecoder().decode(loginId);
            String[] parts = new String(box.open(blob, SEAL_CONTEXT), StandardCharsets.UTF_8).split("\n");
            if (parts.length == 4) {
                return parts;
            }
        } catch (IllegalArgumentException | IllegalStateException e) {
            // a forged, truncated or foreign id: answered the same as any unknown login
        }
        throw new LoginOver("LOGIN_UNKNOWN", "unknown SSO login; start again");
    }

    private String endpoint(String name) {
        JsonNode doc = discovery;
        if (doc == null) {
            String issuer = config.issuer().orElseThrow(() -> new UpstreamUnavailable("no upstream issuer configured"));
            doc = get(issuer.replaceAll("/+$", "") + "/.well-known/openid-configuration");
            discovery = doc;
        }
        String value = doc.path(name).asText("");
        if (value.isEmpty()) {
            throw new UpstreamUnavailable("the upstream IdP does not publish " + name);
        }
        return value;
    }

    private JsonNode get(String url) {
        return send(HttpRequest.newBuilder(URI.create(url)).timeout(UPSTREAM_TIMEOUT).GET().build());
    }

    private JsonNode post(String url, Map<String, String> form) {
        form.put("client_id", config.clientId());
        String body = form.entrySet().stream()
                .map(e -> enc(e.getKey()) + "=" + enc(e.getValue())).collect(Collectors.joining("&"));
        String basic = Base64.getEncoder().encodeToString((enc(config.clientId()) + ":"
                + enc(config.clientSecret().orElse(""))).getBytes(StandardCharsets.UTF_8));
        return send(HttpRequest.newBuilder(URI.create(url)).timeout(UPSTREAM_TIMEOUT)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Authorization", "Basic " + basic)
                .header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build());
    }

    private JsonNode send(HttpRequest request) {
        try {
            HttpResponse<byte[]> response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
            JsonNode node = json.readTree(response.body());
            if (node == null || !node.isObject()) {
                throw new UpstreamUnavailable("the upstream IdP answered HTTP " + response.statusCode() + " without JSON");
            }
            return node;
        } catch (IOException e) {
            throw new UpstreamUnavailable("the upstream IdP is unreachable");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UpstreamUnavailable("interrupted while asking the upstream IdP");
        }
    }

    private static String enc(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    private static String s256(String verifier) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
