package dev.ztna.broker.tunnel;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnsafeByteOperations;
import dev.ztna.proto.broker.v1.DataResponse;
import io.grpc.Status;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import io.vertx.core.buffer.Buffer;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One web request carried over one connector data stream: HTTP/1.1 is spoken to the app by a Netty codec that never
 * touches a socket (its bytes are the stream's frames), so the connector stays a plain TCP relay. The codec lives on
 * the connector call's event loop only; the browser side lives on its own loop ({@link Browser}).
 * <p>
 * Flow control: the next frame is requested from the connector only once the previous one was written to the
 * browser and the browser's connection can take more; a request body chunk is read only while the connector's call
 * is ready.
 */
public final class WebExchange implements TunnelBroker.Dialer, AppStream {

    /** The browser's side, as the web proxy drives it (all its methods run on the browser connection's loop). */
    public interface Browser {
        /** Runs {@code action} on the browser connection's loop. */
        void run(Runnable action);

        /** No answer could be had; {@code status} says why (NOT_FOUND: as for an unknown app). Before any head. */
        void failed(Status status);

        void head(HttpResponse head);

        void chunk(Buffer data);

        /** Runs {@code more} once the browser's connection can take more (at once when it can now). */
        void whenWritable(Runnable more);

        void end();

        /** The answer broke after it began: the browser's connection is reset. */
        void reset();

        /** Starts reading the request body into {@link #body} / {@link #bodyEnd}. */
        void readBody();

        void pauseBody();

        void resumeBody();
    }

    private final HttpRequest head;
    private final Browser browser;
    private final AtomicBoolean over = new AtomicBoolean();
    private volatile Splice.Side<DataResponse> connector;
    private volatile Runnable release = () -> { };
    private volatile boolean bodyWaitsForReady;
    private EmbeddedChannel codec;
    private boolean headSeen;

    public WebExchange(HttpRequest head, Browser browser) {
        this.head = head;
        this.browser = browser;
    }

    // ---- dial -------------------------------------------------------------------------------------------------

    @Override
    public void fail(Status status) {
        if (over.compareAndSet(false, true)) {
            browser.run(() -> browser.failed(status));
        }
    }

    @Override
    public AppStream answered(ConnectorData data, AttachedConnector from) {
        connector = data.side();
        release = () -> from.release(this);
        return this;
    }

    // ---- connector side (its loop) --------------------------------------------------------------------------

    @Override
    public void start() {
        if (over.get()) {
            connector.run(() -> connector.call().onError(Status.CANCELLED.asRuntimeException()));
            release.run();
            return;
        }
        codec = new EmbeddedChannel(new HttpClientCodec(4096, 16384, 65536));
        codec.writeOutbound(head);
        sendOutbound();
        connector.call().request(1);
        browser.run(browser::readBody);
    }

    /** A request body chunk (any thread): encoded and sent on the connector's loop; reading pauses until it can go. */
    public void body(Buffer chunk) {
        browser.pauseBody();
        connector.run(() -> {
            if (over.get()) {
                return;
            }
            codec.writeOutbound(new DefaultHttpContent(Unpooled.wrappedBuffer(chunk.getBytes())));
            sendOutbound();
            if (connector.call().isReady()) {
                browser.run(browser::resumeBody);
            } else {
                bodyWaitsForReady = true;
            }
        });
    }

    public void bodyEnd() {
        connector.run(() -> {
            if (!over.get()) {
                codec.writeOutbound(LastHttpContent.EMPTY_LAST_CONTENT);
                sendOutbound();
            }
        });
    }

    @Override
    public void connectorReady() {
        if (bodyWaitsForReady) {
            bodyWaitsForReady = false;
            browser.run(browser::resumeBody);
        }
    }

    @Override
    public void fromApp(ByteString data) {
        if (over.get()) {
            return;
        }
        codec.writeInbound(Unpooled.wrappedBuffer(data.asReadOnlyByteBuffer()));
        deliver(false);
    }

    @Override
    public void appEof() {
        if (over.get()) {
            return;
        }
        codec.finish(); // a body delimited by the connection's end ends here
        deliver(true);
    }

    /** The connector's stream broke or the connector went away. */
    @Override
    public void cut(Status status) {
        abort();
    }

    /** The browser went away, or its side gave up (too large a body, a timeout): ends the connector's stream. */
    public void abort() {
        if (over.compareAndSet(false, true)) {
            browser.run(() -> {
                if (headSeen) {
                    browser.reset();
                } else {
                    browser.failed(Status.UNAVAILABLE.withDescription("the connection to the app was lost"));
                }
            });
            closeConnector(false);
        }
    }

    /** Decoded answer parts go to the browser; the next frame is asked for once they are written. */
    private void deliver(boolean eof) {
        List<Object> parts = new ArrayList<>();
        boolean complete = false;
        boolean broken = false;
        Object message;
        while ((message = codec.readInbound()) != null) {
            try {
                if (message instanceof HttpObject object && object.decoderResult().isFailure()) {
                    broken = true;
                    continue;
                }
                if (message instanceof HttpResponse response) {
                    if (response.status().code() < 200) {
                        continue; // 100 Continue and other interim answers stay between us and the app
                    }
                    parts.add(response);
                }
                if (message instanceof HttpContent content) {
                    if (content.content().isReadable()) {
                        parts.add(Buffer.buffer(ByteBufUtil.getBytes(content.content())));
                    }
                    if (content instanceof LastHttpContent) {
                        complete = true;
                        parts.add(LastHttpContent.EMPTY_LAST_CONTENT);
                    }
                }
            } finally {
                ReferenceCountUtil.release(message);
            }
        }
        boolean done = complete;
        boolean failed = broken || (eof && !complete);
        browser.run(() -> {
            for (Object part : parts) {
                if (part instanceof HttpResponse response) {
                    headSeen = true;
                    browser.head(response);
                } else if (part instanceof Buffer chunk) {
                    browser.chunk(chunk);
                } else if (over.compareAndSet(false, true)) {
                    browser.end();
                    closeConnector(true);
                    return;
                }
            }
            if (failed) {
                abort();
            } else if (!done && !eof) {
                browser.whenWritable(() -> connector.run(() -> {
                    if (!over.get()) {
                        connector.call().request(1);
                    }
                }));
            }
        });
    }

    private void sendOutbound() {
        ByteBuf buf;
        while ((buf = codec.readOutbound()) != null) {
            try {
                if (buf.isReadable()) {
                    connector.call().onNext(DataResponse.newBuilder()
                            .setData(UnsafeByteOperations.unsafeWrap(ByteBufUtil.getBytes(buf))).build());
                }
            } finally {
                buf.release();
            }
        }
    }

    private void closeConnector(boolean clean) {
        release.run();
        Splice.Side<DataResponse> side = connector;
        if (side == null) {
            return;
        }
        side.run(() -> {
            if (codec != null) {
                codec.finishAndReleaseAll();
            }
            try {
                if (clean) {
                    side.call().onNext(DataResponse.newBuilder().setEof(true).build());
                    side.call().onCompleted();
                } else {
                    side.call().onError(Status.CANCELLED.withDescription("web request ended").asRuntimeException());
                }
            } catch (RuntimeException ignored) {
                // the connector's call is already gone
            }
        });
    }
}
