package dev.ztna.common.auth;

import java.util.Optional;

/** Supplies the bearer token this service presents on its outgoing gRPC calls. */
public interface ServiceTokenSource {

    /** A valid token, or empty when this service has no credentials (the peer will then refuse the call). */
    Optional<String> token();
}
