package io.mcpauth.core.cli;

import io.mcpauth.core.BuildInfo;
import io.mcpauth.core.authserver.serviceclients.ClientCommand;
import io.mcpauth.core.authserver.users.UserCommand;
import io.mcpauth.core.config.ConfigKey;
import io.mcpauth.core.doctor.DoctorCommand;

/** {@code java -jar mcpauth-agent.jar ...}: the attach, doctor, user and client verbs, help and version. */
public final class CommandLine {

  private CommandLine() {}

  public static void main(String[] args) throws Exception {
    if (args.length > 0 && args[0].equals("attach")) {
      System.exit(AttachCommand.run(java.util.Arrays.copyOfRange(args, 1, args.length)));
    }
    if (args.length > 0 && args[0].equals("user")) {
      System.exit(UserCommand.run(java.util.Arrays.copyOfRange(args, 1, args.length)));
    }
    if (args.length > 0 && args[0].equals("doctor")) {
      System.exit(DoctorCommand.run(java.util.Arrays.copyOfRange(args, 1, args.length)));
    }
    if (args.length > 0 && args[0].equals("client")) {
      System.exit(ClientCommand.run(java.util.Arrays.copyOfRange(args, 1, args.length)));
    }
    if (args.length == 0 || args[0].equals("--help") || args[0].equals("-h") || args[0].equals("help")) {
      System.out.println("""
          mcpauth: OAuth 2.1 for MCP Java SDK servers, as a Java agent.

          Protect a server with tokens from your identity provider:
            java -javaagent:mcpauth-agent.jar -Dmcpauth.issuer=ISSUER -Dmcpauth.resource=URL -jar server.jar

          Protect a server with the agent's own authorization server (when mcpauth.issuer is not set):
            java -jar mcpauth-agent.jar user add --username NAME     (someone who may sign in)
            java -javaagent:mcpauth-agent.jar -jar server.jar

          Manage the users of the embedded authorization server (try 'user --help'):
            java -jar mcpauth-agent.jar user add|remove|passwd|list [--username NAME] [--users-file FILE]

          Manage its service clients, programs that get tokens with no user (try 'client --help'):
            java -jar mcpauth-agent.jar client add|remove|list|rotate-secret [--client-id ID] [--scope "A B"] [--clients-file FILE]

          Check the settings against your identity provider, and a token against the settings (try 'doctor --help'):
            java -jar mcpauth-agent.jar doctor mcpauth.issuer=ISSUER mcpauth.resource=URL [--config FILE] [--token-file FILE]

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
      System.out.println("mcpauth " + BuildInfo.current().describe());
      return;
    }
    System.err.println("mcpauth: unknown command '" + args[0] + "'; try --help");
    System.exit(2);
  }
}
