package io.mcpauth.core.cli;

import com.sun.tools.attach.AgentInitializationException;
import com.sun.tools.attach.AgentLoadException;
import com.sun.tools.attach.AttachNotSupportedException;
import com.sun.tools.attach.VirtualMachine;
import java.io.IOException;
import java.util.Properties;

/** {@link AttachedJvm} through jdk.attach. Only loaded when the runtime has that module. */
final class JdkAttachedJvm implements AttachedJvm {

  private final VirtualMachine target;

  private JdkAttachedJvm(VirtualMachine target) {
    this.target = target;
  }

  static AttachedJvm attach(String pid) throws IOException {
    try {
      return new JdkAttachedJvm(VirtualMachine.attach(pid));
    } catch (AttachNotSupportedException e) {
      throw new AttachFailedException(e.getMessage()
          + " (same user? on JDK 21+ start the target with -XX:+EnableDynamicAgentLoading)");
    }
  }

  @Override
  public Properties systemProperties() throws IOException {
    return target.getSystemProperties();
  }

  @Override
  public void loadAgent(String jar, String options) throws IOException {
    try {
      target.loadAgent(jar, options);
    } catch (AgentLoadException | AgentInitializationException e) {
      throw new AttachFailedException("the target could not load the agent: " + e.getMessage());
    }
  }

  @Override
  public void close() throws IOException {
    target.detach();
  }
}
