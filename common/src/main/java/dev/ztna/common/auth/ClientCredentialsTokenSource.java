package dev.ztna.common.auth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.arc.DefaultBean;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/** Fetches service tokens from identity-svc with the client credentials grant and caches them until near expiry. */
@DefaultBean
@ApplicationScoped
public class ClientCredentialsTokenSource implements ServiceTokenSource {

    private static final Logger LOG = Logger.getLogger(ClientCredentialsTokenSource.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final ServiceAccountConfig account;
    private final String tokenUrl;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();
    private volatile String cached;
    private volatile Instant renewAt = Instant.EPOCH;

    public ClientCredentialsTokenSource(ServiceAccountConfig account, AuthConfig auth) {
        this.account = account;
        this.tokenUrl = account.tokenUrl().orElse(auth.issuer() + "/oauth2/token");
    }

    @Override
    public Optional<String> token() {
        if (account.clientId().isEmpty() || account.clientSecret().isEmpty()) {
            return Optional.empty();
        }
        if (cached == null || Instant.now().isAfter(renewAt)) {
            refresh();
        }
        return Optional.ofNullable(cached);
    }

    private synchronized void refresh() {
        if (cached != null && Instant.now().isBefore(renewAt)) {
            return;
        }
        String form = "grant_type=client_credentials&client_id=" + encode(account.clientId().get())
                + "&client_secret=" + encode(account.clientSecret().get());
        HttpRequest request = HttpRequest.newBuilder(URI.create(tokenUrl))
                .timeout(Duration.ofSeconds(5))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form))
                .build();
        try {
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                LOG.warnf("service token request to %s refused with HTTP %d", tokenUrl, response.statusCode());
                return;
            }
            JsonNode body = JSON.readTree(response.body());
            long ttl = body.path("expires_in").asLong(60);
            cached = body.path("access_token").asText();
            renewAt = Instant.now().plusSeconds(Math.max(1, ttl - account.renewBeforeSeconds()));
        } catch (IOException e) {
            LOG.warnf("identity-svc unreachable for a service token (%s): %s", tokenUrl, e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
