package dev.ztna.common.crypto;

import org.apache.commons.codec.binary.Base32;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.OptionalLong;

/** RFC 6238 TOTP (plain Java: also used by the dev stack and the e2e suite to play the authenticator app): HMAC-SHA1, 6 digits, 30 s steps, a window of one step either side. */
public final class Totp {

    public static final int DIGITS = 6;
    public static final long STEP_SECONDS = 30;
    private static final int WINDOW = 1;

    private Totp() {
    }

    public static String newSecret() {
        byte[] seed = new byte[20];
        new SecureRandom().nextBytes(seed);
        return new Base32().encodeToString(seed).replace("=", "");
    }

    /** The code for a given time (used by the dev stack and tests to play the authenticator app). */
    public static String code(String base32Secret, Instant at) {
        return format(hotp(decode(base32Secret), at.getEpochSecond() / STEP_SECONDS));
    }

    /**
     * The time step the code matches, if any, within the window and strictly after {@code lastUsedStep}
     * (a code is accepted once). Every candidate is compared in constant time.
     */
    public static OptionalLong match(String base32Secret, String code, Instant now, long lastUsedStep) {
        byte[] key = decode(base32Secret);
        long current = now.getEpochSecond() / STEP_SECONDS;
        long matched = -1;
        for (long step = current - WINDOW; step <= current + WINDOW; step++) {
            boolean equal = MessageDigest.isEqual(format(hotp(key, step)).getBytes(), code.getBytes());
            if (equal && step > lastUsedStep && matched < 0) {
                matched = step;
            }
        }
        return matched < 0 ? OptionalLong.empty() : OptionalLong.of(matched);
    }

    public static String uri(String issuer, String account, String base32Secret) {
        String label = encode(issuer) + ":" + encode(account);
        return "otpauth://totp/" + label + "?secret=" + base32Secret + "&issuer=" + encode(issuer)
                + "&algorithm=SHA1&digits=" + DIGITS + "&period=" + STEP_SECONDS;
    }

    private static String encode(String s) {
        return java.net.URLEncoder.encode(s, java.nio.charset.StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static byte[] decode(String base32Secret) {
        return new Base32().decode(base32Secret.toUpperCase());
    }

    private static int hotp(byte[] key, long counter) {
        try {
            Mac mac = Mac.getInstance("HmacSHA1");
            mac.init(new SecretKeySpec(key, "HmacSHA1"));
            byte[] h = mac.doFinal(ByteBuffer.allocate(8).putLong(counter).array());
            int offset = h[h.length - 1] & 0x0f;
            int binary = ((h[offset] & 0x7f) << 24) | ((h[offset + 1] & 0xff) << 16)
                    | ((h[offset + 2] & 0xff) << 8) | (h[offset + 3] & 0xff);
            return binary % 1_000_000;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA1 unavailable", e);
        }
    }

    private static String format(int value) {
        return String.format("%06d", value);
    }
}
