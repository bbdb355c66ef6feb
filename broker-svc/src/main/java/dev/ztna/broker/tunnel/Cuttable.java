package dev.ztna.broker.tunnel;

import io.grpc.Status;

/** A connection carried for a session through a connector: what a revocation, a breach or a lost connector cuts. */
public interface Cuttable {

    /** Ends it now; the user is told {@code status} where the transport can say so. */
    void cut(Status status);
}
