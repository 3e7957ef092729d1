package io.mcpauth.core.authserver.clients;

import io.mcpauth.core.text.Ascii;
import java.util.ArrayList;
import java.util.List;

/**
 * The hosts whose Client ID Metadata Documents are fetched (AS-C9, {@code mcpauth.as.cimd.trusted-hosts}):
 * {@code *} for any host, else a comma list of host names and {@code *.suffix} patterns. A pattern
 * matches names below the suffix, not the suffix itself: {@code *.example.com} matches
 * {@code app.example.com} and {@code a.b.example.com} but not {@code example.com}. Host names are
 * compared without regard to case (RFC 4343).
 */
public final class TrustedHosts {

  public static final TrustedHosts ANY = new TrustedHosts(true, List.of(), List.of());

  private final boolean any;
  private final List<String> names;
  private final List<String> suffixes;

  private TrustedHosts(boolean any, List<String> names, List<String> suffixes) {
    this.any = any;
    this.names = names;
    this.suffixes = suffixes;
  }

  /** @throws IllegalArgumentException for an empty list or entry, or a {@code *} anywhere but alone or in front */
  public static TrustedHosts parse(String setting) {
    if (Ascii.trim(setting).equals("*")) {
      return ANY;
    }
    List<String> names = new ArrayList<>();
    List<String> suffixes = new ArrayList<>();
    for (String entry : setting.split(",", -1)) {
      String host = Ascii.toLowerCase(Ascii.trim(entry));
      String name = host.startsWith("*.") ? host.substring(2) : host;
      if (name.isEmpty() || name.contains("*") || name.startsWith(".") || name.endsWith(".")) {
        throw new IllegalArgumentException("trusted hosts: '" + Ascii.trim(entry) + "' is not a host name or *.suffix pattern");
      }
      if (host.startsWith("*.")) {
        suffixes.add("." + name);
      } else {
        names.add(name);
      }
    }
    return new TrustedHosts(false, List.copyOf(names), List.copyOf(suffixes));
  }

  public boolean permits(String host) {
    if (any) {
      return true;
    }
    String name = Ascii.toLowerCase(host);
    return names.contains(name) || suffixes.stream().anyMatch(name::endsWith);
  }
}
