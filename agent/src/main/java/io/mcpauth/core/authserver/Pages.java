package io.mcpauth.core.authserver;

import java.util.List;

/**
 * The login, consent and error pages: plain HTML forms that work without JavaScript. Everything a
 * client or request supplies is escaped; client names are unverified (RFC 7591 §5), so they are
 * also truncated and stripped of bidirectional overrides that could disguise them (AS-SEC-20).
 */
final class Pages {

  /** The largest body a login or consent form may post back. */
  static final int MAX_FORM_BYTES = 16_384;
  private static final int MAX_NAME_LENGTH = 80;

  private Pages() {}

  static String login(String formAction, String transaction, String csrf, String clientName, String error,
      String noUsersHint) {
    StringBuilder body = new StringBuilder();
    body.append("<h1>Sign in</h1>");
    body.append("<p>to continue to <strong>").append(escape(displayName(clientName))).append("</strong></p>");
    if (noUsersHint != null) {
      body.append("<p class=\"error\" role=\"alert\">No user can sign in yet. Add one with:</p><pre>")
          .append(escape(noUsersHint)).append("</pre>");
    }
    if (error != null) {
      body.append("<p class=\"error\" role=\"alert\">").append(escape(error)).append("</p>");
    }
    body.append("<form method=\"post\" action=\"").append(escape(formAction)).append("\">")
        .append(hidden("transaction", transaction))
        .append(hidden("csrf", csrf))
        .append("<label for=\"username\">Username</label>")
        .append("<input id=\"username\" name=\"username\" type=\"text\" autocomplete=\"username\" required autofocus>")
        .append("<label for=\"password\">Password</label>")
        .append("<input id=\"password\" name=\"password\" type=\"password\" autocomplete=\"current-password\" required>")
        .append("<button type=\"submit\">Sign in</button>")
        .append("</form>");
    return document("Sign in", body.toString());
  }

  static String consent(String formAction, String transaction, String csrf, String user, String clientName,
      String clientId, String redirectHost, boolean localhostOnly, List<String> scopes, String resource) {
    StringBuilder body = new StringBuilder();
    body.append("<h1>Allow access?</h1>");
    body.append("<p><strong>").append(escape(displayName(clientName))).append("</strong> wants to access ")
        .append("<strong>").append(escape(resource)).append("</strong> as <strong>").append(escape(user))
        .append("</strong>.</p>");
    body.append("<dl><dt>After you decide, you are sent to</dt><dd class=\"host\">").append(escape(redirectHost))
        .append("</dd><dt>Client identifier</dt><dd><code>").append(escape(truncate(clientId, 200))).append("</code></dd>");
    body.append("<dt>Permissions</dt><dd><ul>");
    for (String scope : scopes) {
      body.append("<li><code>").append(escape(scope)).append("</code></li>");
    }
    body.append("</ul></dd></dl>");
    if (localhostOnly) {
      body.append("<p class=\"warning\" role=\"alert\">This client only redirects to this computer (localhost). "
          + "Any program running here could have registered it under any name: approve only if you started "
          + "this sign-in yourself.</p>");
    }
    body.append("<form method=\"post\" action=\"").append(escape(formAction)).append("\">")
        .append(hidden("transaction", transaction))
        .append(hidden("csrf", csrf))
        .append("<button type=\"submit\" name=\"decision\" value=\"approve\">Allow</button>")
        .append("<button type=\"submit\" name=\"decision\" value=\"deny\" class=\"secondary\">Deny</button>")
        .append("</form>");
    return document("Allow access?", body.toString());
  }

  static String error(String title, String message) {
    return document(title, "<h1>" + escape(title) + "</h1><p>" + escape(message) + "</p>");
  }

  private static String document(String title, String body) {
    return "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">"
        + "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
        + "<title>" + escape(title) + " · mcpauth</title><style>"
        + "body{font-family:system-ui,sans-serif;max-width:26rem;margin:3rem auto;padding:0 1rem;color:#1b1b1f}"
        + "h1{font-size:1.4rem}label{display:block;margin-top:1rem}"
        + "input{width:100%;box-sizing:border-box;padding:.5rem;margin-top:.25rem;font-size:1rem}"
        + "button{margin-top:1.25rem;margin-right:.5rem;padding:.55rem 1.2rem;font-size:1rem;border:0;"
        + "border-radius:4px;background:#2d5bd8;color:#fff;cursor:pointer}button.secondary{background:#6b6b76}"
        + ".error{color:#a01818}.warning{background:#fff4d6;border:1px solid #e0b84c;padding:.6rem}"
        + ".host{font-weight:bold;font-size:1.1rem}code,pre{overflow-wrap:anywhere;white-space:pre-wrap}"
        + "footer{margin-top:2rem;color:#6b6b76;font-size:.8rem}</style></head><body>"
        + body + "<footer>mcpauth authorization server</footer></body></html>";
  }

  private static String hidden(String name, String value) {
    return "<input type=\"hidden\" name=\"" + name + "\" value=\"" + escape(value) + "\">";
  }

  /** An unverified client name, shown as text: no bidi controls, bounded length. */
  static String displayName(String name) {
    if (name == null || name.isBlank()) {
      return "An unnamed client";
    }
    StringBuilder out = new StringBuilder();
    name.codePoints().filter(c -> !isInvisibleControl(c)).forEach(out::appendCodePoint);
    return truncate(out.toString().strip(), MAX_NAME_LENGTH);
  }

  private static boolean isInvisibleControl(int c) {
    return Character.getType(c) == Character.FORMAT || Character.isISOControl(c);
  }

  private static String truncate(String text, int max) {
    return text.length() <= max ? text : text.substring(0, max) + "…";
  }

  static String escape(String text) {
    if (text == null) {
      return "";
    }
    StringBuilder out = new StringBuilder(text.length() + 16);
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
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
