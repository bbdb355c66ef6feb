package dev.ztna.common.auth;

import io.quarkus.arc.DefaultBean;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import org.jose4j.jwk.JsonWebKeySet;
import org.jose4j.keys.resolvers.JwksVerificationKeyResolver;
import org.jose4j.keys.resolvers.VerificationKeyResolver;
import org.jose4j.lang.JoseException;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;

/** Verification keys from identity-svc's JWKS ({@link JwksCache}, refreshed in the background) or from a JWKS file. */
@ApplicationScoped
public class KeyResolverProducer {

    @Produces
    @DefaultBean
    @Singleton
    VerificationKeyResolver keyResolver(AuthConfig config) {
        String url = config.effectiveJwksUrl();
        if (url.startsWith("file:")) {
            try {
                String json = Files.readString(Path.of(URI.create(url)));
                return new JwksVerificationKeyResolver(new JsonWebKeySet(json).getJsonWebKeys());
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read JWKS file " + url, e);
            } catch (JoseException e) {
                throw new IllegalStateException("invalid JWKS file " + url, e);
            }
        }
        return new JwksCache(URI.create(url));
    }
}
