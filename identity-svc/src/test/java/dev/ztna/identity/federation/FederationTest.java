package dev.ztna.identity.federation;

import dev.ztna.common.crypto.Totp;
import dev.ztna.common.testing.EmbeddedPostgresResource;
import dev.ztna.common.testing.GrpcTestChannels;
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

import java.io.IOException;
import java.net.URI;
import java.net.URL;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

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
class FederationTest {

    static final String FED_ALICE_TOTP = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";
    static final String FED_BOB_TOTP = "MZXW6YTBOI2TMZLFMZXW6YTBOI2TMZLF";
    private static final Pattern FORM_ACTION = Pattern.compile("<form[^>]*action=\"([^\"]+)\"");

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

        new UpstreamBrowser().approveDevice(start.getVerificationUriComplete(), "fed-alice", "upstream-alice-pass");

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
        new UpstreamBrowser().approveDevice(start.getVerificationUriComplete(), "fed-stranger", "upstream-stranger-pass");
        StatusRuntimeException refused = assertThrows(StatusRuntimeException.class, () -> auth.pollFederatedLogin(
                PollFederatedLoginRequest.newBuilder().setLoginId(start.getLoginId()).build()));
        assertEquals(Status.Code.PERMISSION_DENIED, refused.getStatus().getCode());
        assertEquals("NO_LOCAL_ACCOUNT", GrpcTestChannels.reason(refused));
    }

    @Test
    void browserCodeFlowWithPkceThenLocalTotpSetsAnHttpOnlyCookie() throws Exception {
        UpstreamBrowser browser = new UpstreamBrowser();
        HttpResponse<String> toIdp = browser.get(url + "sso/login");
        assertEquals(302, toIdp.statusCode());
        String authorize = toIdp.headers().firstValue("Location").orElseThrow();
        assertTrue(authorize.startsWith(KeycloakResource.issuer + "/protocol/openid-connect/auth"), authorize);
        assertTrue(authorize.contains("code_challenge=") && authorize.contains("code_challenge_method=S256"),
                "PKCE: " + authorize);

        HttpResponse<String> loginPage = browser.follow(browser.get(authorize));
        HttpResponse<String> mfaPage = browser.follow(browser.post(formAction(loginPage.body()),
                Map.of("username", "fed-bob", "password", "upstream-bob-pass")));
        assertEquals(200, mfaPage.statusCode(), mfaPage.body());
        String challenge = hidden(mfaPage.body(), "challenge_id");
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
                .setVerificationKeyResolver(new JsonWebKeySet(jwks).getJsonWebKeys().isEmpty() ? null
                        : new JwksVerificationKeyResolver(new JsonWebKeySet(jwks).getJsonWebKeys()))
                .build().processToClaims(token);
    }

    private static String formAction(String html) {
        Matcher m = FORM_ACTION.matcher(html);
        assertTrue(m.find(), "no form in " + html);
        return m.group(1).replace("&amp;", "&");
    }

    private static String hidden(String html, String name) {
        Matcher m = Pattern.compile("name=\"" + name + "\" value=\"([^\"]+)\"").matcher(html);
        assertTrue(m.find(), "no " + name + " in " + html);
        return m.group(1);
    }

    /**
     * A browser without JavaScript: cookies, redirects followed one at a time, forms posted. Its own cookie jar, as
     * browsers treat http://localhost as a secure context (Keycloak marks its cookies Secure; java.net's jar would
     * drop them over plain HTTP).
     */
    static final class UpstreamBrowser {
        private final Map<String, String> cookies = new LinkedHashMap<>();
        private final HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
        private URI last = URI.create("http://localhost/");

        HttpResponse<String> get(String target) throws IOException, InterruptedException {
            last = last.resolve(target);
            return remember(http.send(withCookies(HttpRequest.newBuilder(last)).GET().build(),
                    HttpResponse.BodyHandlers.ofString()));
        }

        HttpResponse<String> post(String target, Map<String, String> form) throws IOException, InterruptedException {
            last = last.resolve(target);
            String body = form.entrySet().stream().map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "="
                    + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8)).collect(Collectors.joining("&"));
            return remember(http.send(withCookies(HttpRequest.newBuilder(last))
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString()));
        }

        private HttpRequest.Builder withCookies(HttpRequest.Builder request) {
            if (!cookies.isEmpty()) {
                request.header("Cookie", cookies.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
                        .collect(Collectors.joining("; ")));
            }
            return request;
        }

        private HttpResponse<String> remember(HttpResponse<String> response) {
            for (String header : response.headers().allValues("Set-Cookie")) {
                String pair = header.split(";", 2)[0];
                int eq = pair.indexOf('=');
                String name = pair.substring(0, eq).trim();
                String value = pair.substring(eq + 1).trim();
                String lower = header.toLowerCase();
                if (value.isEmpty() || lower.contains("max-age=0") || lower.contains("expires=thu, 01 jan 1970")) {
                    cookies.remove(name);
                } else {
                    cookies.put(name, value);
                }
            }
            return response;
        }

        HttpResponse<String> follow(HttpResponse<String> response) throws IOException, InterruptedException {
            for (int hops = 0; hops < 10 && response.statusCode() / 100 == 3; hops++) {
                response = get(response.headers().firstValue("Location").orElseThrow());
            }
            return response;
        }

        boolean hasCookie(String name) {
            return cookies.containsKey(name);
        }

        /** Logs in at the IdP's device page and grants the device (Keycloak always asks for consent here). */
        void approveDevice(String verificationUri, String username, String password) throws Exception {
            HttpResponse<String> loginPage = follow(get(verificationUri));
            HttpResponse<String> consent = follow(post(formAction(loginPage.body()),
                    Map.of("username", username, "password", password)));
            Map<String, String> form = new LinkedHashMap<>();
            form.put("code", hidden(consent.body(), "code"));
            form.put("accept", "Yes");
            HttpResponse<String> granted = follow(post(formAction(consent.body()), form));
            assertTrue(granted.body().contains("Device Login Successful"), granted.body());
        }
    }
}
