package dev.ztna.common.merkle;

import dev.ztna.common.testing.Rfc9162Verifier;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

class CompactRangeTest {

    @Test
    void aFrontierPlusTheLaterLeavesGivesEveryLaterRoot() {
        List<byte[]> entries = MerkleTreeTest.entries(70);
        MerkleTree full = MerkleTreeTest.tree(entries);
        for (int start = 0; start <= 70; start++) {
            CompactRange range = new CompactRange(start, full.frontier(start));
            assertArrayEquals(Rfc9162Verifier.mth(entries.subList(0, start)), range.root(), "root at " + start);
            for (int n = start + 1; n <= 70; n++) {
                range.appendLeafHash(MerkleTree.leafHash(entries.get(n - 1)));
                assertArrayEquals(Rfc9162Verifier.mth(entries.subList(0, n)), range.root(), start + " → " + n);
            }
        }
    }

    @Test
    void aTamperedFrontierGivesAnotherRoot() {
        List<byte[]> entries = MerkleTreeTest.entries(13);
        MerkleTree full = MerkleTreeTest.tree(entries);
        List<byte[]> frontier = new ArrayList<>(full.frontier(11));
        assertEquals(3, frontier.size());
        frontier.set(1, MerkleTree.leafHash("forged".getBytes()));
        CompactRange range = new CompactRange(11, frontier);
        range.appendLeafHash(MerkleTree.leafHash(entries.get(11)));
        range.appendLeafHash(MerkleTree.leafHash(entries.get(12)));
        assertFalse(java.util.Arrays.equals(full.root(13), range.root()));
    }

    @Test
    void aFrontierOfTheWrongLengthIsRefused() {
        MerkleTree full = MerkleTreeTest.tree(MerkleTreeTest.entries(8));
        assertThrows(IllegalArgumentException.class, () -> new CompactRange(7, full.frontier(8)));
        assertThrows(IllegalArgumentException.class, () -> new CompactRange(-1, List.of()));
    }
}
