package dev.ztna.audit.service;

import dev.ztna.audit.domain.AuditEntry;
import dev.ztna.audit.domain.TreeHead;
import dev.ztna.audit.repository.AuditEntryRepository;
import dev.ztna.audit.repository.TreeHeadRepository;
import dev.ztna.common.merkle.ChainHasher;
import dev.ztna.common.merkle.MerkleTree;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * The Merkle tree over the log, kept in memory and caught up from the database before each use (so several
 * instances, or a restart, always see every committed entry), and the signed tree heads.
 */
@ApplicationScoped
public class AuditTree {

    private static final Logger LOG = Logger.getLogger(AuditTree.class);
    static final int CATCH_UP_PAGE = 10_000;

    private final AuditEntryRepository entries;
    private final TreeHeadRepository heads;
    private final TreeHeadSigner signer;
    private final MerkleTree tree = new MerkleTree();

    public record Inclusion(long leafIndex, long treeSize, byte[] leafHash, List<byte[]> path, byte[] payload) {
    }

    /** Where a range of the log starts: the previous entry's chain hash and the Merkle frontier before it. */
    public record Start(long seq, byte[] prevHash, List<byte[]> frontier) {
    }

    /** Asked for something the log cannot prove (unknown event, a size beyond the log, ...). */
    public static final class ProofUnavailable extends RuntimeException {
        public ProofUnavailable(String message) {
            super(message, null, false, false);
        }
    }

    public AuditTree(AuditEntryRepository entries, TreeHeadRepository heads, TreeHeadSigner signer) {
        this.entries = entries;
        this.heads = heads;
        this.signer = signer;
    }

    public Optional<TreeHead> latestHead() {
        return QuarkusTransaction.requiringNew().call(heads::latest);
    }

    /** Signs a head over every entry committed so far, unless the latest head already covers them. */
    public synchronized TreeHead signHead() {
        catchUp();
        Optional<TreeHead> latest = latestHead();
        if (latest.isPresent() && latest.get().treeSize == tree.size()) {
            return latest.get();
        }
        return sign(tree.size());
    }

    private TreeHead sign(long size) {
        TreeHead head = new TreeHead();
        head.treeSize = size;
        head.rootHash = tree.root(size);
        head.issuedAt = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        head.keyId = signer.keyId();
        head.signature = signer.sign(head.treeSize, head.issuedAt, head.rootHash);
        QuarkusTransaction.requiringNew().run(() -> heads.persist(head));
        return head;
    }

    /**
     * A signed head of exactly {@code size} entries: the stored one, or a new one (a head states the root of the
     * first {@code size} entries at its issue time, which holds for any size up to the log's).
     */
    public synchronized TreeHead headAt(long size) {
        catchUp();
        if (size < 1 || size > tree.size()) {
            throw new ProofUnavailable("no tree of " + size + " entries (the log has " + tree.size() + ")");
        }
        TreeHead stored = QuarkusTransaction.requiringNew().call(() -> heads.findById(size));
        return stored != null ? stored : sign(size);
    }

    /** The state of the log just before entry {@code seq}. */
    public synchronized Start startOf(long seq) {
        catchUp();
        if (seq < 1 || seq - 1 > tree.size()) {
            throw new ProofUnavailable("no entry " + seq);
        }
        byte[] prev = seq == 1 ? ChainHasher.GENESIS : QuarkusTransaction.requiringNew()
                .call(() -> entries.findById(seq - 1).entryHash);
        return new Start(seq, prev, tree.frontier(seq - 1));
    }

    @Scheduled(every = "${ztna.audit.tree-head-interval:10s}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void scheduledHead() {
        try {
            signHead();
        } catch (RuntimeException e) {
            LOG.warnf("could not publish a tree head: %s", e.getMessage());
        }
    }

    public synchronized Inclusion proveInclusion(UUID eventId, long treeSize) {
        catchUp();
        AuditEntry entry = QuarkusTransaction.requiringNew().call(() -> entries.find("eventId", eventId).firstResult());
        if (entry == null) {
            throw new ProofUnavailable("no such event");
        }
        if (entry.payload == null) {
            throw new ProofUnavailable("event " + eventId + " (entry " + entry.seq + ") is archived: verify it with"
                    + " its segment file (GET /api/v1/archive/segments)");
        }
        long size = treeSize > 0 ? treeSize : latestHead().map(h -> h.treeSize).orElse(tree.size());
        long index = entry.seq - 1;
        if (size > tree.size()) {
            throw new ProofUnavailable("tree_size " + size + " is larger than the log (" + tree.size() + ")");
        }
        if (index >= size) {
            throw new ProofUnavailable("the event is not in a tree of " + size + " entries (its index is " + index + ")");
        }
        return new Inclusion(index, size, MerkleTree.leafHash(entry.payload), tree.inclusionProof(index, size), entry.payload);
    }

    public synchronized List<byte[]> proveConsistency(long first, long second) {
        catchUp();
        if (first < 1 || second < first || second > tree.size()) {
            throw new ProofUnavailable("need 1 <= first_tree_size <= second_tree_size <= " + tree.size());
        }
        return tree.consistencyProof(first, second);
    }

    private void catchUp() {
        while (true) {
            long from = tree.size();
            List<byte[]> hashes = QuarkusTransaction.requiringNew().call(() -> entries.getEntityManager()
                    .createQuery("select e.leafHash from AuditEntry e where e.seq > :from order by e.seq", byte[].class)
                    .setParameter("from", from).setMaxResults(CATCH_UP_PAGE).getResultList());
            hashes.forEach(tree::appendLeafHash);
            if (hashes.size() < CATCH_UP_PAGE) {
                return;
            }
        }
    }
}
