package dev.ztna.broker.web;

import io.vertx.core.http.HttpServerResponse;

/** The few pages the web proxy answers itself: escaped text, no scripts, never cached, never framed. */
final class WebPages {

    private WebPages() {
    }

    static void send(HttpServerResponse response, int status, String title, String text) {
        if (response.headWritten() || response.ended() || response.closed()) {
            return;
        }
        String html = "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>" + escape(title)
                + "</title><style>body{font-family:sans-serif;max-width:36em;margin:4em auto}</style></head><body><h1>"
                + escape(title) + "</h1><p>" + escape(text) + "</p></body></html>";
        secure(response).setStatusCode(status).putHeader("Content-Type", "text/html; charset=utf-8").end(html);
    }

    static HttpServerResponse secure(HttpServerResponse response) {
        return response.putHeader("Cache-Control", "no-store")
                .putHeader("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'")
                .putHeader("X-Frame-Options", "DENY")
                .putHeader("Referrer-Policy", "no-referrer");
    }

    static String escape(String text) {
        StringBuilder out = new StringBuilder(text.length());
        for (char c : text.toCharArray()) {
            switch (c) {
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '&' -> out.append("&amp;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }
}
