package dev.ztna.broker.web;

import dev.ztna.common.web.HtmlPages;
import io.vertx.core.http.HttpServerResponse;

/** The few pages the web proxy answers itself: escaped text, no scripts, never cached, never framed. */
final class WebPages {

    private WebPages() {
    }

    static void send(HttpServerResponse response, int status, String title, String text) {
        if (response.headWritten() || response.ended() || response.closed()) {
            return;
        }
        String html = HtmlPages.document(title, "<p>" + HtmlPages.escape(text) + "</p>");
        secure(response).setStatusCode(status).putHeader("Content-Type", "text/html; charset=utf-8").end(html);
    }

    static HttpServerResponse secure(HttpServerResponse response) {
        return response.putHeader("Cache-Control", "no-store")
                .putHeader("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'")
                .putHeader("X-Frame-Options", "DENY")
                .putHeader("Referrer-Policy", "no-referrer");
    }
}
