package dev.ztna.audit.service;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.ztna.audit.domain.AuditEntry;
import dev.ztna.audit.domain.TreeHead;
import dev.ztna.audit.repository.ArchiveSegmentRepository;
import dev.ztna.audit.repository.AuditEntryRepository;
import dev.ztna.audit.repository.TreeHeadRepository;
import dev.ztna.common.merkle.ChainHasher;
import dev.ztna.common.merkle.MerkleTree;
import dev.ztna.proto.audit.v1.AuditEvent;
import dev.ztna.proto.audit.v1.Outcome;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;

/** Appends events to the hash chain (idempotent by event id) and verifies the whole chain. */
@ApplicationScoped
public class AuditLog {

    static final int VERIFY_PAGE = 1000;
    private final AuditEntryRepository repository;
    private final TreeHeadRepository heads;
    private final TreeHeadSigner signer;

    public record AppendResult(int appended, int duplicates) {
    }

    /** {@code firstBadSeq} is 0 when the chain is intact; entries up to {@code archivedUpTo} hold only hashes. */
    public record Verification(boolean valid, long entries, long firstBadSeq, String problem, String headHash,
                               long archivedUpTo) {
    }

    private final ArchiveSegmentRepository segments;

    public AuditLog(AuditEntryRepository repository, TreeHeadRepository heads, TreeHeadSigner signer,
                    ArchiveSegmentRepository segments) {
        this.repository = repository;
        this.heads = heads;
        this.signer = signer;
        this.segments = segments;
    }

    /** Events must already be validated. The whole batch lands or nothing does. */
    @Transactional
    public AppendResult append(List<AuditEvent> events) {
        repository.lockChain();
        Map<UUID, AuditEvent> unique = new LinkedHashMap<>();
        for (AuditEvent event : events) {
            unique.putIfAbsent(UUID.fromString(event.getId()), event);
        }
        Set<UUID> stored = repository.existing(unique.keySet());
        AuditEntryRepository.Tip tip = repository.tip().orElse(null);
        long seq = tip == null ? 0 : tip.seq();
        byte[] prev = tip == null ? ChainHasher.GENESIS : tip.entryHash();
        Instant now = Instant.now();
        List<AuditEntry> fresh = new ArrayList<>();
        for (Map.Entry<UUID, AuditEvent> e : unique.entrySet()) {
            if (stored.contains(e.getKey())) {
                continue;
            }
            AuditEntry entry = columns(e.getValue());
            entry.seq = ++seq;
            entry.eventId = e.getKey();
            entry.receivedAt = now;
            entry.payload = e.getValue().toByteArray();
            entry.prevHash = prev;
            entry.entryHash = ChainHasher.link(prev, entry.seq, entry.payload);
            entry.leafHash = MerkleTree.leafHash(entry.payload);
            fresh.add(entry);
            prev = entry.entryHash;
        }
        repository.insertAll(fresh);
        int appended = fresh.size();
        return new AppendResult(appended, events.size() - appended);
    }

    /**
     * Walks the whole log: sequence, hash chain, each payload against its columns; rebuilds the Merkle tree from the
     * payloads and checks every signed tree head against it (a head also proves how many entries must exist, so
     * entries removed from the end are caught too). Names the first bad entry. An archived entry has no payload
     * any more: its place in the chain and its leaf hash are still checked (the leaf against the signed heads), its
     * content is verified from its segment file.
     */
    public Verification verify() {
        long archived = QuarkusTransaction.requiringNew().call(segments::archivedUpTo);
        long expectedSeq = 1;
        byte[] prev = ChainHasher.GENESIS;
        MerkleTree rebuilt = new MerkleTree();
        long after = 0;
        while (true) {
            long from = after;
            List<AuditEntry> page = QuarkusTransaction.requiringNew().call(() -> repository.page(from, VERIFY_PAGE));
            for (AuditEntry entry : page) {
                String problem = entry.payload == null ? checkArchived(entry, expectedSeq, prev, archived)
                        : check(entry, expectedSeq, prev);
                if (problem != null) {
                    return new Verification(false, expectedSeq - 1, entry.seq, problem, hex(prev), archived);
                }
                rebuilt.appendLeafHash(entry.payload == null ? entry.leafHash : MerkleTree.leafHash(entry.payload));
                prev = entry.entryHash;
                expectedSeq++;
            }
            if (page.size() < VERIFY_PAGE) {
                break;
            }
            after = page.get(page.size() - 1).seq;
        }
        long count = expectedSeq - 1;
        List<TreeHead> signed = QuarkusTransaction.requiringNew().call(() -> heads.list("order by treeSize"));
        for (TreeHead head : signed) {
            if (!signer.verify(head.treeSize, head.issuedAt, head.rootHash, head.signature)) {
                return new Verification(false, count, Math.min(head.treeSize, count) + 1,
                        "tree head of size " + head.treeSize + " has a bad signature", hex(prev), archived);
            }
            if (head.treeSize > count) {
                return new Verification(false, count, count + 1, "entries " + (count + 1) + ".." + head.treeSize
                        + " are missing: a signed tree head covers " + head.treeSize + " entries", hex(prev), archived);
            }
            if (!MessageDigest.isEqual(rebuilt.root(head.treeSize), head.rootHash)) {
                return new Verification(false, count, head.treeSize, "the entries up to " + head.treeSize
                        + " do not match the signed tree head of that size", hex(prev), archived);
            }
        }
        return new Verification(true, count, 0, "", hex(prev), archived);
    }

    static final int EXPORT_PAGE = 1000;

    /**
     * Hands every entry with event time in [from, to) to {@code sink}, in log order, a page per short transaction:
     * memory stays flat however large the log, and no transaction stays open while a slow client reads.
     */
    public void export(Instant from, Instant to, EntrySink sink) throws java.io.IOException {
        long after = 0;
        while (true) {
            long cursor = after;
            List<AuditEntry> page = QuarkusTransaction.requiringNew().call(() -> repository
                    .find("seq > ?1 and payload is not null and eventTime >= ?2 and eventTime < ?3 order by seq",
                            cursor, from, to)
                    .page(0, EXPORT_PAGE).list());
            for (AuditEntry entry : page) {
                sink.accept(entry);
            }
            if (page.size() < EXPORT_PAGE) {
                return;
            }
            after = page.get(page.size() - 1).seq;
        }
    }

    /** Receives exported entries; may fail writing to the client. */
    @FunctionalInterface
    public interface EntrySink {
        void accept(AuditEntry entry) throws java.io.IOException;
    }

    /** A search hit and its place in the log (the cursor for the next page). */
    public record Found(long seq, AuditEvent event) {
    }

    /**
     * Search in log order after {@code afterSeq}: exact type/actor/app/outcome, a time range, and free text
     * ({@code text}, case-insensitive, in type, actor, app, reason and session id).
     */
    public List<Found> search(long afterSeq, int limit, String type, String actor, String app, String outcome,
                              Instant from, Instant to, String text) {
        List<Found> result = new ArrayList<>();
        QuarkusTransaction.requiringNew().run(() -> {
            StringBuilder query = new StringBuilder("seq > :after and payload is not null");
            Map<String, Object> params = new LinkedHashMap<>();
            params.put("after", afterSeq);
            if (type != null) {
                query.append(" and type = :type");
                params.put("type", type);
            }
            if (actor != null) {
                query.append(" and actor = :actor");
                params.put("actor", actor);
            }
            if (app != null) {
                query.append(" and app = :app");
                params.put("app", app);
            }
            if (outcome != null) {
                query.append(" and outcome = :outcome");
                params.put("outcome", outcome);
            }
            if (from != null) {
                query.append(" and eventTime >= :from");
                params.put("from", from);
            }
            if (to != null) {
                query.append(" and eventTime < :to");
                params.put("to", to);
            }
            if (text != null) {
                query.append(" and (lower(type) like :text or lower(actor) like :text or lower(app) like :text"
                        + " or lower(reason) like :text or lower(sessionId) like :text)");
                params.put("text", "%" + text.toLowerCase(java.util.Locale.ROOT)
                        .replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%");
            }
            for (AuditEntry entry : repository.find(query + " order by seq", params).page(0, limit).list()) {
                result.add(new Found(entry.seq, parse(entry.payload)));
            }
        });
        return result;
    }

    private static String checkArchived(AuditEntry entry, long expectedSeq, byte[] prev, long archived) {
        if (entry.seq != expectedSeq) {
            return "entry " + expectedSeq + " is missing (next present is " + entry.seq + ")";
        }
        if (entry.seq > archived) {
            return "the payload was removed, but the entry was never archived";
        }
        if (!MessageDigest.isEqual(entry.prevHash, prev)) {
            return "prev_hash does not match the previous entry (entries removed or reordered)";
        }
        return null;
    }

    private static String check(AuditEntry entry, long expectedSeq, byte[] prev) {
        if (entry.seq != expectedSeq) {
            return "entry " + expectedSeq + " is missing (next present is " + entry.seq + ")";
        }
        if (!MessageDigest.isEqual(entry.prevHash, prev)) {
            return "prev_hash does not match the previous entry (entries removed or reordered)";
        }
        if (!MessageDigest.isEqual(entry.entryHash, ChainHasher.link(prev, entry.seq, entry.payload))) {
            return "entry_hash does not match the payload (payload altered)";
        }
        AuditEntry derived;
        try {
            derived = columns(parse(entry.payload));
        } catch (IllegalStateException e) {
            return "payload is not a valid event";
        }
        if (!Objects.equals(derived.type, entry.type) || !Objects.equals(derived.actor, entry.actor)
                || !Objects.equals(derived.app, entry.app) || !Objects.equals(derived.outcome, entry.outcome)
                || !Objects.equals(derived.reason, entry.reason) || !Objects.equals(derived.service, entry.service)
                || !Objects.equals(derived.sessionId, entry.sessionId) || !derived.eventTime.equals(entry.eventTime)
                || !UUID.fromString(parse(entry.payload).getId()).equals(entry.eventId)) {
            return "a column differs from the signed payload (field altered)";
        }
        return null;
    }

    private static AuditEntry columns(AuditEvent event) {
        AuditEntry entry = new AuditEntry();
        entry.eventTime = Instant.ofEpochSecond(event.getTime().getSeconds(), event.getTime().getNanos() / 1000 * 1000L);
        entry.type = event.getType();
        entry.service = event.getService();
        entry.actor = event.getActor();
        entry.app = event.getApp();
        entry.outcome = outcome(event.getOutcome());
        entry.reason = event.getReason();
        entry.sessionId = event.getSessionId();
        return entry;
    }

    static String outcome(Outcome outcome) {
        return switch (outcome) {
            case OUTCOME_SUCCESS -> "success";
            case OUTCOME_FAILURE -> "failure";
            default -> "unknown";
        };
    }

    public static AuditEvent parse(byte[] payload) {
        try {
            return AuditEvent.parseFrom(payload);
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalStateException("stored payload is not an AuditEvent");
        }
    }

    private static String hex(byte[] bytes) {
        return HexFormat.of().formatHex(bytes);
    }
}
