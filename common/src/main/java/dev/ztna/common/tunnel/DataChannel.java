package dev.ztna.common.tunnel;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The broker's TCP data channel, the fast path for bulk TCP: after a short greeting a connection carries raw bytes,
 * relayed by the broker between a user's connection and a connector's, so no gRPC framing is paid per byte.
 * <p>
 * Greeting: "ZTNA1", one byte naming the side ({@link #USER} or {@link #CONNECTOR}), a 32-byte one-time ticket (the
 * user's from AccessService/OpenDataChannel, the connector's from its dial order). The broker answers the user one
 * byte ({@link #OK}, {@link #NOT_FOUND}, {@link #UNAVAILABLE}); a connector gets no answer. Plain Java only: shaded
 * into the CLI and the connector.
 */
public final class DataChannel {

    public static final byte USER = 'U';
    public static final byte CONNECTOR = 'C';
    public static final int TICKET_BYTES = 32;
    public static final byte OK = 0;
    public static final byte NOT_FOUND = 1;
    public static final byte UNAVAILABLE = 2;
    private static final byte[] MAGIC = "ZTNA1".getBytes(StandardCharsets.US_ASCII);

    /** A greeting as read: the side and its ticket. */
    public record Hello(byte side, byte[] ticket) {
    }

    private DataChannel() {
    }

    public static void writeHello(OutputStream out, byte side, byte[] ticket) throws IOException {
        if (ticket.length != TICKET_BYTES) {
            throw new IllegalArgumentException("a data channel ticket has " + TICKET_BYTES + " bytes");
        }
        byte[] hello = new byte[MAGIC.length + 1 + TICKET_BYTES];
        System.arraycopy(MAGIC, 0, hello, 0, MAGIC.length);
        hello[MAGIC.length] = side;
        System.arraycopy(ticket, 0, hello, MAGIC.length + 1, TICKET_BYTES);
        out.write(hello);
        out.flush();
    }

    /** Reads a greeting; anything else (wrong magic, unknown side, too short) is an {@link IOException}. */
    public static Hello readHello(InputStream in) throws IOException {
        byte[] hello = new byte[MAGIC.length + 1 + TICKET_BYTES];
        new DataInputStream(in).readFully(hello);
        if (!Arrays.equals(Arrays.copyOf(hello, MAGIC.length), MAGIC)) {
            throw new IOException("not a data channel greeting");
        }
        byte side = hello[MAGIC.length];
        if (side != USER && side != CONNECTOR) {
            throw new IOException("unknown data channel side");
        }
        return new Hello(side, Arrays.copyOfRange(hello, MAGIC.length + 1, hello.length));
    }
}
