package dev.ztna.identity.domain;

import jakarta.persistence.CollectionTable;
import jakarta.persistence.Column;
import jakarta.persistence.ElementCollection;
import jakarta.persistence.Entity;
import jakarta.persistence.FetchType;
import jakarta.persistence.Id;
import jakarta.persistence.JoinColumn;
import jakarta.persistence.Table;

import java.time.Instant;
import java.util.HashSet;
import java.util.Set;
import java.util.UUID;

@Entity
@Table(name = "user_account")
public class UserAccount {

    @Id
    public UUID id;

    @Column(nullable = false, unique = true)
    public String username;

    @Column(name = "password_hash", nullable = false)
    public String passwordHash;

    @Column(name = "totp_secret_enc", nullable = false)
    public byte[] totpSecretEnc;

    @Column(name = "last_totp_step", nullable = false)
    public long lastTotpStep;

    @Column(nullable = false)
    public boolean enabled = true;

    /** A TOTP secret being enrolled, sealed; replaces totpSecretEnc once confirmed. */
    @Column(name = "pending_totp_enc")
    public byte[] pendingTotpEnc;

    @Column(name = "pending_totp_expires_at")
    public Instant pendingTotpExpiresAt;

    /** The upstream identity this account is linked to (SSO federation), or null. */
    @Column(name = "federated_issuer")
    public String federatedIssuer;

    @Column(name = "federated_subject")
    public String federatedSubject;

    /** Directory attributes (null: not set); see {@link #attributes()}. */
    public String department;

    @Column(name = "employment_type")
    public String employmentType;

    /** ISO 3166-1 alpha-2. */
    public String country;

    /** The manager's username. */
    public String manager;

    @Column(name = "created_at", nullable = false)
    public Instant createdAt;

    @ElementCollection(fetch = FetchType.EAGER)
    @CollectionTable(name = "user_group", joinColumns = @JoinColumn(name = "user_id"))
    @Column(name = "group_name")
    public Set<String> groups = new HashSet<>();

    @ElementCollection(fetch = FetchType.EAGER)
    @CollectionTable(name = "user_role", joinColumns = @JoinColumn(name = "user_id"))
    @Column(name = "role_name")
    public Set<String> roles = new HashSet<>();

    /** The attributes that are set, by the names policies use (the token's `attrs` claim). */
    public java.util.Map<String, String> attributes() {
        java.util.Map<String, String> out = new java.util.TreeMap<>();
        if (department != null) {
            out.put("department", department);
        }
        if (employmentType != null) {
            out.put("employment_type", employmentType);
        }
        if (country != null) {
            out.put("country", country);
        }
        if (manager != null) {
            out.put("manager", manager);
        }
        return out;
    }

    /** Sets one attribute by its policy name; null or empty clears it. False for an unknown name. */
    public boolean setAttribute(String name, String value) {
        String v = value == null || value.isEmpty() ? null : value;
        switch (name) {
            case "department" -> department = v;
            case "employment_type" -> employmentType = v;
            case "country" -> country = v;
            case "manager" -> manager = v;
            default -> {
                return false;
            }
        }
        return true;
    }
}
