package io.mcpauth.core.instrumentation;

import java.lang.instrument.ClassFileTransformer;
import java.lang.instrument.IllegalClassFormatException;
import java.security.ProtectionDomain;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Decides by class name alone, before any Byte Buddy class is loaded, whether a class concerns us.
 * Byte Buddy (about a thousand classes, most of a second of start-up) is built only when the first
 * target class loads, and the JVM never pays for it if no MCP transport ever does.
 */
final class LazyTransformer implements ClassFileTransformer {

  private final Set<String> internalNames;
  private final Supplier<ClassFileTransformer> factory;
  private volatile ClassFileTransformer delegate;

  LazyTransformer(Set<String> internalNames, Supplier<ClassFileTransformer> factory) {
    this.internalNames = internalNames;
    this.factory = factory;
  }

  @Override
  public byte[] transform(Module module, ClassLoader loader, String className, Class<?> classBeingRedefined,
      ProtectionDomain protectionDomain, byte[] classfileBuffer) throws IllegalClassFormatException {
    if (className == null || !internalNames.contains(className)) {
      return null;
    }
    return delegate().transform(module, loader, className, classBeingRedefined, protectionDomain, classfileBuffer);
  }

  private ClassFileTransformer delegate() {
    ClassFileTransformer current = delegate;
    if (current == null) {
      synchronized (this) {
        current = delegate;
        if (current == null) {
          current = factory.get();
          delegate = current;
        }
      }
    }
    return current;
  }
}
