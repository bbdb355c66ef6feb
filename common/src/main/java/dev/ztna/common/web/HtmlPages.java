package dev.ztna.common.web;

/**
 * The few HTML pages the services answer themselves (sign-in forms, refusals): escaped text, no scripts. Shared by
 * identity-svc's browser login and the broker's web proxy, which send them with their own framework's response.
 */
public final class HtmlPages {

    private HtmlPages() {
    }

    /** A whole document; {@code title} is escaped here, {@code bodyHtml} must already be safe. */
    public static String document(String title, String bodyHtml) {
        return "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>" + escape(title)
                + "</title><style>body{font-family:sans-serif;max-width:36em;margin:4em auto}.error{color:#b00}</style>"
                + "</head><body><h1>" + escape(title) + "</h1>" + bodyHtml + "</body></html>";
    }

    public static String escape(String text) {
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
