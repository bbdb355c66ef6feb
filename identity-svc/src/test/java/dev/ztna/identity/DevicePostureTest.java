package dev.ztna.identity;

import com.google.protobuf.ByteString;
import com.google.protobuf.Timestamp;
import dev.ztna.common.crypto.Totp;
import dev.ztna.common.testing.EmbeddedPostgresResource;
import dev.ztna.common.testing.GrpcTestChannels;
import dev.ztna.proto.identity.v1.AuthServiceGrpc;
import dev.ztna.proto.identity.v1.DevicePostureState;
import dev.ztna.proto.identity.v1.DeviceServiceGrpc;
import dev.ztna.proto.identity.v1.PostureReport;
import dev.ztna.proto.identity.v1.ReportPostureRequest;
import dev.ztna.proto.identity.v1.VerifyMfaRequest;
import dev.ztna.proto.identity.v1.VerifyMfaResponse;
import dev.ztna.proto.identity.v1.WatchPosturesRequest;
import dev.ztna.proto.identity.v1.WatchPosturesResponse;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.consumer.JwtConsumerBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static dev.ztna.common.testing.GrpcTestChannels.bearer;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** A login bound to a device key, signed posture reports, and their push to WatchPostures subscribers. */
@QuarkusTest
@QuarkusTestResource(value = EmbeddedPostgresResource.class, restrictToAnnotatedClass = true)
class DevicePostureTest {

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
    void aDeviceBoundLoginReportsSignedPosturesThatSubscribersReceive() throws Exception {
        KeyPair device = p256();
        String challenge = auth.login(AuthFlowTest.login("hank", "TEST-ONLY-hank-password")).getChallengeId();
        String code = Totp.code("NBSWY3DPO5XXE3DEMFZXI2LPNZUGK3TB", Instant.now());
        VerifyMfaRequest.Builder mfa = VerifyMfaRequest.newBuilder().setChallengeId(challenge).setTotpCode(code)
                .setDevicePublicKey(ByteString.copyFrom(device.getPublic().getEncoded()));

        // a proof by another key is refused before the code is spent
        StatusRuntimeException badProof = assertThrows(StatusRuntimeException.class, () -> auth.verifyMfa(mfa
                .setDeviceProof(ByteString.copyFrom(sign(p256(), challenge.getBytes(StandardCharsets.UTF_8)))).build()));
        assertEquals("device_proof", GrpcTestChannels.badField(badProof));
        assertEquals("device_public_key", GrpcTestChannels.badField(assertThrows(StatusRuntimeException.class,
                () -> auth.verifyMfa(mfa.clone().setDevicePublicKey(ByteString.copyFromUtf8("not a key")).build()))));

        VerifyMfaResponse login = auth.verifyMfa(mfa.setDeviceProof(ByteString.copyFrom(
                sign(device, challenge.getBytes(StandardCharsets.UTF_8)))).build());
        String deviceId = login.getDeviceId();
        assertFalse(deviceId.isEmpty());
        JwtClaims claims = new JwtConsumerBuilder().setSkipSignatureVerification().setSkipAllValidators()
                .build().processToClaims(login.getAccessToken());
        assertEquals(deviceId, claims.getStringClaimValue("did"));

        String broker = RevocationTest.serviceToken("broker-svc", "TEST-ONLY-broker-secret-0123456789abcdef");
        BlockingQueue<Object> pushed = new LinkedBlockingQueue<>();
        DeviceServiceGrpc.newStub(channel).withCallCredentials(bearer(broker)).watchPostures(
                WatchPosturesRequest.getDefaultInstance(), new StreamObserver<>() {
                    @Override
                    public void onNext(WatchPosturesResponse value) {
                        pushed.add(value);
                    }

                    @Override
                    public void onError(Throwable t) {
                        pushed.add(Status.fromThrowable(t));
                    }

                    @Override
                    public void onCompleted() {
                    }
                });
        assertTrue(((WatchPosturesResponse) pushed.poll(10, TimeUnit.SECONDS)).getCaughtUp());

        var devices = DeviceServiceGrpc.newBlockingStub(channel).withCallCredentials(bearer(login.getAccessToken()));
        Instant at = Instant.now();
        assertTrue(devices.reportPosture(report(device, deviceId, at, Map.of("os", "linux", "disk_encrypted", "true"))).getChanged());
        DevicePostureState state = ((WatchPosturesResponse) pushed.poll(10, TimeUnit.SECONDS)).getPostures(0);
        assertEquals(deviceId, state.getDeviceId());
        assertEquals("true", state.getAttributesMap().get("disk_encrypted"));
        assertFalse(devices.reportPosture(report(device, deviceId, at.plusMillis(10), Map.of("os", "linux",
                "disk_encrypted", "true"))).getChanged(), "same attributes, newer report: no change");

        record Bad(ReportPostureRequest request, String field) {
        }
        for (Bad bad : java.util.List.of(
                new Bad(report(device, deviceId, Instant.now(), Map.of()), "report.attributes"),
                new Bad(report(device, deviceId, Instant.now(), Map.of("Bad Key", "x")), "report.attributes"),
                new Bad(report(device, deviceId, Instant.now(), Map.of("os", "x".repeat(257))), "report.attributes"),
                new Bad(report(device, deviceId, Instant.now().plusSeconds(120), Map.of("os", "linux")), "report.report_time"),
                new Bad(ReportPostureRequest.newBuilder().setReport(ByteString.copyFrom(new byte[] {0x0a, 0x05, 0x41}))
                        .setSignature(ByteString.copyFromUtf8("x")).build(), "report"),
                new Bad(ReportPostureRequest.newBuilder().setReport(report(device, deviceId, Instant.now(), Map.of("os", "l"))
                        .getReport()).build(), "signature"))) {
            StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> devices.reportPosture(bad.request()));
            assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode(), bad.field());
            assertEquals(bad.field(), GrpcTestChannels.badField(e));
        }
        // a token without a device, or a service, cannot report for one
        assertEquals(Status.Code.PERMISSION_DENIED, assertThrows(StatusRuntimeException.class, () -> DeviceServiceGrpc
                .newBlockingStub(channel).withCallCredentials(bearer(broker))
                .reportPosture(report(device, deviceId, Instant.now(), Map.of("os", "linux")))).getStatus().getCode());
    }

    static KeyPair p256() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"));
        return generator.generateKeyPair();
    }

    static byte[] sign(KeyPair key, byte[] data) throws Exception {
        Signature signature = Signature.getInstance("SHA256withECDSA");
        signature.initSign(key.getPrivate());
        signature.update(data);
        return signature.sign();
    }

    static ReportPostureRequest report(KeyPair key, String deviceId, Instant at, Map<String, String> attributes) throws Exception {
        byte[] report = PostureReport.newBuilder().setDeviceId(deviceId).putAllAttributes(attributes)
                .setReportTime(Timestamp.newBuilder().setSeconds(at.getEpochSecond()).setNanos(at.getNano())).build().toByteArray();
        return ReportPostureRequest.newBuilder().setReport(ByteString.copyFrom(report))
                .setSignature(ByteString.copyFrom(sign(key, report))).build();
    }
}
