package io.mcpauth.core.cli;

import io.mcpauth.core.config.ConfigKey;

/** {@code java -jar mcpauth-agent.jar ...}: help for now; the attach and user verbs come later. */
public final class CommandLine {

  private CommandLine() {}

  public static void main(String[] args) throws Exception {
    if (args.length > 0 && args[0].equals("attach")) {
      System.exit(AttachCommand.run(java.util.Arrays.copyOfRange(args, 1, args.length)));
    }
    if (args.length == 0 || args[0].equals("--help") || args[0].equals("-h") || args[0].equals("help")) {
      System.out.println("""
          mcpauth: OAuth 2.1 for MCP Java SDK servers, as a Java agent.

          Protect a server:
            java -javaagent:mcpauth-agent.jar -Dmcpauth.issuer=ISSUER -Dmcpauth.resource=URL -jar server.jar

          Protect a running JVM:
            java -jar mcpauth-agent.jar attach <pid> mcpauth.issuer=ISSUER mcpauth.resource=URL [--config FILE]

          Settings (system property, or environment variable, or a file named by mcpauth.config):""");
      for (ConfigKey key : ConfigKey.values()) {
        System.out.printf("  %-34s %s%n", key.key() + (key.defaultValue() == null ? "" : " [" + key.defaultValue() + "]"),
            key.description().replace("`", ""));
      }
      return;
    }
    if (args[0].equals("--version") || args[0].equals("version")) {
      Package pkg = CommandLine.class.getPackage();
      System.out.println("mcpauth " + (pkg == null || pkg.getImplementationVersion() == null ? "dev" : pkg.getImplementationVersion()));
      return;
    }
    System.err.println("mcpauth: unknown command '" + args[0] + "'; try --help");
    System.exit(2);
  }
}
