package dev.ztna.common.merkle;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.security.Signature;

/**
 * What a signed tree head signs (Ed25519): "ztna-audit-tree-head-v1\n" || tree_size (8 bytes, big endian)
 * || issue time in epoch milliseconds (8 bytes, big endian) || root hash (32 bytes). Shared by audit-svc (signing)
 * and the offline verifier.
 */
public final class TreeHeads {

    private static final byte[] CONTEXT = "ztna-audit-tree-head-v1\n".getBytes(StandardCharsets.US_ASCII);

    private TreeHeads() {
    }

    public static byte[] signedBytes(long treeSize, long issuedAtMillis, byte[] root) {
        return ByteBuffer.allocate(CONTEXT.length + 16 + root.length).put(CONTEXT).putLong(treeSize)
                .putLong(issuedAtMillis).put(root).array();
    }

    public static boolean verify(PublicKey key, long treeSize, long issuedAtMillis, byte[] root, byte[] sig) {
        try {
            Signature signature = Signature.getInstance("Ed25519");
            signature.initVerify(key);
            signature.update(signedBytes(treeSize, issuedAtMillis, root));
            return signature.verify(sig);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }
}
