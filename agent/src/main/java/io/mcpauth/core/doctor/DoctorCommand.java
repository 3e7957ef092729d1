package io.mcpauth.core.doctor;

import io.mcpauth.core.config.AgentConfig;
import io.mcpauth.core.config.ConfigKey;
import io.mcpauth.core.config.ConfigParser;
import io.mcpauth.core.config.ConfigSources;
import io.mcpauth.core.config.InvalidConfigException;
import io.mcpauth.core.config.TrustedIssuer;
import io.mcpauth.core.logging.AgentLog;
import io.mcpauth.core.token.IssuerRouter;
import io.mcpauth.core.token.TokenRejectedException;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * {@code doctor [--config FILE] [key=value ...] [--token-file FILE]}: reads the configuration as the
 * agent would, reaches each issuer's metadata and keys (or its introspection endpoint) and, given a
 * token, says every rule it breaks and what fixes it. Exit 0 when every check passes, 1 when one
 * fails, 2 when the arguments or the configuration are invalid.
 */
public final class DoctorCommand {

  static final String USAGE = """
      usage: java -jar mcpauth-agent.jar doctor [--config FILE] [key=value ...] [--token-file FILE]

      Checks the agent's configuration against the identity provider: reads the settings as the agent
      does (system properties, then MCPAUTH_* environment variables, then the properties file; key=value
      arguments count as -D system properties, --config FILE as mcpauth.config=FILE), fetches each
      issuer's metadata and JWKS (or calls its introspection endpoint) and, with --token-file, checks an
      access token by every rule the agent applies, saying what fixes each one it breaks. The token is
      read from the file (never from the command line) and never printed.
      Exit status: 0 every check passed, 1 a check failed, 2 invalid arguments or configuration.""";

  private DoctorCommand() {}

  public static int run(String[] args) {
    // The agent's own warnings (an introspection call that failed, say) go to standard error.
    AgentLog.settings("WARN", null);
    return run(args, System.out, System.err, System.getProperties(), System.getenv(), Clock.systemUTC());
  }

  static int run(String[] args, PrintStream out, PrintStream err, Properties systemProperties,
      Map<String, String> environment, Clock clock) {
    Properties settings = new Properties();
    settings.putAll(systemProperties);
    Path tokenFile = null;
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      if (arg.equals("--help") || arg.equals("-h")) {
        out.println(USAGE);
        return 0;
      } else if ((arg.equals("--config") || arg.equals("--token-file")) && i + 1 < args.length) {
        if (arg.equals("--config")) {
          settings.setProperty(ConfigKey.CONFIG_FILE.key(), args[++i]);
        } else {
          tokenFile = Path.of(args[++i]);
        }
      } else if (arg.indexOf('=') > 0 && !arg.startsWith("-")) {
        int eq = arg.indexOf('=');
        settings.setProperty(arg.substring(0, eq).trim(), arg.substring(eq + 1).trim());
      } else {
        // never repeat the argument: it could be a token pasted in the wrong place
        err.println("mcpauth: doctor: unexpected argument #" + (i + 1) + "\n" + USAGE);
        return 2;
      }
    }
    AgentConfig config;
    try {
      config = ConfigParser.parse(ConfigSources.of(settings, environment));
    } catch (InvalidConfigException e) {
      err.println(e.getMessage());
      out.println("FAIL  configuration: invalid, the agent would not start (see above)");
      return 2;
    }
    String token = null;
    if (tokenFile != null) {
      try {
        token = Files.readString(tokenFile, StandardCharsets.UTF_8).strip();
      } catch (IOException | RuntimeException e) {
        err.println("mcpauth: doctor: cannot read the token file " + tokenFile + " (" + e.getClass().getSimpleName() + ")");
        return 2;
      }
      if (token.isEmpty()) {
        err.println("mcpauth: doctor: the token file " + tokenFile + " is empty");
        return 2;
      }
    }
    DoctorOutput output = new DoctorOutput(out);
    examine(config, token, output, clock);
    out.println(output.failures() == 0 ? "all checks passed" : output.failures() + " check(s) failed");
    return output.failures() == 0 ? 0 : 1;
  }

  private static void examine(AgentConfig config, String token, DoctorOutput output, Clock clock) {
    if (!config.enabled()) {
      output.fail("configuration", "mcpauth.enabled=false: the agent would load but protect nothing",
          "remove mcpauth.enabled=false");
      return;
    }
    if (config.embeddedAuthServer()) {
      output.ok("configuration", "valid; the embedded authorization server issues the tokens (mcpauth.issuer is not set)");
      output.skip("issuer", "doctor checks external identity providers; the embedded one needs no network checks");
      if (token != null) {
        output.skip("token", "tokens of the embedded authorization server are checked by the running agent only");
      }
      return;
    }
    output.ok("configuration", "valid; resource " + config.resource() + ", accepted aud " + String.join(",", config.audiences())
        + ", typ " + String.join(",", config.tokenTypes()) + ", clock skew " + config.clockSkew().toSeconds() + "s");
    IssuerChecks issuers = IssuerChecks.run(config, output, clock);
    if (token != null) {
      checkToken(config, issuers, token, output, clock);
    }
  }

  /** Routes the token as the agent does: by its unverified iss, or, when opaque, to the one introspecting issuer. */
  private static void checkToken(AgentConfig config, IssuerChecks issuers, String token, DoctorOutput output, Clock clock) {
    String iss = null;
    boolean jwt = true;
    try {
      iss = IssuerRouter.jwtIssuer(token);
      jwt = iss != null;
    } catch (TokenRejectedException e) {
      // a JWT without a usable iss: the rules below say what else is wrong with it
    }
    List<TrustedIssuer> trusted = config.trustedIssuers();
    TrustedIssuer chosen = null;
    for (TrustedIssuer candidate : trusted) {
      if (candidate.issuer().toString().equals(iss)) {
        chosen = candidate;
      }
    }
    if (!jwt) {
      List<TrustedIssuer> introspecting = trusted.stream().filter(TrustedIssuer::introspected).toList();
      if (introspecting.size() == 1) {
        chosen = introspecting.get(0);
      } else if (issuers.jwksIssuers().isEmpty()) {
        output.fail("token", "not a JWT, and there is not exactly one introspecting issuer to ask",
            "configure mcpauth.introspection.uri for the issuer of opaque tokens");
        return;
      }
    }
    if (chosen != null && chosen.introspected()) {
      issuers.introspect(chosen, token, config, output);
      return;
    }
    String issuer = chosen != null ? chosen.issuer().toString() : issuers.closestJwksIssuer(iss);
    if (issuer == null) {
      output.fail("token iss", "iss " + TokenFixes.quoted(iss) + " is not a trusted issuer",
          TokenFixes.issuerFix(iss, config.issuer().toString()));
      return;
    }
    TokenRules.report(config, issuers, issuer, token, output, clock);
  }
}
