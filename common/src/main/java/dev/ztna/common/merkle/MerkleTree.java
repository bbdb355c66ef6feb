package dev.ztna.common.merkle;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * An append-only RFC 9162 (Certificate Transparency v2) Merkle tree over SHA-256:
 * leaf = H(0x00 || data), node = H(0x01 || left || right), MTH splits at the largest power of two below n.
 * <p>
 * Keeps the hash of every complete (power-of-two, aligned) subtree, level by level — about 2n hashes — so a root,
 * an inclusion proof or a consistency proof for any tree size costs O(log² n) lookups and hashes, never a rescan.
 * Not thread-safe: callers serialize appends against reads. Plain Java: also used by the offline verifier.
 */
public final class MerkleTree {

    public static final int HASH = 32;
    private static final byte[] EMPTY_ROOT = sha256(new byte[0]);

    /** levels.get(k) holds the hashes of the complete subtrees of 2^k leaves, left to right. */
    private final List<HashList> levels = new ArrayList<>();

    public MerkleTree() {
        levels.add(new HashList());
    }

    public long size() {
        return levels.get(0).size();
    }

    public static byte[] leafHash(byte[] data) {
        return hash((byte) 0, data, null);
    }

    public static byte[] nodeHash(byte[] left, byte[] right) {
        return hash((byte) 1, left, right);
    }

    /** Appends a leaf by its leaf hash (see {@link #leafHash}). */
    public void appendLeafHash(byte[] leafHash) {
        byte[] node = leafHash;
        long index = size();
        levels.get(0).add(node);
        int level = 0;
        // every time the new leaf completes a subtree of 2^(level+1) leaves, record that subtree's hash
        while ((index & 1) == 1) {
            byte[] left = levels.get(level).get(levels.get(level).size() - 2);
            node = nodeHash(left, node);
            level++;
            if (levels.size() == level) {
                levels.add(new HashList());
            }
            levels.get(level).add(node);
            index >>= 1;
        }
    }

    /** MTH of the first {@code n} leaves. */
    public byte[] root(long n) {
        check(n <= size(), "tree size " + n + " exceeds " + size());
        return n == 0 ? EMPTY_ROOT.clone() : subtree(0, n);
    }

    /**
     * The hashes of the complete aligned subtrees that together cover the first {@code n} leaves, largest first: one
     * per set bit of n. With these and the leaves after n, a {@link CompactRange} computes any later root, so an
     * archived segment of the log can be verified without the entries before it.
     */
    public List<byte[]> frontier(long n) {
        check(n >= 0 && n <= size(), "tree size " + n + " exceeds " + size());
        List<byte[]> hashes = new ArrayList<>();
        long start = 0;
        for (int bit = 62; bit >= 0; bit--) {
            long width = 1L << bit;
            if ((n & width) != 0) {
                hashes.add(subtree(start, width));
                start += width;
            }
        }
        return hashes;
    }

    /** PATH(m, D[n]) of RFC 9162 §2.1.3.1, leaf index {@code m} (0-based) in the tree of the first {@code n} leaves. */
    public List<byte[]> inclusionProof(long m, long n) {
        check(n <= size() && m >= 0 && m < n, "leaf " + m + " is not in a tree of size " + n);
        List<byte[]> path = new ArrayList<>();
        path(m, 0, n, path);
        return path;
    }

    /** PROOF(m, D[n]) of RFC 9162 §2.1.4.1 between the trees of the first {@code m} and {@code n} leaves. */
    public List<byte[]> consistencyProof(long m, long n) {
        check(n <= size() && m > 0 && m <= n, "no consistency proof from " + m + " to " + n);
        List<byte[]> proof = new ArrayList<>();
        if (m < n) {
            subproof(m, 0, n, true, proof);
        }
        return proof;
    }

    // PATH(m, D[start:start+n])
    private void path(long m, long start, long n, List<byte[]> out) {
        if (n == 1) {
            return;
        }
        long k = largestPowerOfTwoBelow(n);
        if (m < k) {
            path(m, start, k, out);
            out.add(subtree(start + k, n - k));
        } else {
            path(m - k, start + k, n - k, out);
            out.add(subtree(start, k));
        }
    }

    // SUBPROOF(m, D[start:start+n], b)
    private void subproof(long m, long start, long n, boolean b, List<byte[]> out) {
        if (m == n) {
            if (!b) {
                out.add(subtree(start, n));
            }
            return;
        }
        long k = largestPowerOfTwoBelow(n);
        if (m <= k) {
            subproof(m, start, k, b, out);
            out.add(subtree(start + k, n - k));
        } else {
            subproof(m - k, start + k, n - k, false, out);
            out.add(subtree(start, k));
        }
    }

    /** MTH(D[start:start+n]); complete aligned subtrees come straight from the levels. */
    private byte[] subtree(long start, long n) {
        if (Long.bitCount(n) == 1 && start % n == 0) {
            int level = Long.numberOfTrailingZeros(n);
            return levels.get(level).get(start >> level);
        }
        long k = largestPowerOfTwoBelow(n);
        return nodeHash(subtree(start, k), subtree(start + k, n - k));
    }

    /** The largest power of two strictly smaller than n (n ≥ 2). */
    static long largestPowerOfTwoBelow(long n) {
        return Long.highestOneBit(n - 1);
    }

    private static byte[] hash(byte prefix, byte[] a, byte[] b) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(prefix);
            sha.update(a);
            if (b != null) {
                sha.update(b);
            }
            return sha.digest();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] sha256(byte[] data) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(data);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void check(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }

    /** Hashes packed in one growable byte array: 32 bytes each, no per-hash object. */
    private static final class HashList {
        private byte[] data = new byte[HASH * 1024];
        private long count;

        void add(byte[] hash) {
            if ((count + 1) * HASH > data.length) {
                data = Arrays.copyOf(data, Math.toIntExact(Math.min((long) data.length * 2, Integer.MAX_VALUE - 8)));
            }
            System.arraycopy(hash, 0, data, Math.toIntExact(count * HASH), HASH);
            count++;
        }

        byte[] get(long i) {
            int offset = Math.toIntExact(i * HASH);
            return Arrays.copyOfRange(data, offset, offset + HASH);
        }

        long size() {
            return count;
        }
    }
}
