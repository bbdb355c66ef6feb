package dev.ztna.identity.rest;

import dev.ztna.common.web.HtmlPages;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/** The few HTML pages identity-svc serves (SSO): escaped text, no scripts, never cached, never framed. */
final class Html {

    private Html() {
    }

    static Response page(int status, String title, String bodyHtml) {
        return builder(status, title, bodyHtml).build();
    }

    static Response.ResponseBuilder builder(int status, String title, String bodyHtml) {
        return builder(status, title, bodyHtml, "");
    }

    /**
     * {@code formTarget}: one more origin a form on the page may end up at (form-action also governs the redirect
     * after a POST, so a login form that hands the browser back to an app host must name it).
     */
    static Response.ResponseBuilder builder(int status, String title, String bodyHtml, String formTarget) {
        String html = HtmlPages.document(title, bodyHtml);
        return Response.status(status).type(MediaType.TEXT_HTML_TYPE.withCharset("utf-8")).entity(html)
                .header("Cache-Control", "no-store")
                .header("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'"
                        + (formTarget.isEmpty() ? "" : " " + formTarget) + "; frame-ancestors 'none'")
                .header("X-Frame-Options", "DENY")
                .header("Referrer-Policy", "no-referrer");
    }

    static String escape(String text) {
        return HtmlPages.escape(text);
    }
}
