package io.mcpauth.core.cli;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

/**
 * {@link AttachedJvm} without jdk.attach: HotSpot's attach protocol on Linux, spoken directly, for
 * runtimes (jlink images, slim container JREs) that lack the module. The protocol: a
 * {@code .attach_pid<pid>} file and a SIGQUIT make the target open the UNIX socket
 * {@code /tmp/.java_pid<pid>}; each command is one connection carrying the protocol version, the
 * command and three arguments, NUL-terminated, and the answer is a status line and the output.
 */
final class HotSpotAttachSocket implements AttachedJvm {

  private static final int PROTOCOL_VERSION = 1;
  private static final int ARGUMENTS = 3;
  /** SIGQUIT is signal 3: bit 2 of the SigCgt mask in /proc/PID/status. */
  private static final long SIGQUIT_MASK = 1L << 2;
  private static final long LISTENER_TIMEOUT_MILLIS = 10_000;

  private final Path socket;

  private HotSpotAttachSocket(Path socket) {
    this.socket = socket;
  }

  static AttachedJvm attach(long pid) throws IOException {
    Path proc = Path.of("/proc", Long.toString(pid));
    if (!Files.isDirectory(proc)) {
      throw new AttachFailedException("there is no process " + pid);
    }
    // Inside another PID namespace (the target in a container, this command outside) the target
    // names its files by its own pid, and its /tmp is reached through its root.
    long ownPid = namespacePid(proc, pid);
    Path tmp = Files.isDirectory(proc.resolve("root/tmp")) ? proc.resolve("root/tmp") : Path.of("/tmp");
    Path socket = tmp.resolve(".java_pid" + ownPid);
    if (!Files.exists(socket)) {
      startListener(pid, proc, tmp, ownPid, socket);
    }
    long owner = (Integer) Files.getAttribute(socket, "unix:uid");
    long self = (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
    if (owner != self && self != 0) {
      throw new AttachFailedException(socket + " belongs to user " + owner + ", not to this user (" + self
          + "): run the command as the target's user");
    }
    return new HotSpotAttachSocket(socket);
  }

  @Override
  public Properties systemProperties() throws IOException {
    try (SocketChannel channel = execute("properties")) {
      Properties properties = new Properties();
      properties.load(Channels.newInputStream(channel));
      return properties;
    }
  }

  @Override
  public void loadAgent(String jar, String options) throws IOException {
    try (SocketChannel channel = execute("load", "instrument", "false", jar + "=" + options)) {
      String answer = readLine(Channels.newInputStream(channel)).trim();
      String code = answer.startsWith("return code: ") ? answer.substring("return code: ".length()) : answer;
      if (!code.equals("0")) {
        throw new AttachFailedException("the target could not load the agent: " + answer);
      }
    }
  }

  @Override
  public void close() {
    // one connection per command: nothing stays open
  }

  private SocketChannel execute(String command, String... arguments) throws IOException {
    SocketChannel channel = SocketChannel.open(UnixDomainSocketAddress.of(socket));
    try {
      ByteArrayOutputStream request = new ByteArrayOutputStream();
      field(request, Integer.toString(PROTOCOL_VERSION));
      field(request, command);
      for (int i = 0; i < ARGUMENTS; i++) {
        field(request, i < arguments.length ? arguments[i] : "");
      }
      ByteBuffer bytes = ByteBuffer.wrap(request.toByteArray());
      while (bytes.hasRemaining()) {
        channel.write(bytes);
      }
      InputStream answer = Channels.newInputStream(channel);
      String status = readLine(answer).trim();
      if (!status.equals("0")) {
        throw new AttachFailedException("the target refused '" + command + "' (status " + status + "): "
            + new String(answer.readNBytes(1024), StandardCharsets.UTF_8).trim());
      }
      return channel;
    } catch (IOException | RuntimeException e) {
      channel.close();
      throw e;
    }
  }

  private static void field(ByteArrayOutputStream request, String value) {
    request.writeBytes(value.getBytes(StandardCharsets.UTF_8));
    request.write(0);
  }

  private static String readLine(InputStream in) throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    for (int b = in.read(); b != -1 && b != '\n'; b = in.read()) {
      line.write(b);
    }
    return line.toString(StandardCharsets.UTF_8);
  }

  /**
   * The trigger file and a SIGQUIT; HotSpot answers by opening the socket. A process that does not
   * handle SIGQUIT is not a HotSpot JVM, and SIGQUIT would end it: it is never sent one.
   */
  private static void startListener(long pid, Path proc, Path tmp, long ownPid, Path socket) throws IOException {
    if (!handlesSigquit(proc)) {
      throw new AttachFailedException("process " + pid + " is not a Java virtual machine that accepts attach");
    }
    Path trigger = trigger(proc.resolve("cwd"), tmp, ownPid);
    try {
      signalQuit(pid);
      long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(LISTENER_TIMEOUT_MILLIS);
      while (!Files.exists(socket)) {
        if (System.nanoTime() > deadline) {
          throw new AttachFailedException("JVM " + pid + " did not open " + socket + " within "
              + LISTENER_TIMEOUT_MILLIS / 1000 + " s (started with -XX:+DisableAttachMechanism?)");
        }
        Thread.sleep(20);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AttachFailedException("interrupted while waiting for JVM " + pid);
    } finally {
      Files.deleteIfExists(trigger);
    }
  }

  /** HotSpot looks for the trigger in its working directory, then in /tmp. */
  private static Path trigger(Path workingDirectory, Path tmp, long ownPid) throws IOException {
    String name = ".attach_pid" + ownPid;
    try {
      return Files.createFile(workingDirectory.resolve(name));
    } catch (FileAlreadyExistsException e) {
      return workingDirectory.resolve(name);
    } catch (IOException notWritable) {
      try {
        return Files.createFile(tmp.resolve(name));
      } catch (FileAlreadyExistsException e) {
        return tmp.resolve(name);
      }
    }
  }

  private static boolean handlesSigquit(Path proc) throws IOException {
    String caught = statusField(proc, "SigCgt:");
    return caught != null && (Long.parseUnsignedLong(caught, 16) & SIGQUIT_MASK) != 0;
  }

  /** The pid the target knows itself by: the last of the {@code NSpid} list (absent on old kernels). */
  private static long namespacePid(Path proc, long pid) throws IOException {
    String pids = statusField(proc, "NSpid:");
    if (pids == null) {
      return pid;
    }
    String[] each = pids.split("\\s+");
    return Long.parseLong(each[each.length - 1]);
  }

  private static String statusField(Path proc, String name) throws IOException {
    for (String line : Files.readAllLines(proc.resolve("status"), StandardCharsets.US_ASCII)) {
      if (line.startsWith(name)) {
        return line.substring(name.length()).trim();
      }
    }
    return null;
  }

  /** Java 17 cannot send a signal itself: the system's kill command (or the shell's) does. */
  private static void signalQuit(long pid) throws IOException, InterruptedException {
    for (List<String> command : List.of(List.of("kill", "-QUIT", Long.toString(pid)),
        List.of("/bin/sh", "-c", "kill -QUIT " + pid))) {
      Process kill;
      try {
        kill = new ProcessBuilder(command).redirectErrorStream(true).start();
      } catch (IOException notInstalled) {
        continue;
      }
      if (kill.waitFor(10, TimeUnit.SECONDS) && kill.exitValue() == 0) {
        return;
      }
      kill.destroyForcibly();
      throw new AttachFailedException("could not signal JVM " + pid + ": "
          + new String(kill.getInputStream().readNBytes(512), StandardCharsets.UTF_8).trim());
    }
    throw new AttachFailedException("this system has neither a kill command nor /bin/sh to signal JVM " + pid);
  }
}
