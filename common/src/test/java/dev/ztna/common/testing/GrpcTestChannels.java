package dev.ztna.common.testing;

import dev.ztna.common.auth.BearerCredentials;
import io.grpc.CallCredentials;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import com.google.rpc.BadRequest;
import com.google.rpc.ErrorInfo;

import java.net.URL;

/** Real gRPC channels to the service under test, and helpers to read the rich error details it answers with. */
public final class GrpcTestChannels {

    private GrpcTestChannels() {
    }

    public static ManagedChannel to(URL serviceUrl) {
        return ManagedChannelBuilder.forAddress(serviceUrl.getHost(), serviceUrl.getPort()).usePlaintext().build();
    }

    public static CallCredentials bearer(String token) {
        return new BearerCredentials(token);
    }

    /** The ErrorInfo reason, or null. */
    public static String reason(StatusRuntimeException e) {
        com.google.rpc.Status status = StatusProto.fromThrowable(e);
        if (status == null) {
            return null;
        }
        return status.getDetailsList().stream().filter(a -> a.is(ErrorInfo.class)).findFirst().map(a -> {
            try {
                return a.unpack(ErrorInfo.class).getReason();
            } catch (com.google.protobuf.InvalidProtocolBufferException x) {
                throw new IllegalStateException(x);
            }
        }).orElse(null);
    }

    /** The first BadRequest field violation's field, or null. */
    public static String badField(StatusRuntimeException e) {
        com.google.rpc.Status status = StatusProto.fromThrowable(e);
        if (status == null) {
            return null;
        }
        return status.getDetailsList().stream().filter(a -> a.is(BadRequest.class)).findFirst().map(a -> {
            try {
                return a.unpack(BadRequest.class).getFieldViolations(0).getField();
            } catch (com.google.protobuf.InvalidProtocolBufferException x) {
                throw new IllegalStateException(x);
            }
        }).orElse(null);
    }
}
