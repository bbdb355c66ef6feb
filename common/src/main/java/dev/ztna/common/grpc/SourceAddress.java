package dev.ztna.common.grpc;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.quarkus.grpc.GlobalInterceptor;
import jakarta.enterprise.context.ApplicationScoped;

import java.net.InetSocketAddress;
import java.net.SocketAddress;

/** Makes the caller's network address available to the audit records of the current call. */
@GlobalInterceptor
@ApplicationScoped
public class SourceAddress implements ServerInterceptor {

    private static final Context.Key<String> KEY = Context.key("ztna-source-address");

    public static String current() {
        String value = KEY.get();
        return value == null ? "" : value;
    }

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
                                                       ServerCallHandler<Q, R> next) {
        SocketAddress remote = call.getAttributes().get(Grpc.TRANSPORT_ATTR_REMOTE_ADDR);
        String address = remote instanceof InetSocketAddress inet ? inet.getAddress().getHostAddress() : "";
        return Contexts.interceptCall(Context.current().withValue(KEY, address), call, headers, next);
    }
}
