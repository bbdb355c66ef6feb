package dev.ztna.connector;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.ByteString;
import dev.ztna.proto.broker.v1.ConnectorServiceGrpc;
import dev.ztna.proto.broker.v1.EnrollRequest;
import dev.ztna.proto.broker.v1.EnrollResponse;
import io.grpc.CallCredentials;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.lang.JoseException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;

/**
 * The connector's own identity: an EC P-256 key pair it generated, whose public half a broker bound to a connector id,
 * a name and a set of apps when the connector redeemed its one-time enrolment token. It is kept in the state
 * directory (owner-only file) and proves itself to brokers with short-lived assertions signed by the private key.
 */
final class EnrolledIdentity {

    static final String FILE = "connector-identity.json";
    private static final Metadata.Key<String> AUTHORIZATION = Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);
    private static final long ASSERTION_SECONDS = 300;

    private final String id;
    private final String name;
    private final List<String> apps;
    private final PrivateKey key;
    private String assertion;
    private long renewAtMillis;

    private EnrolledIdentity(String id, String name, List<String> apps, PrivateKey key) {
        this.id = id;
        this.name = name;
        this.apps = List.copyOf(apps);
        this.key = key;
    }

    String id() {
        return id;
    }

    String name() {
        return name;
    }

    List<String> apps() {
        return apps;
    }

    static Optional<EnrolledIdentity> load(Path stateDir) throws IOException {
        Path file = stateDir.resolve(FILE);
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        JsonNode json = new ObjectMapper().readTree(file.toFile());
        try {
            PrivateKey key = KeyFactory.getInstance("EC").generatePrivate(
                    new PKCS8EncodedKeySpec(Base64.getDecoder().decode(json.path("private_key").asText())));
            List<String> apps = new java.util.ArrayList<>();
            json.path("apps").forEach(a -> apps.add(a.asText()));
            return Optional.of(new EnrolledIdentity(json.path("connector_id").asText(), json.path("connector_name").asText(),
                    apps, key));
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new IOException(file + " is damaged (" + e.getMessage() + "); remove it and enrol again", e);
        }
    }

    /**
     * Generates a key pair and redeems the token at the first broker that answers; the identity is written to the
     * state directory before this returns, so a crash cannot lose a redeemed token's identity halfway.
     */
    static EnrolledIdentity enroll(List<String> brokers, String token, Path stateDir) throws IOException {
        java.security.KeyPair pair;
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"));
            pair = generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this JVM cannot make EC P-256 keys", e);
        }
        StatusRuntimeException last = null;
        for (String broker : brokers) {
            ManagedChannel channel = ManagedChannelBuilder.forTarget(broker.trim()).usePlaintext().build();
            try {
                EnrollResponse enrolled = ConnectorServiceGrpc.newBlockingStub(channel)
                        .withDeadlineAfter(15, TimeUnit.SECONDS)
                        .enroll(EnrollRequest.newBuilder().setEnrollmentToken(token)
                                .setPublicKey(ByteString.copyFrom(pair.getPublic().getEncoded())).build());
                EnrolledIdentity identity = new EnrolledIdentity(enrolled.getConnectorId(), enrolled.getConnectorName(),
                        enrolled.getAppsList(), pair.getPrivate());
                identity.save(stateDir);
                return identity;
            } catch (StatusRuntimeException e) {
                if (e.getStatus().getCode() != Status.Code.UNAVAILABLE && e.getStatus().getCode() != Status.Code.DEADLINE_EXCEEDED) {
                    throw new IOException("broker " + broker + " refused the enrolment: " + e.getStatus().getDescription(), e);
                }
                last = e;
            } finally {
                channel.shutdownNow();
            }
        }
        throw new IOException("no broker could be reached to enrol (" + (last == null ? "no brokers" : last.getStatus()) + ")");
    }

    private void save(Path stateDir) throws IOException {
        Files.createDirectories(stateDir);
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("connector_id", id);
        json.put("connector_name", name);
        json.put("apps", apps);
        json.put("private_key", Base64.getEncoder().encodeToString(key.getEncoded()));
        Path temp = stateDir.resolve(FILE + "." + UUID.randomUUID() + ".tmp");
        Files.createFile(temp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.write(temp, new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsBytes(json));
        Files.move(temp, stateDir.resolve(FILE), StandardCopyOption.ATOMIC_MOVE);
    }

    /** A fresh assertion, reused until a minute before it expires. */
    synchronized String assertion() {
        long now = System.currentTimeMillis();
        if (assertion == null || now >= renewAtMillis) {
            JwtClaims claims = new JwtClaims();
            claims.setIssuer(id);
            claims.setSubject(id);
            claims.setAudience("ztna-broker");
            claims.setIssuedAtToNow();
            claims.setExpirationTimeMinutesInTheFuture(ASSERTION_SECONDS / 60f);
            claims.setGeneratedJwtId();
            JsonWebSignature jws = new JsonWebSignature();
            jws.setPayload(claims.toJson());
            jws.setKey(key);
            jws.setKeyIdHeaderValue(id);
            jws.setHeader("typ", "ztna-connector+jwt");
            jws.setAlgorithmHeaderValue(AlgorithmIdentifiers.ECDSA_USING_P256_CURVE_AND_SHA256);
            try {
                assertion = jws.getCompactSerialization();
            } catch (JoseException e) {
                throw new IllegalStateException("cannot sign a connector assertion", e);
            }
            renewAtMillis = now + (ASSERTION_SECONDS - 60) * 1000;
        }
        return assertion;
    }

    /** Puts an assertion on every call to a broker. */
    CallCredentials credentials() {
        return new CallCredentials() {
            @Override
            public void applyRequestMetadata(RequestInfo info, Executor executor, MetadataApplier applier) {
                Metadata headers = new Metadata();
                headers.put(AUTHORIZATION, "Bearer " + assertion());
                applier.apply(headers);
            }
        };
    }
}
