package dev.ztna.policy.service;

import dev.ztna.proto.policy.v1.DecideRequest;

import java.net.InetAddress;
import java.time.Instant;
import java.util.Map;
import java.util.Set;

/** A Decide request as the engine sees it: the same for a live decision and for a replayed recorded one. */
public final class DecisionInput {

    private DecisionInput() {
    }

    /** A field of the request the engine cannot judge; {@code field} names it, {@code getMessage()} says why. */
    public static final class BadInput extends IllegalArgumentException {
        private final String field;

        public BadInput(String field, String message) {
            super(message);
            this.field = field;
        }

        public String field() {
            return field;
        }
    }

    /**
     * @param geo where the source address's country comes from ({@link GeoIp#NONE}: unknown)
     * @throws IllegalArgumentException naming the field when the source address is not an IP literal
     */
    public static CompiledPolicy.Subject subject(DecideRequest request, GeoIp geo) {
        InetAddress source = null;
        String address = request.getContext().getSourceAddress();
        if (!address.isEmpty()) {
            source = Cidr.literal(address);
            if (source == null) {
                throw new BadInput("context.source_address", "must be an IPv4 or IPv6 address");
            }
        }
        Instant authTime = request.getContext().hasAuthTime()
                ? Instant.ofEpochSecond(request.getContext().getAuthTime().getSeconds()) : null;
        PostureCondition.Device device = null;
        if (request.getContext().hasDevice()) {
            var reported = request.getContext().getDevice();
            device = new PostureCondition.Device(reported.getDeviceId(), Map.copyOf(reported.getAttributesMap()),
                    reported.hasReportedAt() ? Instant.ofEpochSecond(reported.getReportedAt().getSeconds(),
                            reported.getReportedAt().getNanos()) : null);
        }
        String action = request.getAction().isEmpty() ? CompiledPolicy.Subject.CONNECT : request.getAction();
        WebRequest web = null;
        if (action.equals(CompiledPolicy.Subject.HTTP)) {
            if (!request.hasHttp()) {
                throw new BadInput("http", "is required for the action http");
            }
            web = WebRequest.of(request.getHttp().getMethod(), request.getHttp().getPath());
        } else if (!action.equals(CompiledPolicy.Subject.CONNECT)) {
            throw new BadInput("action", "must be connect or http");
        } else if (request.hasHttp()) {
            throw new BadInput("http", "goes only with the action http");
        }
        return new CompiledPolicy.Subject(request.getSubject().getUsername(),
                Set.copyOf(request.getSubject().getGroupsList()), Set.copyOf(request.getSubject().getRolesList()),
                source, Set.copyOf(request.getContext().getAmrList()), authTime, device, geo.country(source),
                Map.copyOf(request.getSubject().getAttributesMap()), action, web);
    }
}
