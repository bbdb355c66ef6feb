package dev.ztna.identity.rest;

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
        String html = "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>" + escape(title)
                + "</title><style>body{font-family:sans-serif;max-width:32em;margin:4em auto}.error{color:#b00}</style>"
                + "</head><body><h1>" + escape(title) + "</h1>" + bodyHtml + "</body></html>";
        return Response.status(status).type(MediaType.TEXT_HTML_TYPE.withCharset("utf-8")).entity(html)
                .header("Cache-Control", "no-store")
                .header("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'"
                        + (formTarget.isEmpty() ? "" : " " + formTarget) + "; frame-ancestors 'none'")
                .header("X-Frame-Options", "DENY")
                .header("Referrer-Policy", "no-referrer");
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
