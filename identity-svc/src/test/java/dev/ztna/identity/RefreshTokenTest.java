package dev.ztna.identity;

import dev.ztna.common.crypto.Totp;
import dev.ztna.common.testing.EmbeddedPostgresResource;
import dev.ztna.common.testing.GrpcTestChannels;
import dev.ztna.proto.identity.v1.AuthServiceGrpc;
import dev.ztna.proto.identity.v1.IntrospectRequest;
import dev.ztna.proto.identity.v1.RefreshRequest;
import dev.ztna.proto.identity.v1.RefreshResponse;
import dev.ztna.proto.identity.v1.RevocationKind;
import dev.ztna.proto.identity.v1.VerifyMfaResponse;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.consumer.JwtConsumerBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.URL;
import java.time.Instant;

import static dev.ztna.common.testing.GrpcTestChannels.bearer;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Rotating refresh tokens: each works once, and reusing one revokes its whole family (the login session). */
@QuarkusTest
@QuarkusTestResource(value = EmbeddedPostgresResource.class, restrictToAnnotatedClass = true)
class RefreshTokenTest {

    @TestHTTPResource
    URL url;
    ManagedChannel channel;
    AuthServiceGrpc.AuthServiceBlockingStub auth;

    @BeforeEach
    void connect() {
        channel = GrpcTestChannels.to(url);
        auth = AuthServiceGrpc.newBlockingStub(channel);
    }

    @AfterEach
    void close() {
        channel.shutdownNow();
    }

    @Test
    void refreshRotatesAndAReusedTokenRevokesTheWholeFamily() throws Exception {
        String broker = RevocationTest.serviceToken("broker-svc", "TEST-ONLY-broker-secret-0123456789abcdef");
        String challenge = auth.login(AuthFlowTest.login("ivy", "TEST-ONLY-ivy-password")).getChallengeId();
        VerifyMfaResponse login = auth.verifyMfa(AuthFlowTest.mfa(challenge, Totp.code("NFWGSZLDN5SGKY3BONSWC43FMRQXIYLO", Instant.now())));
        assertTrue(login.getRefreshToken().startsWith("ztna-rt_"));

        RefreshResponse first = auth.refresh(RefreshRequest.newBuilder().setRefreshToken(login.getRefreshToken()).build());
        assertNotEquals(login.getRefreshToken(), first.getRefreshToken(), "rotated");
        JwtClaims before = claims(login.getAccessToken());
        JwtClaims after = claims(first.getAccessToken());
        assertEquals(before.getStringClaimValue("sid"), after.getStringClaimValue("sid"), "same login session");
        assertEquals(before.getClaimValue("auth_time"), after.getClaimValue("auth_time"), "auth_time is the login's");
        assertEquals(before.getStringListClaimValue("amr"), after.getStringListClaimValue("amr"));
        RefreshResponse second = auth.refresh(RefreshRequest.newBuilder().setRefreshToken(first.getRefreshToken()).build());

        RevocationTest.Subscription watch = new RevocationTest().subscribeOn(channel, broker, 0);
        assertTrue(watch.next().getCaughtUp());
        // the first token again: someone holds a copy — the whole family goes
        StatusRuntimeException reused = assertThrows(StatusRuntimeException.class,
                () -> auth.refresh(RefreshRequest.newBuilder().setRefreshToken(login.getRefreshToken()).build()));
        assertEquals(Status.Code.UNAUTHENTICATED, reused.getStatus().getCode());
        assertEquals("REFRESH_TOKEN_REUSED", GrpcTestChannels.reason(reused));
        var revoked = watch.next().getRevocations(0);
        assertEquals(RevocationKind.REVOCATION_KIND_SESSION, revoked.getKind());
        assertEquals(before.getStringClaimValue("sid"), revoked.getSessionId());
        var introspect = auth.withCallCredentials(bearer(broker));
        for (String access : new String[] {login.getAccessToken(), first.getAccessToken(), second.getAccessToken()}) {
            assertFalse(introspect.introspect(IntrospectRequest.newBuilder().setToken(access).build()).getActive());
        }
        StatusRuntimeException latest = assertThrows(StatusRuntimeException.class,
                () -> auth.refresh(RefreshRequest.newBuilder().setRefreshToken(second.getRefreshToken()).build()));
        assertEquals("REFRESH_TOKEN_INVALID", GrpcTestChannels.reason(latest), "the newest one of the family is dead too");
    }

    @Test
    void stepUpGivesTheSameLoginAFreshAuthTime() throws Exception {
        String challenge = auth.login(AuthFlowTest.login("kim", "TEST-ONLY-kim-password")).getChallengeId();
        VerifyMfaResponse login = auth.verifyMfa(AuthFlowTest.mfa(challenge, Totp.code(KIM, Instant.now())));
        var asKim = auth.withCallCredentials(bearer(login.getAccessToken()));
        assertEquals("totp_code", GrpcTestChannels.badField(assertThrows(StatusRuntimeException.class,
                () -> asKim.stepUp(dev.ztna.proto.identity.v1.StepUpRequest.getDefaultInstance()))));
        assertEquals(Status.Code.UNAUTHENTICATED, assertThrows(StatusRuntimeException.class, () -> asKim.stepUp(
                dev.ztna.proto.identity.v1.StepUpRequest.newBuilder().setTotpCode(Totp.code(KIM, Instant.now())).build()))
                .getStatus().getCode(), "the login's own code cannot be replayed");
        Thread.sleep(1100); // auth_time has whole seconds
        var stepped = asKim.stepUp(dev.ztna.proto.identity.v1.StepUpRequest.newBuilder()
                .setTotpCode(Totp.code(KIM, Instant.now().plusSeconds(30))).build());
        JwtClaims before = claims(login.getAccessToken());
        JwtClaims after = claims(stepped.getAccessToken());
        assertEquals(before.getStringClaimValue("sid"), after.getStringClaimValue("sid"));
        assertTrue(((Number) after.getClaimValue("auth_time")).longValue() > ((Number) before.getClaimValue("auth_time")).longValue());
        // a refresh after the step-up keeps the step-up's auth_time
        JwtClaims refreshed = claims(auth.refresh(RefreshRequest.newBuilder().setRefreshToken(stepped.getRefreshToken())
                .build()).getAccessToken());
        assertEquals(after.getClaimValue("auth_time"), refreshed.getClaimValue("auth_time"));
        String broker = RevocationTest.serviceToken("broker-svc", "TEST-ONLY-broker-secret-0123456789abcdef");
        assertEquals(Status.Code.FAILED_PRECONDITION, assertThrows(StatusRuntimeException.class, () -> auth
                .withCallCredentials(bearer(broker)).stepUp(dev.ztna.proto.identity.v1.StepUpRequest.newBuilder()
                        .setTotpCode("123456").build())).getStatus().getCode());
    }

    static final String KIM = "ONXW2ZJAOZQWY5LFEBTG64RAORSXG5DT";

    @Test
    void badRefreshTokensAreRefusedClearly() {
        assertEquals("refresh_token", GrpcTestChannels.badField(assertThrows(StatusRuntimeException.class,
                () -> auth.refresh(RefreshRequest.getDefaultInstance()))));
        assertEquals("refresh_token", GrpcTestChannels.badField(assertThrows(StatusRuntimeException.class,
                () -> auth.refresh(RefreshRequest.newBuilder().setRefreshToken("x".repeat(129)).build()))));
        StatusRuntimeException unknown = assertThrows(StatusRuntimeException.class,
                () -> auth.refresh(RefreshRequest.newBuilder().setRefreshToken("ztna-rt_" + "A".repeat(43)).build()));
        assertEquals(Status.Code.UNAUTHENTICATED, unknown.getStatus().getCode());
        assertEquals("REFRESH_TOKEN_INVALID", GrpcTestChannels.reason(unknown));
    }

    static JwtClaims claims(String token) throws Exception {
        return new JwtConsumerBuilder().setSkipSignatureVerification().setSkipAllValidators().build().processToClaims(token);
    }
}
