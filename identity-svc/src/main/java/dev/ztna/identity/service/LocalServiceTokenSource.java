package dev.ztna.identity.service;

import dev.ztna.common.auth.ServiceTokenSource;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Instant;
import java.util.Optional;
import java.util.Set;

/** identity-svc is the issuer: it mints its own service token (role audit-writer) instead of asking itself over HTTP. */
@ApplicationScoped
public class LocalServiceTokenSource implements ServiceTokenSource {

    static final String CLIENT_ID = "identity-svc";
    private final TokenIssuer issuer;
    private volatile TokenIssuer.Issued cached;

    public LocalServiceTokenSource(TokenIssuer issuer) {
        this.issuer = issuer;
    }

    @Override
    public Optional<String> token() {
        TokenIssuer.Issued current = cached;
        if (current == null || Instant.now().plusSeconds(60).isAfter(current.expiresAt())) {
            current = issuer.forService(CLIENT_ID, Set.of("audit-writer"));
            cached = current;
        }
        return Optional.of(current.token());
    }
}
