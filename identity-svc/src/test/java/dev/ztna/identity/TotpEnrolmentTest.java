package dev.ztna.identity;

import dev.ztna.common.crypto.Totp;
import dev.ztna.common.testing.EmbeddedPostgresResource;
import dev.ztna.common.testing.GrpcTestChannels;
import dev.ztna.proto.identity.v1.AuthServiceGrpc;
import dev.ztna.proto.identity.v1.ConfirmTotpRequest;
import dev.ztna.proto.identity.v1.EnrollTotpRequest;
import dev.ztna.proto.identity.v1.EnrollTotpResponse;
import dev.ztna.proto.identity.v1.GenerateRecoveryCodesRequest;
import dev.ztna.proto.identity.v1.MfaServiceGrpc;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.URL;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.List;

import static dev.ztna.common.testing.GrpcTestChannels.bearer;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Replacing the TOTP authenticator: proven by the current factor, confirmed by the new one; the old one dies. */
@QuarkusTest
@QuarkusTestResource(value = EmbeddedPostgresResource.class, restrictToAnnotatedClass = true)
class TotpEnrolmentTest {

    static final String OLD = "KNSWY3DPEB3W64TMMQQGC3DJMNSXG5BA";

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
    void enrolAConfirmedAuthenticatorAndTheOldOneStopsWorking() {
        String token = auth.verifyMfa(AuthFlowTest.mfa(auth.login(AuthFlowTest.login("jill", "TEST-ONLY-jill-password"))
                .getChallengeId(), Totp.code(OLD, Instant.now()))).getAccessToken();
        var mfa = MfaServiceGrpc.newBlockingStub(channel).withCallCredentials(bearer(token));

        // an access token alone cannot replace MFA
        assertEquals("current_totp_code", GrpcTestChannels.badField(assertThrows(StatusRuntimeException.class,
                () -> mfa.enrollTotp(EnrollTotpRequest.getDefaultInstance()))));
        StatusRuntimeException replayed = assertThrows(StatusRuntimeException.class, () -> mfa.enrollTotp(
                EnrollTotpRequest.newBuilder().setCurrentTotpCode(Totp.code(OLD, Instant.now())).build()));
        assertEquals(Status.Code.UNAUTHENTICATED, replayed.getStatus().getCode(), "the login's code was spent");
        assertEquals(Status.Code.FAILED_PRECONDITION, assertThrows(StatusRuntimeException.class,
                () -> mfa.confirmTotp(ConfirmTotpRequest.newBuilder().setTotpCode("123456").build())).getStatus().getCode());

        List<String> recovery = mfa.generateRecoveryCodes(GenerateRecoveryCodesRequest.getDefaultInstance()).getCodesList();
        EnrollTotpResponse pending = mfa.enrollTotp(EnrollTotpRequest.newBuilder().setRecoveryCode(recovery.get(0)).build());
        URI uri = URI.create(pending.getOtpauthUri());
        assertEquals("otpauth", uri.getScheme());
        assertTrue(uri.getQuery().contains("issuer=ZTNA"), uri.toString());
        String fresh = uri.getQuery().replaceAll(".*secret=([A-Z2-7]+).*", "$1");
        byte[] png = pending.getQrPng().toByteArray();
        assertArrayEquals(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'}, java.util.Arrays.copyOf(png, 8));
        int width = ByteBuffer.wrap(png, 16, 4).getInt();
        assertTrue(width >= 21 * 6, "a QR code of at least 21 modules, 6 pixels each: " + width);

        assertEquals(Status.Code.UNAUTHENTICATED, assertThrows(StatusRuntimeException.class,
                () -> mfa.confirmTotp(ConfirmTotpRequest.newBuilder().setTotpCode(Totp.code(OLD, Instant.now().plusSeconds(30))).build()))
                .getStatus().getCode(), "a code of the old authenticator does not confirm the new one");
        mfa.confirmTotp(ConfirmTotpRequest.newBuilder().setTotpCode(Totp.code(fresh, Instant.now())).build());

        // the next step's codes (the window accepts one step ahead): the old authenticator is refused, the new one works
        Instant next = Instant.now().plusSeconds(30);
        assertEquals(Status.Code.UNAUTHENTICATED, assertThrows(StatusRuntimeException.class, () -> auth.verifyMfa(AuthFlowTest.mfa(
                auth.login(AuthFlowTest.login("jill", "TEST-ONLY-jill-password")).getChallengeId(), Totp.code(OLD, next))))
                .getStatus().getCode());
        auth.verifyMfa(AuthFlowTest.mfa(auth.login(AuthFlowTest.login("jill", "TEST-ONLY-jill-password")).getChallengeId(),
                Totp.code(fresh, next)));
        assertEquals(Status.Code.FAILED_PRECONDITION, assertThrows(StatusRuntimeException.class,
                () -> mfa.confirmTotp(ConfirmTotpRequest.newBuilder().setTotpCode("123456").build())).getStatus().getCode(),
                "nothing pending any more");
    }
}
