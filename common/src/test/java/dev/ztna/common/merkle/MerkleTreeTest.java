package dev.ztna.common.merkle;

import dev.ztna.common.testing.Rfc9162Verifier;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MerkleTreeTest {

    static List<byte[]> entries(int n) {
        List<byte[]> list = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            list.add(("event-" + i).getBytes(StandardCharsets.UTF_8));
        }
        return list;
    }

    static MerkleTree tree(List<byte[]> entries) {
        MerkleTree tree = new MerkleTree();
        entries.forEach(e -> tree.appendLeafHash(MerkleTree.leafHash(e)));
        return tree;
    }

    @Test
    void emptyTreeRootIsTheHashOfNothing() {
        assertEquals("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
                HexFormat.of().formatHex(new MerkleTree().root(0)));
    }

    @Test
    void everyPrefixRootMatchesTheDefinition() {
        List<byte[]> entries = entries(70);
        MerkleTree tree = tree(entries);
        for (int n = 0; n <= 70; n++) {
            assertArrayEquals(Rfc9162Verifier.mth(entries.subList(0, n)), tree.root(n), "n=" + n);
        }
    }

    @Test
    void inclusionProofsVerifyIndependentlyAndFailForTheWrongLeafOrRoot() {
        List<byte[]> entries = entries(37);
        MerkleTree tree = tree(entries);
        for (int n = 1; n <= 37; n++) {
            byte[] root = tree.root(n);
            for (int m = 0; m < n; m++) {
                List<byte[]> path = tree.inclusionProof(m, n);
                assertTrue(Rfc9162Verifier.verifyInclusion(m, n, MerkleTree.leafHash(entries.get(m)), path, root),
                        "m=" + m + " n=" + n);
                byte[] otherLeaf = MerkleTree.leafHash(entries.get((m + 1) % 37));
                assertFalse(Rfc9162Verifier.verifyInclusion(m, n, otherLeaf, path, root));
                if (n > 1) {
                    assertFalse(Rfc9162Verifier.verifyInclusion(m, n, MerkleTree.leafHash(entries.get(m)), path,
                            tree.root(n - 1)));
                }
            }
        }
    }

    @Test
    void consistencyProofsVerifyIndependentlyAndFailForAForkedTree() {
        List<byte[]> entries = entries(41);
        MerkleTree tree = tree(entries);
        List<byte[]> forkedEntries = new ArrayList<>(entries);
        forkedEntries.set(3, "rewritten history".getBytes(StandardCharsets.UTF_8));
        MerkleTree forked = tree(forkedEntries);
        for (int second = 1; second <= 41; second++) {
            for (int first = 1; first <= second; first++) {
                List<byte[]> proof = tree.consistencyProof(first, second);
                assertTrue(Rfc9162Verifier.verifyConsistency(first, second, tree.root(first), tree.root(second), proof),
                        first + "->" + second);
                if (first > 3 && first < second) {
                    // an old head of the honest tree cannot be extended to the forked tree's head
                    assertFalse(Rfc9162Verifier.verifyConsistency(first, second, tree.root(first), forked.root(second),
                            forked.consistencyProof(first, second)));
                }
            }
        }
    }

    @Test
    void outOfRangeRequestsAreRefused() {
        MerkleTree tree = tree(entries(5));
        assertThrows(IllegalArgumentException.class, () -> tree.root(6));
        assertThrows(IllegalArgumentException.class, () -> tree.inclusionProof(5, 5));
        assertThrows(IllegalArgumentException.class, () -> tree.inclusionProof(-1, 5));
        assertThrows(IllegalArgumentException.class, () -> tree.consistencyProof(0, 5));
        assertThrows(IllegalArgumentException.class, () -> tree.consistencyProof(4, 6));
    }
}
