package dev.ztna.common.auth;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.ForwardingClientCall;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.quarkus.grpc.GlobalInterceptor;
import jakarta.enterprise.context.ApplicationScoped;

/** Puts this service's own token on every outgoing gRPC call: no internal call is anonymous. */
@GlobalInterceptor
@ApplicationScoped
public class ServiceTokenClientInterceptor implements ClientInterceptor {

    private final ServiceTokenSource tokens;

    public ServiceTokenClientInterceptor(ServiceTokenSource tokens) {
        this.tokens = tokens;
    }

    @Override
    public <Q, R> ClientCall<Q, R> interceptCall(MethodDescriptor<Q, R> method, CallOptions options, Channel next) {
        return new ForwardingClientCall.SimpleForwardingClientCall<>(next.newCall(method, options)) {
            @Override
            public void start(Listener<R> listener, Metadata headers) {
                tokens.token().ifPresent(t -> headers.put(BearerAuthInterceptor.AUTHORIZATION, "Bearer " + t));
                super.start(listener, headers);
            }
        };
    }
}
