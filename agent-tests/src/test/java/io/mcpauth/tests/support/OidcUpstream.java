package io.mcpauth.tests.support;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * A real OpenID Provider, npm {@code oidc-provider}, run by {@code src/test/node/oidc-upstream.mjs}
 * on 127.0.0.1: the upstream the embedded authorization server signs users in at. Stopped (with
 * whatever it started) when closed.
 */
public final class OidcUpstream implements AutoCloseable {

  private final Process process;
  private final String issuer;
  private final List<String> log = new CopyOnWriteArrayList<>();

  private OidcUpstream(Process process, String issuer) {
    this.process = process;
    this.issuer = issuer;
  }

  /** Fails with what to do when oidc-provider is not installed. */
  public static void requireInstalled() {
    NodeClient.requireInstalled();
    if (!Files.isDirectory(NodeClient.dir().resolve("node_modules/oidc-provider"))) {
      fail("missing " + NodeClient.dir().resolve("node_modules/oidc-provider") + ": run .ci/setup (npm ci in "
          + NodeClient.dir() + ")");
    }
  }

  /** Starts the provider on {@code port} with one client, {@code mcpauth}, redirecting to {@code redirectUri} only. */
  public static OidcUpstream start(int port, String redirectUri, Path clientSecretFile, Path passwordFile) {
    requireInstalled();
    ProcessBuilder builder = new ProcessBuilder(NodeClient.node().toString(), "oidc-upstream.mjs", String.valueOf(port),
        redirectUri, clientSecretFile.toString(), passwordFile.toString()).directory(NodeClient.dir().toFile());
    builder.environment().keySet().removeIf(name -> name.startsWith("MCPAUTH_"));
    try {
      Process process = builder.start();
      process.getOutputStream().close();
      BufferedReader stdout = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
      OidcUpstream upstream = new OidcUpstream(process, "http://127.0.0.1:" + port);
      Thread errors = new Thread(() -> upstream.pump(new BufferedReader(
          new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8))), "oidc-upstream-stderr");
      errors.setDaemon(true);
      errors.start();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      String line;
      while ((line = stdout.readLine()) != null) {
        if (line.startsWith("READY ")) {
          Thread rest = new Thread(() -> upstream.pump(stdout), "oidc-upstream-stdout");
          rest.setDaemon(true);
          rest.start();
          return upstream;
        }
        if (System.nanoTime() > deadline) {
          break;
        }
      }
      upstream.close();
      return fail("oidc-upstream.mjs did not get ready:\n" + String.join("\n", upstream.log));
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private void pump(BufferedReader reader) {
    try {
      String line;
      while ((line = reader.readLine()) != null) {
        log.add(line);
      }
    } catch (IOException ignored) {
      // the process ended
    }
  }

  public String issuer() {
    return issuer;
  }

  /** POSTing here disables {@code account}: the provider then refuses its refresh tokens. */
  public String disableUrl(String account) {
    return issuer + "/test/disable/" + account;
  }

  public String log() {
    return String.join("\n", log);
  }

  @Override
  public void close() {
    process.descendants().forEach(ProcessHandle::destroyForcibly);
    process.destroyForcibly();
    try {
      process.waitFor(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
