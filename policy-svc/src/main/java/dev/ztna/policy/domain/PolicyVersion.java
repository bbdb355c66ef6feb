package dev.ztna.policy.domain;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.Instant;

/** An immutable, stored policy document. */
@Entity
@Table(name = "policy_version")
public class PolicyVersion {

    @Id
    public long version;

    @Column(nullable = false)
    public String document;

    /** yaml or json. */
    @Column(nullable = false)
    public String format;

    @Column(nullable = false)
    public String author;

    @Column(name = "created_at", nullable = false)
    public Instant createdAt;
}
