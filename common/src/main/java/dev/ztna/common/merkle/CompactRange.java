package dev.ztna.common.merkle;

import java.util.ArrayList;
import java.util.List;

/**
 * The right edge of an RFC 9162 tree: the complete aligned subtrees covering the leaves appended so far, in O(log n)
 * memory. Seeded with {@link MerkleTree#frontier} of the entries before a segment, it yields the root of every later
 * tree size from the segment's leaves alone. Plain Java: the offline verifier uses it.
 */
public final class CompactRange {

    private final List<byte[]> hashes = new ArrayList<>();
    private final List<Long> widths = new ArrayList<>();
    private long size;

    /** An empty tree. */
    public CompactRange() {
    }

    /** The tree of {@code size} leaves whose frontier is {@code frontier} (largest subtree first). */
    public CompactRange(long size, List<byte[]> frontier) {
        if (size < 0 || Long.bitCount(size) != frontier.size()) {
            throw new IllegalArgumentException("a tree of " + size + " leaves has " + Long.bitCount(Math.max(size, 0))
                    + " frontier hashes, not " + frontier.size());
        }
        long rest = size;
        for (byte[] hash : frontier) {
            if (hash.length != MerkleTree.HASH) {
                throw new IllegalArgumentException("frontier hashes are 32 bytes");
            }
            long width = Long.highestOneBit(rest);
            hashes.add(hash.clone());
            widths.add(width);
            rest -= width;
        }
        this.size = size;
    }

    public long size() {
        return size;
    }

    public void appendLeafHash(byte[] leafHash) {
        byte[] node = leafHash;
        long width = 1;
        // merge with the subtree to the left while both have the same width (they then form an aligned subtree)
        while (!widths.isEmpty() && widths.get(widths.size() - 1) == width) {
            node = MerkleTree.nodeHash(hashes.remove(hashes.size() - 1), node);
            widths.remove(widths.size() - 1);
            width <<= 1;
        }
        hashes.add(node);
        widths.add(width);
        size++;
    }

    /** MTH of all leaves so far: the subtrees folded right to left, as RFC 9162 splits at the largest power of two. */
    public byte[] root() {
        if (size == 0) {
            return new MerkleTree().root(0);
        }
        byte[] root = hashes.get(hashes.size() - 1);
        for (int i = hashes.size() - 2; i >= 0; i--) {
            root = MerkleTree.nodeHash(hashes.get(i), root);
        }
        return root;
    }
}
