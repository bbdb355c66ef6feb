package dev.ztna.policy.service;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import dev.ztna.common.auth.ServiceTokenSource;
import dev.ztna.policy.config.PolicyConfig;
import dev.ztna.proto.audit.v1.AuditEvent;
import jakarta.enterprise.context.ApplicationScoped;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.function.Consumer;

/**
 * Reads the recorded `policy.decision` events of a time window from audit-svc's compliance API, page by page, with
 * this service's own token (its service account needs the role `auditor`).
 */
@ApplicationScoped
public class RecordedDecisions {

    static final int PAGE = 1000;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final PolicyConfig config;
    private final ServiceTokenSource tokens;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    /** audit-svc could not be asked (unreachable, refused our token, ...). */
    public static final class Unavailable extends RuntimeException {
        Unavailable(String message) {
            super(message, null, false, false);
        }
    }

    public RecordedDecisions(PolicyConfig config, ServiceTokenSource tokens) {
        this.config = config;
        this.tokens = tokens;
    }

    /** Hands every decision recorded with event time in [from, to) to {@code sink}, oldest first; stops after {@code max}. */
    public boolean forEach(Instant from, Instant to, long max, Consumer<AuditEvent> sink) {
        String token = tokens.token().orElseThrow(() -> new Unavailable("no service token to ask audit-svc with"));
        long after = 0;
        long seen = 0;
        while (true) {
            URI uri = URI.create(config.auditUrl() + "/api/v1/events?type=policy.decision&limit=" + PAGE
                    + "&after=" + after + "&from=" + encode(from.toString()) + "&to=" + encode(to.toString()));
            JsonNode page;
            try {
                HttpResponse<String> response = http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30))
                        .header("Authorization", "Bearer " + token).GET().build(), HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() != 200) {
                    throw new Unavailable("audit-svc answered " + response.statusCode() + " to the decision search");
                }
                page = JSON.readTree(response.body());
            } catch (IOException e) {
                throw new Unavailable("audit-svc is unreachable: " + e.getMessage());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new Unavailable("interrupted");
            }
            for (JsonNode node : page.path("events")) {
                if (seen++ >= max) {
                    return false;
                }
                AuditEvent.Builder event = AuditEvent.newBuilder();
                try {
                    JsonFormat.parser().ignoringUnknownFields().merge(node.toString(), event);
                } catch (InvalidProtocolBufferException e) {
                    throw new Unavailable("audit-svc returned an event that is not an AuditEvent");
                }
                sink.accept(event.build());
            }
            if (!page.has("next_after")) {
                return true;
            }
            after = page.path("next_after").asLong();
        }
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
