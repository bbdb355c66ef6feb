package dev.ztna.broker.tunnel;

import dev.ztna.common.auth.Caller;
import dev.ztna.proto.broker.v1.DataRequest;
import dev.ztna.proto.broker.v1.DataResponse;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;

/** The connector's side of one tunnelled TCP connection: the first frame names the dial order it answers. */
public final class ConnectorData implements StreamObserver<DataRequest> {

    private static final Status LOST = Status.UNAVAILABLE.withDescription("the connection to the app was lost");
    private final ServerCallStreamObserver<DataResponse> call;
    private final Splice.Side<DataResponse> side;
    private final Caller caller;
    private final TunnelBroker broker;
    private volatile AppStream stream;

    ConnectorData(ServerCallStreamObserver<DataResponse> call, Caller caller, TunnelBroker broker) {
        this.call = call;
        this.side = Splice.Side.current(call);
        this.caller = caller;
        this.broker = broker;
        call.disableAutoRequest();
        call.setOnReadyHandler(() -> {
            AppStream s = stream;
            if (s != null) {
                s.connectorReady();
            }
        });
        call.setOnCancelHandler(() -> {
            AppStream s = stream;
            if (s != null) {
                s.cut(LOST);
            }
        });
        call.request(1);
    }

    Splice.Side<DataResponse> side() {
        return side;
    }

    @Override
    public void onNext(DataRequest request) {
        AppStream s = stream;
        if (s != null) {
            if (request.hasData()) {
                s.fromApp(request.getData());
            }
            return;
        }
        if (!request.hasOpen()) {
            side.run(() -> call.onError(Status.INVALID_ARGUMENT.withDescription("open: the first message must name a stream")
                    .asRuntimeException()));
            return;
        }
        broker.answer(request.getOpen().getStreamId(), caller, this).ifPresentOrElse(answered -> {
                    stream = answered;
                    answered.start();
                },
                () -> side.run(() -> call.onError(Status.NOT_FOUND.withDescription("no such stream").asRuntimeException())));
    }

    @Override
    public void onError(Throwable t) {
        AppStream s = stream;
        if (s != null) {
            s.cut(LOST);
        }
    }

    @Override
    public void onCompleted() {
        AppStream s = stream;
        if (s != null) {
            s.appEof();
        } else {
            side.run(call::onCompleted);
        }
    }
}
