package dev.ztna.identity.service;

import dev.ztna.common.audit.AuditOutbox;
import dev.ztna.identity.config.IdentityConfig;
import dev.ztna.proto.audit.v1.Outcome;
import io.quarkus.hibernate.orm.panache.Panache;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;

/** Ten single-use recovery codes per user (50 bits each), kept only as keyed hashes. */
@ApplicationScoped
public class RecoveryCodes {

    public static final int COUNT = 10;
    public static final Pattern FORMAT = Pattern.compile("[a-z2-7]{5}-[a-z2-7]{5}");
    private static final char[] ALPHABET = "abcdefghijklmnopqrstuvwxyz234567".toCharArray();

    private final SecretKeySpec key;
    private final AuditOutbox audit;
    private final SecureRandom random = new SecureRandom();

    public RecoveryCodes(IdentityConfig config, AuditOutbox audit) {
        this.key = new SecretKeySpec(Base64.getDecoder().decode(config.masterKey().trim()), "HmacSHA256");
        this.audit = audit;
    }

    /** Replaces the user's codes with ten new ones and returns them (the only time they exist in clear). */
    @Transactional
    public List<String> regenerate(UUID userId, String username) {
        Panache.getEntityManager().createNativeQuery("DELETE FROM recovery_code WHERE user_id = :u")
                .setParameter("u", userId).executeUpdate();
        List<String> codes = new ArrayList<>();
        for (int i = 0; i < COUNT; i++) {
            StringBuilder code = new StringBuilder();
            for (int c = 0; c < 10; c++) {
                if (c == 5) {
                    code.append('-');
                }
                code.append(ALPHABET[random.nextInt(ALPHABET.length)]);
            }
            codes.add(code.toString());
            Panache.getEntityManager().createNativeQuery("INSERT INTO recovery_code (user_id, code_hash) VALUES (:u, :h)")
                    .setParameter("u", userId).setParameter("h", hash(userId, code.toString())).executeUpdate();
        }
        audit.record("mfa.recovery_codes.generate", username, Outcome.OUTCOME_SUCCESS, "ten new recovery codes", Map.of());
        return codes;
    }

    /** Marks the code used if it is one of the user's unused codes; joins the caller's transaction. */
    public boolean consume(UUID userId, String code) {
        int updated = Panache.getEntityManager().createNativeQuery(
                        "UPDATE recovery_code SET used_at = :now WHERE user_id = :u AND code_hash = :h AND used_at IS NULL")
                .setParameter("now", OffsetDateTime.now(ZoneOffset.UTC)).setParameter("u", userId)
                .setParameter("h", hash(userId, code)).executeUpdate();
        return updated == 1;
    }

    public long remaining(UUID userId) {
        return ((Number) Panache.getEntityManager().createNativeQuery(
                        "SELECT count(*) FROM recovery_code WHERE user_id = :u AND used_at IS NULL")
                .setParameter("u", userId).getSingleResult()).longValue();
    }

    private byte[] hash(UUID userId, String code) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            mac.update(userId.toString().getBytes(StandardCharsets.US_ASCII));
            return mac.doFinal(code.getBytes(StandardCharsets.US_ASCII));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }
}
