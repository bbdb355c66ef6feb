package dev.ztna.identity.service;

import dev.ztna.common.audit.AuditOutbox;
import dev.ztna.identity.domain.ServiceAccount;
import dev.ztna.identity.repository.ServiceAccountRepository;
import dev.ztna.proto.audit.v1.Outcome;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

import java.security.MessageDigest;
import java.time.Instant;
import java.util.Map;
import java.util.Set;

/** Service accounts and the OAuth 2 client credentials grant. */
@ApplicationScoped
public class ServiceAccounts {

    private static final byte[] DECOY = Authenticator.sha256("no-such-client");

    private final ServiceAccountRepository repository;
    private final TokenIssuer issuer;
    private final AuditOutbox audit;

    public ServiceAccounts(ServiceAccountRepository repository, TokenIssuer issuer, AuditOutbox audit) {
        this.repository = repository;
        this.issuer = issuer;
        this.audit = audit;
    }

    @Transactional(dontRollbackOn = AuthenticationFailure.class)
    public TokenIssuer.Issued clientCredentials(String clientId, String secret, String source) {
        ServiceAccount account = repository.findById(clientId);
        byte[] presented = Authenticator.sha256(secret);
        boolean ok = MessageDigest.isEqual(account == null ? DECOY : account.secretHash, presented)
                && account != null && account.enabled;
        if (!ok) {
            audit.record("auth.client_credentials", clientId, Outcome.OUTCOME_FAILURE, "invalid client credentials",
                    Map.of("source_address", source));
            throw new AuthenticationFailure("INVALID_CLIENT", "invalid client credentials");
        }
        return issuer.forService(account.clientId, Set.copyOf(account.roles));
    }

    /** Creates the account unless it exists; returns whether it was created. */
    @Transactional
    public boolean createIfAbsent(String clientId, String secret, Set<String> roles) {
        if (repository.findById(clientId) != null) {
            return false;
        }
        ServiceAccount account = new ServiceAccount();
        account.clientId = clientId;
        account.secretHash = Authenticator.sha256(secret);
        account.roles.addAll(roles);
        account.createdAt = Instant.now();
        repository.persist(account);
        return true;
    }
}
