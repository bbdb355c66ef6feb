package dev.ztna.identity;

import dev.ztna.common.testing.EmbeddedPostgresResource;
import dev.ztna.common.testing.GrpcTestChannels;
import dev.ztna.common.crypto.Totp;
import dev.ztna.proto.identity.v1.AuthServiceGrpc;
import dev.ztna.proto.identity.v1.CreateUserRequest;
import dev.ztna.proto.identity.v1.DirectoryServiceGrpc;
import dev.ztna.proto.identity.v1.LoginRequest;
import dev.ztna.proto.identity.v1.LoginResponse;
import dev.ztna.proto.identity.v1.VerifyMfaRequest;
import dev.ztna.proto.identity.v1.VerifyMfaResponse;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import org.jose4j.jwk.JsonWebKeySet;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.consumer.JwtConsumerBuilder;
import org.jose4j.keys.resolvers.JwksVerificationKeyResolver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.URL;
import java.time.Instant;
import java.util.List;

import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@QuarkusTest
@QuarkusTestResource(value = EmbeddedPostgresResource.class, restrictToAnnotatedClass = true)
class AuthFlowTest {

    static final String ALICE_TOTP = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP";
    static final String ROOT_TOTP = "KRSXG5CTMVRXEZLUKRSXG5CTMVRXEZLU";

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
    void passwordThenTotpYieldsTokenVerifiableByJwksAndTheCodeWorksOnce() throws Exception {
        LoginResponse challenge = auth.login(login("alice", "TEST-ONLY-alice-password"));
        String code = Totp.code(ALICE_TOTP, Instant.now());
        VerifyMfaResponse tokens = auth.verifyMfa(mfa(challenge.getChallengeId(), code));

        String jwks = RestAssured.get("/.well-known/jwks.json").then().statusCode(200).extract().asString();
        JwtClaims claims = new JwtConsumerBuilder()
                .setExpectedIssuer("http://localhost:8081").setExpectedAudience("ztna")
                .setVerificationKeyResolver(new JwksVerificationKeyResolver(new JsonWebKeySet(jwks).getJsonWebKeys()))
                .build().processToClaims(tokens.getAccessToken());
        assertEquals("alice", claims.getStringClaimValue("preferred_username"));
        assertEquals(List.of("engineering"), claims.getStringListClaimValue("groups"));
        assertEquals(List.of("pwd", "otp"), claims.getStringListClaimValue("amr"));
        assertTrue(claims.getExpirationTime().getValue() - claims.getIssuedAt().getValue() <= 15 * 60);

        LoginResponse second = auth.login(login("alice", "TEST-ONLY-alice-password"));
        StatusRuntimeException replay = assertThrows(StatusRuntimeException.class,
                () -> auth.verifyMfa(mfa(second.getChallengeId(), code)));
        assertEquals(Status.Code.UNAUTHENTICATED, replay.getStatus().getCode());
        assertEquals("MFA_CODE_INVALID", GrpcTestChannels.reason(replay));

        StatusRuntimeException reusedChallenge = assertThrows(StatusRuntimeException.class,
                () -> auth.verifyMfa(mfa(challenge.getChallengeId(), Totp.code(ALICE_TOTP, Instant.now()))));
        assertEquals("MFA_CHALLENGE_INVALID", GrpcTestChannels.reason(reusedChallenge));
    }

    @Test
    void wrongPasswordAndUnknownUserGetTheSameAnswer() {
        StatusRuntimeException wrong = assertThrows(StatusRuntimeException.class,
                () -> auth.login(login("alice", "not-the-password")));
        StatusRuntimeException unknown = assertThrows(StatusRuntimeException.class,
                () -> auth.login(login("mallory", "not-the-password")));
        assertEquals(Status.Code.UNAUTHENTICATED, wrong.getStatus().getCode());
        assertEquals(wrong.getStatus().getDescription(), unknown.getStatus().getDescription());
        assertEquals(GrpcTestChannels.reason(wrong), GrpcTestChannels.reason(unknown));
    }

    @Test
    void wrongTotpCodeIsRefused() {
        LoginResponse challenge = auth.login(login("alice", "TEST-ONLY-alice-password"));
        String wrong = Totp.code(ALICE_TOTP, Instant.now().plusSeconds(3600));
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class,
                () -> auth.verifyMfa(mfa(challenge.getChallengeId(), wrong)));
        assertEquals(Status.Code.UNAUTHENTICATED, e.getStatus().getCode());
    }

    @Test
    void badInputsNameTheField() {
        assertInvalid("username", () -> auth.login(login("", "x")));
        assertInvalid("username", () -> auth.login(login("a".repeat(129), "x")));
        assertInvalid("username", () -> auth.login(login("alice\u0000", "x")));
        assertInvalid("password", () -> auth.login(login("alice", "")));
        assertInvalid("password", () -> auth.login(login("alice", "p".repeat(1025))));
        assertInvalid("totp_code", () -> auth.verifyMfa(mfa("abc", "12345")));
        assertInvalid("totp_code", () -> auth.verifyMfa(mfa("abc", "12345a")));
        assertInvalid("challenge_id", () -> auth.verifyMfa(mfa("", "123456")));
    }

    @Test
    void clientCredentialsGrant() {
        RestAssured.given().formParam("grant_type", "client_credentials").formParam("client_id", "broker-svc")
                .formParam("client_secret", "TEST-ONLY-broker-secret-0123456789abcdef")
                .post("/oauth2/token").then().statusCode(200).body("token_type", equalTo("Bearer"));
        RestAssured.given().formParam("grant_type", "client_credentials").formParam("client_id", "broker-svc")
                .formParam("client_secret", "wrong")
                .post("/oauth2/token").then().statusCode(401).body("error", equalTo("invalid_client"));
        RestAssured.given().formParam("grant_type", "password")
                .post("/oauth2/token").then().statusCode(400).body("error", equalTo("unsupported_grant_type"));
        RestAssured.given().formParam("grant_type", "client_credentials")
                .post("/oauth2/token").then().statusCode(400).body("error", equalTo("invalid_request"));
    }

    @Test
    void onlyAdminsCreateUsers() {
        DirectoryServiceGrpc.DirectoryServiceBlockingStub directory = DirectoryServiceGrpc.newBlockingStub(channel);
        CreateUserRequest request = CreateUserRequest.newBuilder().setUsername("bob")
                .setPassword("a-long-enough-password").addGroups("sales").build();

        StatusRuntimeException anonymous = assertThrows(StatusRuntimeException.class, () -> directory.createUser(request));
        assertEquals(Status.Code.UNAUTHENTICATED, anonymous.getStatus().getCode());

        StatusRuntimeException garbage = assertThrows(StatusRuntimeException.class,
                () -> directory.withCallCredentials(GrpcTestChannels.bearer("garbage.token.here")).createUser(request));
        assertEquals(Status.Code.UNAUTHENTICATED, garbage.getStatus().getCode());

        String serviceToken = RestAssured.given().formParam("grant_type", "client_credentials")
                .formParam("client_id", "broker-svc").formParam("client_secret", "TEST-ONLY-broker-secret-0123456789abcdef")
                .post("/oauth2/token").then().extract().path("access_token");
        StatusRuntimeException notAdmin = assertThrows(StatusRuntimeException.class,
                () -> directory.withCallCredentials(GrpcTestChannels.bearer(serviceToken)).createUser(request));
        assertEquals(Status.Code.PERMISSION_DENIED, notAdmin.getStatus().getCode());

        LoginResponse challenge = auth.login(login("root", "TEST-ONLY-root-password"));
        String admin = auth.verifyMfa(mfa(challenge.getChallengeId(), Totp.code(ROOT_TOTP, Instant.now()))).getAccessToken();
        var created = directory.withCallCredentials(GrpcTestChannels.bearer(admin)).createUser(request);
        assertTrue(created.getTotpUri().startsWith("otpauth://totp/"));
        StatusRuntimeException again = assertThrows(StatusRuntimeException.class,
                () -> directory.withCallCredentials(GrpcTestChannels.bearer(admin)).createUser(request));
        assertEquals(Status.Code.ALREADY_EXISTS, again.getStatus().getCode());
        assertInvalid("password", () -> directory.withCallCredentials(GrpcTestChannels.bearer(admin))
                .createUser(request.toBuilder().setUsername("carol").setPassword("short").build()));
    }

    @Test
    void repeatedFailuresLockTheAccountWithBackoffAndUnknownNamesLockAlike() throws Exception {
        for (String user : List.of("dave", "ghost-user")) {
            for (int i = 0; i < 5; i++) {
                StatusRuntimeException wrong = assertThrows(StatusRuntimeException.class,
                        () -> auth.login(login(user, "wrong-password")));
                assertEquals(Status.Code.UNAUTHENTICATED, wrong.getStatus().getCode());
            }
            StatusRuntimeException locked = assertThrows(StatusRuntimeException.class,
                    () -> auth.login(login(user, "TEST-ONLY-dave-password")));
            assertEquals(Status.Code.RESOURCE_EXHAUSTED, locked.getStatus().getCode(), user);
            assertEquals("TOO_MANY_ATTEMPTS", GrpcTestChannels.reason(locked));
            assertTrue(locked.getStatus().getDescription().startsWith("too many failed attempts; try again in"));
        }
        Thread.sleep(2500); // the test profile's first lock lasts 2 s
        LoginResponse challenge = auth.login(login("dave", "TEST-ONLY-dave-password"));
        assertTrue(!challenge.getChallengeId().isEmpty());
        // one more failure after the lock expired locks again, for twice as long
        assertThrows(StatusRuntimeException.class, () -> auth.login(login("dave", "wrong-password")));
        StatusRuntimeException again = assertThrows(StatusRuntimeException.class,
                () -> auth.login(login("dave", "TEST-ONLY-dave-password")));
        assertEquals(Status.Code.RESOURCE_EXHAUSTED, again.getStatus().getCode());
    }

    @Test
    void recoveryCodesWorkOnceEach() throws Exception {
        String secret = "ONSWG4TFORZWK3DJNZTXKYLPNZXG64TN";
        String token = auth.verifyMfa(mfa(auth.login(login("erin", "TEST-ONLY-erin-password")).getChallengeId(),
                Totp.code(secret, Instant.now()))).getAccessToken();
        var mfa = dev.ztna.proto.identity.v1.MfaServiceGrpc.newBlockingStub(channel).withCallCredentials(GrpcTestChannels.bearer(token));
        List<String> codes = mfa.generateRecoveryCodes(dev.ztna.proto.identity.v1.GenerateRecoveryCodesRequest.getDefaultInstance())
                .getCodesList();
        assertEquals(10, codes.size());
        assertEquals(10, new java.util.HashSet<>(codes).size());

        VerifyMfaResponse recovered = auth.verifyMfa(recovery(auth.login(login("erin", "TEST-ONLY-erin-password")).getChallengeId(),
                codes.get(0).toUpperCase()));
        String jwks = RestAssured.get("/.well-known/jwks.json").then().extract().asString();
        JwtClaims claims = new JwtConsumerBuilder().setSkipDefaultAudienceValidation()
                .setVerificationKeyResolver(new JwksVerificationKeyResolver(new JsonWebKeySet(jwks).getJsonWebKeys()))
                .build().processToClaims(recovered.getAccessToken());
        assertEquals(List.of("pwd", "recovery"), claims.getStringListClaimValue("amr"));

        StatusRuntimeException reused = assertThrows(StatusRuntimeException.class, () -> auth.verifyMfa(recovery(
                auth.login(login("erin", "TEST-ONLY-erin-password")).getChallengeId(), codes.get(0))));
        assertEquals("MFA_CODE_INVALID", GrpcTestChannels.reason(reused));
        auth.verifyMfa(recovery(auth.login(login("erin", "TEST-ONLY-erin-password")).getChallengeId(), codes.get(1)));

        assertInvalid("recovery_code", () -> auth.verifyMfa(recovery("abc", "not-a-code")));
        assertInvalid("recovery_code", () -> auth.verifyMfa(mfa("abc", "123456").toBuilder().setRecoveryCode(codes.get(2)).build()));
        String passwordChallenge = auth.login(login("erin", "TEST-ONLY-erin-password")).getChallengeId();
        assertInvalid("totp_code", () -> auth.verifyMfa(VerifyMfaRequest.newBuilder().setChallengeId(passwordChallenge)
                .build()));

        StatusRuntimeException noSso = assertThrows(StatusRuntimeException.class, () -> auth.startFederatedLogin(
                dev.ztna.proto.identity.v1.StartFederatedLoginRequest.getDefaultInstance()));
        assertEquals(Status.Code.FAILED_PRECONDITION, noSso.getStatus().getCode());
        assertEquals("FEDERATION_DISABLED", GrpcTestChannels.reason(noSso));
        RestAssured.get("/sso/login").then().statusCode(org.hamcrest.Matchers.anyOf(equalTo(401), equalTo(404)));

        String service = RestAssured.given().formParam("grant_type", "client_credentials").formParam("client_id", "broker-svc")
                .formParam("client_secret", "TEST-ONLY-broker-secret-0123456789abcdef").post("/oauth2/token")
                .then().extract().path("access_token");
        assertEquals(Status.Code.PERMISSION_DENIED, assertThrows(StatusRuntimeException.class,
                () -> dev.ztna.proto.identity.v1.MfaServiceGrpc.newBlockingStub(channel).withCallCredentials(GrpcTestChannels.bearer(service))
                        .generateRecoveryCodes(dev.ztna.proto.identity.v1.GenerateRecoveryCodesRequest.getDefaultInstance()))
                .getStatus().getCode());
    }

    static VerifyMfaRequest recovery(String challengeId, String code) {
        return VerifyMfaRequest.newBuilder().setChallengeId(challengeId).setRecoveryCode(code).build();
    }

    static void assertInvalid(String field, Runnable call) {
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class, call::run);
        assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode(), e.getStatus().toString());
        assertEquals(field, GrpcTestChannels.badField(e));
    }

    static LoginRequest login(String username, String password) {
        return LoginRequest.newBuilder().setUsername(username).setPassword(password).build();
    }

    static VerifyMfaRequest mfa(String challengeId, String code) {
        return VerifyMfaRequest.newBuilder().setChallengeId(challengeId).setTotpCode(code).build();
    }
}
