package dev.ztna.common.auth;

import jakarta.enterprise.context.ApplicationScoped;
import org.jose4j.jwa.AlgorithmConstraints;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.MalformedClaimException;
import org.jose4j.jwt.consumer.InvalidJwtException;
import org.jose4j.jwt.consumer.JwtConsumer;
import org.jose4j.jwt.consumer.JwtConsumerBuilder;
import org.jose4j.keys.resolvers.VerificationKeyResolver;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Verifies access tokens issued by identity-svc: ES256 only, known kid, exp/nbf/iat, iss, aud and typ.
 * Any failure is the same opaque {@link InvalidTokenException}: the caller learns nothing about which check failed.
 */
@ApplicationScoped
public class TokenVerifier {

    /** Tokens larger than this are refused before parsing. */
    static final int MAX_TOKEN_LENGTH = 8192;

    private final JwtConsumer consumer;
    private final VerifiedTokens verified;

    public TokenVerifier(AuthConfig config, VerificationKeyResolver keys) {
        this.verified = new VerifiedTokens(config.verifiedTokenCacheSize(), config.verifiedTokenCacheTtl());
        this.consumer = new JwtConsumerBuilder()
                .setRequireExpirationTime()
                .setRequireIssuedAt()
                .setRequireSubject()
                .setRequireJwtId()
                .setAllowedClockSkewInSeconds(config.clockSkewSeconds())
                .setMaxFutureValidityInMinutes(60 * 24)
                .setExpectedIssuer(config.issuer())
                .setExpectedAudience(config.audience())
                .setExpectedType(true, "at+jwt")
                .setJwsAlgorithmConstraints(AlgorithmConstraints.ConstraintType.PERMIT,
                        AlgorithmIdentifiers.ECDSA_USING_P256_CURVE_AND_SHA256)
                .setVerificationKeyResolver(keys)
                .build();
    }

    public Caller verify(String token) throws InvalidTokenException {
        if (token == null || token.isEmpty() || token.length() > MAX_TOKEN_LENGTH) {
            throw new InvalidTokenException();
        }
        Caller remembered = verified.get(token);
        if (remembered != null) {
            return remembered;
        }
        try {
            JwtClaims claims = consumer.processToClaims(token);
            boolean service = claims.hasClaim("client_id");
            String name = service ? claims.getStringClaimValue("client_id")
                    : claims.getStringClaimValue("preferred_username");
            Object authTime = claims.getClaimValue("auth_time");
            Caller caller = new Caller(claims.getSubject(), name == null ? claims.getSubject() : name,
                    stringSet(claims, "groups"), stringSet(claims, "roles"),
                    claims.getClaimValueAsString("sid"), service, stringSet(claims, "amr"),
                    authTime instanceof Number n ? java.time.Instant.ofEpochSecond(n.longValue()) : null,
                    claims.getClaimValueAsString("did"), attributes(claims.getClaimValue("attrs")));
            verified.put(token, caller, claims.getExpirationTime().getValueInMillis());
            return caller;
        } catch (InvalidJwtException | MalformedClaimException | RuntimeException e) {
            throw new InvalidTokenException();
        }
    }

    /** The `attrs` claim: a small object of string values; anything else in it is ignored. */
    static java.util.Map<String, String> attributes(Object claim) {
        if (!(claim instanceof java.util.Map<?, ?> map) || map.isEmpty()) {
            return java.util.Map.of();
        }
        java.util.Map<String, String> out = new java.util.HashMap<>();
        for (var e : map.entrySet()) {
            if (out.size() < 16 && e.getKey() instanceof String k && e.getValue() instanceof String v && v.length() <= 128) {
                out.put(k, v);
            }
        }
        return java.util.Map.copyOf(out);
    }

    private static Set<String> stringSet(JwtClaims claims, String name) throws MalformedClaimException {
        if (!claims.hasClaim(name)) {
            return Set.of();
        }
        List<String> values = claims.getStringListClaimValue(name);
        return Set.copyOf(new HashSet<>(values));
    }

    /** The token is not acceptable; deliberately carries no detail. */
    public static final class InvalidTokenException extends Exception {
        public InvalidTokenException() {
            super("invalid or expired token", null, false, false);
        }
    }
}
