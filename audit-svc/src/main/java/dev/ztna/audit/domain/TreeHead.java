package dev.ztna.audit.domain;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.Instant;

/** A signed statement of the log's size and Merkle root at a moment. Append-only. */
@Entity
@Table(name = "tree_head")
public class TreeHead {

    @Id
    @Column(name = "tree_size")
    public long treeSize;

    @Column(name = "root_hash", nullable = false)
    public byte[] rootHash;

    @Column(name = "issued_at", nullable = false)
    public Instant issuedAt;

    @Column(name = "key_id", nullable = false)
    public String keyId;

    @Column(nullable = false)
    public byte[] signature;
}
