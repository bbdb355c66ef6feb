package dev.ztna.identity;

import dev.ztna.proto.identity.v1.AuthServiceGrpc;

/** Password + code login for tests in other packages. */
public final class AuthFlowTestAccess {

    private AuthFlowTestAccess() {
    }

    public static String login(AuthServiceGrpc.AuthServiceBlockingStub auth, String user, String password, String code) {
        return auth.verifyMfa(AuthFlowTest.mfa(auth.login(AuthFlowTest.login(user, password)).getChallengeId(), code))
                .getAccessToken();
    }
}
