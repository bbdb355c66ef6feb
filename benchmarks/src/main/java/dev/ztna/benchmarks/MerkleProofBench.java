package dev.ztna.benchmarks;

import dev.ztna.common.merkle.MerkleTree;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * Proof generation on the audit log's Merkle tree (audit-svc serves these): inclusion and consistency at 1M entries,
 * and, as the peer in the same run, recomputing the root from all leaf hashes (what a tree without the
 * complete-subtree cache would do per proof).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgs = {"-Xmx1g"})
public class MerkleProofBench {

    @Param({"1000000"})
    int entries;

    MerkleTree tree;
    List<byte[]> leaves;
    final SplittableRandom random = new SplittableRandom(42);

    @Setup
    public void build() {
        tree = new MerkleTree();
        leaves = new java.util.ArrayList<>(entries);
        for (int i = 0; i < entries; i++) {
            byte[] leaf = MerkleTree.leafHash(ByteBuffer.allocate(8).putLong(i).array());
            tree.appendLeafHash(leaf);
            leaves.add(leaf);
        }
    }

    @Benchmark
    public List<byte[]> inclusionProof() {
        return tree.inclusionProof(random.nextInt(entries), entries);
    }

    @Benchmark
    public List<byte[]> consistencyProof() {
        return tree.consistencyProof(1 + random.nextInt(entries - 1), entries);
    }

    @Benchmark
    @Measurement(iterations = 3, time = 5)
    public byte[] peerRootFromAllLeaves() {
        MerkleTree scratch = new MerkleTree();
        leaves.forEach(scratch::appendLeafHash);
        return scratch.root(entries);
    }
}
