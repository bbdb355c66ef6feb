package dev.ztna.audit.domain;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.Instant;

/** A range of the log written to a segment file before its content was redacted from the database. Append-only. */
@Entity
@Table(name = "archive_segment")
public class ArchiveSegment {

    @Id
    @Column(name = "first_seq")
    public long firstSeq;

    @Column(name = "last_seq", nullable = false)
    public long lastSeq;

    @Column(name = "root_hash", nullable = false)
    public byte[] rootHash;

    @Column(name = "file_name", nullable = false)
    public String fileName;

    @Column(name = "file_sha256", nullable = false)
    public byte[] fileSha256;

    @Column(name = "archived_at", nullable = false)
    public Instant archivedAt;
}
