package dev.ztna.identity.service;

import dev.ztna.common.auth.AuthConfig;
import dev.ztna.identity.config.IdentityConfig;
import io.smallrye.jwt.algorithm.SignatureAlgorithm;
import io.smallrye.jwt.build.Jwt;
import io.smallrye.jwt.build.JwtClaimsBuilder;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/** Mints RFC 9068-style access tokens (typ at+jwt, ES256, kid) for users and service accounts. */
@ApplicationScoped
public class TokenIssuer {

    private final SigningKeys keys;
    private final AuthConfig auth;
    private final IdentityConfig config;

    /** {@code deviceId}: the device a user's login is bound to, or null; {@code refreshToken}: for users, else null. */
    public record Issued(String token, Instant expiresAt, String deviceId, String refreshToken) {
    }

    public TokenIssuer(SigningKeys keys, AuthConfig auth, IdentityConfig config) {
        this.keys = keys;
        this.auth = auth;
        this.config = config;
    }

    public Issued forUser(UUID userId, String username, Set<String> groups, Set<String> roles,
                          java.util.Map<String, String> attributes, List<String> amr,
                          Instant authTime, String sessionId, String deviceId, String refreshToken) {
        Instant now = Instant.now();
        Instant exp = now.plus(min(config.accessTokenTtl(), Duration.ofMinutes(15)));
        JwtClaimsBuilder claims = base(userId.toString(), now, exp)
                .claim("preferred_username", username)
                .groups(groups)
                .claim("roles", List.copyOf(roles))
                .claim("amr", amr)
                .claim("auth_time", authTime.getEpochSecond())
                .claim("sid", sessionId);
        if (deviceId != null) {
            claims.claim("did", deviceId);
        }
        if (!attributes.isEmpty()) {
            claims.claim("attrs", attributes);
        }
        return new Issued(sign(claims), exp, deviceId, refreshToken);
    }

    public Issued forService(String clientId, Set<String> roles) {
        Instant now = Instant.now();
        Instant exp = now.plus(config.serviceTokenTtl());
        JwtClaimsBuilder claims = base(clientId, now, exp)
                .claim("client_id", clientId)
                .claim("roles", List.copyOf(roles));
        return new Issued(sign(claims), exp, null, null);
    }

    private JwtClaimsBuilder base(String subject, Instant now, Instant exp) {
        return Jwt.issuer(auth.issuer())
                .audience(auth.audience())
                .subject(subject)
                .issuedAt(now)
                .expiresAt(exp)
                .claim("jti", UUID.randomUUID().toString());
    }

    private String sign(JwtClaimsBuilder claims) {
        SigningKeys.Active key = keys.active();
        return claims.jws().keyId(key.kid()).header("typ", "at+jwt").algorithm(SignatureAlgorithm.ES256)
                .sign(key.privateKey());
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }
}
