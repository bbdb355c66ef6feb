package dev.ztna.broker.tunnel;

import com.google.protobuf.ByteString;

/** What a connector's data stream feeds once it answered a dial order: a user's tunnel, or one proxied web request. */
interface AppStream extends Cuttable {

    /** Called once, on the connector call's loop, right after the answer: start reading. */
    void start();

    void fromApp(ByteString data);

    /** The app closed its side of the connection. */
    void appEof();

    /** The connector's call can take more (runs on its loop). */
    void connectorReady();
}
