package dev.ztna.audit.service;

import dev.ztna.audit.config.AuditConfig;
import dev.ztna.audit.domain.ArchiveSegment;
import dev.ztna.audit.domain.AuditEntry;
import dev.ztna.audit.domain.TreeHead;
import dev.ztna.audit.repository.ArchiveSegmentRepository;
import dev.ztna.audit.repository.AuditEntryRepository;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Retention: entries older than the configured period are written to a segment file (a header with the start state
 * and the signed tree head at its last entry, then the entries as in an export) and only then redacted from the
 * database, keeping their hashes. Each segment continues where the previous one ended, so the archive is gapless
 * and every file verifies on its own with `ztna audit verify`.
 */
@ApplicationScoped
public class Retention {

    private static final Logger LOG = Logger.getLogger(Retention.class);
    static final int PAGE = 1000;

    private final AuditConfig.Retention config;
    private final AuditEntryRepository entries;
    private final ArchiveSegmentRepository segments;
    private final AuditTree tree;

    /** Retention was asked to run but no period is configured. */
    public static final class NotConfigured extends RuntimeException {
        NotConfigured() {
            super("retention is not configured (set ztna.audit.retention.period)", null, false, false);
        }
    }

    public Retention(AuditConfig config, AuditEntryRepository entries, ArchiveSegmentRepository segments, AuditTree tree) {
        this.config = config.retention();
        this.entries = entries;
        this.segments = segments;
        this.tree = tree;
    }

    @Scheduled(every = "${ztna.audit.retention.check-interval:1h}", delayed = "1m",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void scheduled() {
        if (config.period().isEmpty()) {
            return;
        }
        try {
            archiveExpired();
        } catch (RuntimeException e) {
            LOG.warnf("retention run failed, nothing was redacted: %s", e.getMessage());
        }
    }

    public Path archiveDir() {
        return Path.of(config.archiveDir());
    }

    static final java.util.regex.Pattern SEGMENT_NAME = java.util.regex.Pattern.compile("segment-\\d{12}-\\d{12}\\.jsonl");

    /**
     * The segment's file in the archive directory, if it is there. The name comes from the database, which the
     * service role can write, so only names this class itself produces are accepted: no path ever leaves the directory.
     */
    public Optional<Path> segmentFile(ArchiveSegment segment) {
        return resolve(archiveDir(), segment.fileName);
    }

    static Optional<Path> resolve(Path dir, String fileName) {
        if (fileName == null || !SEGMENT_NAME.matcher(fileName).matches()) {
            return Optional.empty();
        }
        Path file = dir.resolve(fileName).normalize();
        return file.startsWith(dir.normalize()) && Files.isRegularFile(file) ? Optional.of(file) : Optional.empty();
    }

    /** Archives and redacts every entry received before now minus the period; empty when there was none. */
    public synchronized Optional<ArchiveSegment> archiveExpired() {
        Instant cutoff = Instant.now().minus(config.period().orElseThrow(NotConfigured::new));
        long first = QuarkusTransaction.requiringNew().call(segments::archivedUpTo) + 1;
        Long last = QuarkusTransaction.requiringNew().call(() -> entries.getEntityManager()
                .createQuery("select max(e.seq) from AuditEntry e where e.receivedAt < :cutoff", Long.class)
                .setParameter("cutoff", cutoff).getSingleResult());
        if (last == null || last < first) {
            return Optional.empty();
        }
        TreeHead head = tree.headAt(last);
        String name = String.format("segment-%012d-%012d.jsonl", first, last);
        byte[] digest = write(name, first, last, head);
        ArchiveSegment segment = new ArchiveSegment();
        segment.firstSeq = first;
        segment.lastSeq = last;
        segment.rootHash = head.rootHash;
        segment.fileName = name;
        segment.fileSha256 = digest;
        segment.archivedAt = Instant.now();
        long redacted = QuarkusTransaction.requiringNew().call(() -> {
            segments.persist(segment);
            return segments.redact(last);
        });
        LOG.infof("retention: archived entries %d..%d to %s and redacted %d of them", first, last, name, redacted);
        return Optional.of(segment);
    }

    /** Written to a temporary file, forced to disk, then renamed: a segment file is complete or absent. */
    private byte[] write(String name, long first, long last, TreeHead head) {
        try {
            Path dir = Files.createDirectories(archiveDir());
            Path partial = dir.resolve(name + ".partial");
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            try (OutputStream file = Files.newOutputStream(partial, StandardOpenOption.CREATE,
                    StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE);
                 Writer out = new BufferedWriter(new OutputStreamWriter(new DigestOutputStream(file, sha),
                         StandardCharsets.UTF_8), 1 << 16)) {
                out.write(ExportLines.header(tree.startOf(first), head, last));
                long after = first - 1;
                while (after < last) {
                    long cursor = after;
                    List<AuditEntry> page = QuarkusTransaction.requiringNew().call(() -> entries
                            .find("seq > ?1 and seq <= ?2 order by seq", cursor, last).page(0, PAGE).list());
                    if (page.isEmpty()) {
                        throw new IllegalStateException("entries " + (cursor + 1) + ".." + last + " are not in the log");
                    }
                    for (AuditEntry entry : page) {
                        if (entry.payload == null) {
                            throw new IllegalStateException("entry " + entry.seq + " is already redacted");
                        }
                        out.write(ExportLines.entry(entry));
                    }
                    after = page.get(page.size() - 1).seq;
                }
            }
            try (FileChannel channel = FileChannel.open(partial, StandardOpenOption.WRITE)) {
                channel.force(true);
            }
            Files.move(partial, dir.resolve(name), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            return sha.digest();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write segment " + name + ": " + e.getMessage(), e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
