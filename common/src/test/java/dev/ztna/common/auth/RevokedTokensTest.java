package dev.ztna.common.auth;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RevokedTokensTest {

    static final Instant T = Instant.parse("2026-12-04T10:00:00.400Z");

    static Caller user(String subject, String sid, Instant authTime) {
        return new Caller(subject, subject, Set.of(), Set.of(), sid, false, Set.of("pwd", "otp"), authTime, null);
    }

    @Test
    void aRevokedLoginSessionRefusesItsTokensOnly() {
        RevokedTokens revoked = new RevokedTokens();
        revoked.revokeSession("sid-1", T);
        assertTrue(revoked.isRevoked(user("u1", "sid-1", T.minusSeconds(60))));
        assertFalse(revoked.isRevoked(user("u1", "sid-2", T.minusSeconds(60))), "the user's other login");
    }

    @Test
    void aRevokedUserRefusesTokensAuthenticatedUpToTheRevocationSecond() {
        RevokedTokens revoked = new RevokedTokens();
        revoked.revokeUser("u1", T);
        assertTrue(revoked.isRevoked(user("u1", "a", T.minusSeconds(1))));
        assertTrue(revoked.isRevoked(user("u1", "b", Instant.parse("2026-12-04T10:00:00Z"))), "same second: refused");
        assertTrue(revoked.isRevoked(user("u1", "c", null)), "no auth_time: refused");
        assertFalse(revoked.isRevoked(user("u1", "d", T.plusSeconds(1))), "a login after the revocation");
        assertFalse(revoked.isRevoked(user("u2", "e", T.minusSeconds(1))), "another user");
        assertFalse(revoked.isRevoked(new Caller("u1", "svc", Set.of(), Set.of(), null, true, Set.of(), null, null)),
                "service accounts are not users");
    }

    @Test
    void entriesOlderThanEveryTokenAreDropped() {
        RevokedTokens revoked = new RevokedTokens();
        revoked.revokeSession("old", T);
        revoked.revokeSession("new", T.plus(RevokedTokens.HORIZON));
        revoked.prune(T.plus(RevokedTokens.HORIZON).plusSeconds(1));
        assertFalse(revoked.isRevoked(user("u", "old", T)));
        assertTrue(revoked.isRevoked(user("u", "new", T)));
    }
}
