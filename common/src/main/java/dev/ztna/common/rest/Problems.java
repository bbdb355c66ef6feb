package dev.ztna.common.rest;

import jakarta.ws.rs.core.Response;

import java.util.LinkedHashMap;
import java.util.Map;

/** RFC 9457 problem details: every REST error of the suite, with {@code field} naming a bad parameter. */
public final class Problems {

    public static final String TYPE = "application/problem+json";

    private Problems() {
    }

    public static Response of(int status, String title, String detail, String field) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("type", "https://ztna.dev/problems/" + title);
        body.put("title", title);
        body.put("status", status);
        body.put("detail", detail);
        if (field != null) {
            body.put("field", field);
        }
        return Response.status(status).type(TYPE).entity(body).build();
    }
}
