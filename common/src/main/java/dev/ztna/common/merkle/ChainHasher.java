package dev.ztna.common.merkle;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/** The audit log's hash chain (audit-svc and the offline verifier): entry_hash = SHA-256(prev_hash || seq (8 bytes, big endian) || payload); the first prev_hash is 32 zero bytes. */
public final class ChainHasher {

    public static final byte[] GENESIS = new byte[32];

    private ChainHasher() {
    }

    public static byte[] link(byte[] prevHash, long seq, byte[] payload) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(prevHash);
            sha.update(ByteBuffer.allocate(8).putLong(seq).array());
            sha.update(payload);
            return sha.digest();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
