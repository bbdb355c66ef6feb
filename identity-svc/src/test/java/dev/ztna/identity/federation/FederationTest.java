package dev.ztna.identity.federation;

import dev.ztna.common.crypto.Totp;
import dev.ztna.common.testing.EmbeddedPostgresResource;
import dev.ztna.common.testing.GrpcTestChannels;
import dev.ztna.common.testing.ScriptedBrowser;
import dev.ztna.proto.identity.v1.AuthServiceGrpc;
import dev.ztna.proto.identity.v1.MfaMethod;
import dev.ztna.proto.identity.v1.PollFederatedLoginRequest;
import dev.ztna.proto.identity.v1.PollFederatedLoginResponse;
import dev.ztna.proto.identity.v1.StartFederatedLoginRequest;
import dev.ztna.proto.identity.v1.StartFederatedLoginResponse;
import dev.ztna.proto.identity.v1.VerifyMfaRequest;
import dev.ztna.proto.identity.v1.VerifyMfaResponse;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.smallrye.jwt.auth.principal.DefaultJWTCallerPrincipal;
import jakarta.inject.Inject;
import org.jose4j.jwk.JsonWebKeySet;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.consumer.JwtConsumerBuilder;
import org.jose4j.keys.resolvers.JwksVerificationKeyResolver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.URL;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * SSO against a real Keycloak (keycloak-quarkus-dist, realm src/test/resources/keycloak/ztna-realm.json): the CLI's
 * device authorization grant and the browser's authorization code flow with PKCE, each followed by the suite's own
 * TOTP; upstream groups mapped to local ones (unmapped ones dropped); account linking that cannot be taken over.
 */
@QuarkusTest
@QuarkusTestResource(value = EmbeddedPostgresResource.class, restrictToAnnotatedClass = true)
@QuarkusTestResource(value = KeycloakResource.class, restrictToAnnotatedClass = true)
@org.junit.jupiter.api.TestMethodOrder(org.junit.jupiter.api.MethodOrderer.OrderAnnotation.class)
class FederationTest {

    static final String FED_ALICE_TOTP = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";
    static final String FED_BOB_TOTP = "MZXW6YTBOI2TMZLFMZXW6YTBOI2TMZLF";

    @TestHTTPResource
    URL url;
    @Inject
    FederatedLogins federatedLogins;
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
    void cliDeviceGrantThenLocalTotpGivesATokenWithMappedGroups() throws Exception {
        StartFederatedLoginResponse start = auth.startFederatedLogin(StartFederatedLoginRequest.getDefaultInstance());
        assertTrue(start.getVerificationUriComplete().startsWith(KeycloakResource.issuer + "/device"),
                start.getVerificationUriComplete());
        assertFalse(start.getUserCode().isEmpty());
        PollFederatedLoginRequest poll = PollFederatedLoginRequest.newBuilder().setLoginId(start.getLoginId()).build();
        PollFederatedLoginResponse waiting = auth.pollFederatedLogin(poll);
        assertTrue(waiting.getPending(), "the user has not logged in at the IdP yet");

        new ScriptedBrowser().approveDevice(start.getVerificationUriComplete(), "fed-alice", "upstream-alice-pass");

        PollFederatedLoginResponse done = pollUntilDone(poll, start.getIntervalSeconds());
        assertEquals("fed-alice", done.getUsername());
        assertEquals(List.of(MfaMethod.MFA_METHOD_TOTP, MfaMethod.MFA_METHOD_RECOVERY_CODE), done.getMethodsList(),
                "local MFA is still enforced after the upstream login");
        StatusRuntimeException noCode = assertThrows(StatusRuntimeException.class, () -> auth.verifyMfa(
                VerifyMfaRequest.newBuilder().setChallengeId(done.getChallengeId()).build()));
        assertEquals(Status.Code.INVALID_ARGUMENT, noCode.getStatus().getCode());

        VerifyMfaResponse tokens = auth.verifyMfa(VerifyMfaRequest.newBuilder().setChallengeId(done.getChallengeId())
                .setTotpCode(Totp.code(FED_ALICE_TOTP, Instant.now())).build());
        JwtClaims claims = verified(tokens.getAccessToken());
        assertEquals("fed-alice", claims.getStringClaimValue("preferred_username"));
        assertEquals(List.of("fed", "otp"), claims.getStringListClaimValue("amr"));
        assertEquals(List.of("engineering"), claims.getStringListClaimValue("groups"),
                "engineering is mapped; the upstream finance group is not, and grants nothing");

        StatusRuntimeException again = assertThrows(StatusRuntimeException.class, () -> auth.pollFederatedLogin(poll));
        assertEquals(Status.Code.FAILED_PRECONDITION, again.getStatus().getCode(), "a device login completes once");
    }

    @Test
    void upstreamUserWithoutALocalAccountIsRefused() throws Exception {
        StartFederatedLoginResponse start = auth.startFederatedLogin(StartFederatedLoginRequest.getDefaultInstance());
        new ScriptedBrowser().approveDevice(start.getVerificationUriComplete(), "fed-stranger", "upstream-stranger-pass");
        StatusRuntimeException refused = assertThrows(StatusRuntimeException.class, () -> auth.pollFederatedLogin(
                PollFederatedLoginRequest.newBuilder().setLoginId(start.getLoginId()).build()));
        assertEquals(Status.Code.PERMISSION_DENIED, refused.getStatus().getCode());
        assertEquals("NO_LOCAL_ACCOUNT", GrpcTestChannels.reason(refused));
    }

    @Test
    void browserCodeFlowWithPkceThenLocalTotpSetsAnHttpOnlyCookie() throws Exception {
        ScriptedBrowser browser = new ScriptedBrowser();
        HttpResponse<String> toIdp = browser.get(url + "sso/login");
        assertEquals(302, toIdp.statusCode());
        String authorize = toIdp.headers().firstValue("Location").orElseThrow();
        assertTrue(authorize.startsWith(KeycloakResource.issuer + "/protocol/openid-connect/auth"), authorize);
        assertTrue(authorize.contains("code_challenge=") && authorize.contains("code_challenge_method=S256"),
                "PKCE: " + authorize);

        HttpResponse<String> loginPage = browser.follow(browser.get(authorize));
        HttpResponse<String> mfaPage = browser.follow(browser.post(ScriptedBrowser.formAction(loginPage.body()),
                Map.of("username", "fed-bob", "password", "upstream-bob-pass")));
        assertEquals(200, mfaPage.statusCode(), mfaPage.body());
        String challenge = ScriptedBrowser.hidden(mfaPage.body(), "challenge_id");
        assertFalse(browser.hasCookie("q_session"), "the upstream session ends once the local login takes over");

        HttpResponse<String> wrong = browser.post(url + "sso/mfa", Map.of("challenge_id", challenge, "code", "000000"));
        assertEquals(401, wrong.statusCode());
        HttpResponse<String> malformed = browser.post(url + "sso/mfa", Map.of("challenge_id", "x", "code", "123456"));
        assertEquals(400, malformed.statusCode());
        assertFalse(malformed.body().contains("Exception"));

        HttpResponse<String> done = browser.post(url + "sso/mfa",
                Map.of("challenge_id", challenge, "code", Totp.code(FED_BOB_TOTP, Instant.now())));
        assertEquals(200, done.statusCode(), done.body());
        String setCookie = done.headers().allValues("Set-Cookie").stream()
                .filter(c -> c.startsWith("ztna_access=")).findFirst().orElseThrow();
        assertTrue(setCookie.contains("HttpOnly"), setCookie);
        assertTrue(setCookie.toLowerCase().contains("samesite=strict"), setCookie);
        JwtClaims claims = verified(setCookie.substring("ztna_access=".length(), setCookie.indexOf(';')));
        assertEquals("fed-bob", claims.getStringClaimValue("preferred_username"));
        assertEquals(List.of("fed", "otp"), claims.getStringListClaimValue("amr"));
        assertEquals(List.of("contractors"), claims.getStringListClaimValue("groups"));
    }

    @Test
    void aLinkedAccountFollowsOnlyItsUpstreamIdentity() throws Exception {
        federatedLogins.begin(idToken("subject-carol", "fed-carol"), "127.0.0.1");
        FederationRefused otherSubject = assertThrows(FederationRefused.class,
                () -> federatedLogins.begin(idToken("subject-mallory", "fed-carol"), "127.0.0.1"));
        assertEquals("FEDERATED_IDENTITY_MISMATCH", otherSubject.reason());
        FederationRefused otherAccount = assertThrows(FederationRefused.class,
                () -> federatedLogins.begin(idToken("subject-carol", "fed-dan"), "127.0.0.1"));
        assertEquals("FEDERATED_IDENTITY_MISMATCH", otherAccount.reason(),
                "an upstream identity renamed to another local username does not get that account");
        FederationRefused badName = assertThrows(FederationRefused.class,
                () -> federatedLogins.begin(idToken("subject-x", "no spaces allowed"), "127.0.0.1"));
        assertEquals("UPSTREAM_CLAIMS_UNUSABLE", badName.reason());
    }

    @Test
    void badLoginIdsAreRefusedClearly() {
        for (String bad : List.of("", "not/base64!", "x".repeat(5000))) {
            StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> auth.pollFederatedLogin(
                    PollFederatedLoginRequest.newBuilder().setLoginId(bad).build()));
            assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode(), bad);
        }
        StatusRuntimeException forged = assertThrows(StatusRuntimeException.class, () -> auth.pollFederatedLogin(
                PollFederatedLoginRequest.newBuilder().setLoginId("A".repeat(120)).build()));
        assertEquals(Status.Code.FAILED_PRECONDITION, forged.getStatus().getCode());
        assertEquals("LOGIN_UNKNOWN", GrpcTestChannels.reason(forged));
    }

    @Test
    @org.junit.jupiter.api.Order(Integer.MAX_VALUE) // last (unordered tests sort before it): it uses up the starts
    void startingSsoLoginsIsRateLimitedPerAddress() {
        StatusRuntimeException limited = null;
        for (int i = 0; i < 11 && limited == null; i++) {
            try {
                auth.startFederatedLogin(StartFederatedLoginRequest.getDefaultInstance());
            } catch (StatusRuntimeException e) {
                limited = e;
            }
        }
        assertTrue(limited != null, "more than ten starts a minute from one address are refused");
        assertEquals(Status.Code.RESOURCE_EXHAUSTED, limited.getStatus().getCode());
        assertEquals("TOO_MANY_ATTEMPTS", GrpcTestChannels.reason(limited));
    }

    /** As the CLI does: at the pace the IdP asked for (polling faster earns slow_down, answered as pending). */
    private PollFederatedLoginResponse pollUntilDone(PollFederatedLoginRequest poll, int intervalSeconds)
            throws InterruptedException {
        for (int i = 0; i < 20; i++) {
            Thread.sleep(intervalSeconds * 1000L + 100);
            PollFederatedLoginResponse answer = auth.pollFederatedLogin(poll);
            if (!answer.getPending()) {
                return answer;
            }
            intervalSeconds = Math.max(intervalSeconds, answer.getIntervalSeconds());
        }
        throw new AssertionError("still pending after the user approved the device");
    }

    private static DefaultJWTCallerPrincipal idToken(String subject, String username) {
        JwtClaims claims = new JwtClaims();
        claims.setIssuer(KeycloakResource.issuer);
        claims.setSubject(subject);
        claims.setAudience("ztna-identity");
        claims.setClaim("preferred_username", username);
        return new DefaultJWTCallerPrincipal(claims);
    }

    private static JwtClaims verified(String token) throws Exception {
        String jwks = RestAssured.get("/.well-known/jwks.json").then().statusCode(200).extract().asString();
        return new JwtConsumerBuilder().setExpectedIssuer("http://localhost:8081").setExpectedAudience("ztna")
                .setVerificationKeyResolver(new JwksVerificationKeyResolver(new JsonWebKeySet(jwks).getJsonWebKeys()))
                .build().processToClaims(token);
    }
}
