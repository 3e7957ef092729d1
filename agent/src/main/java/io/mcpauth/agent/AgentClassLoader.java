package io.mcpauth.agent;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.MalformedURLException;
import java.net.URL;
import java.security.CodeSource;
import java.security.ProtectionDomain;
import java.security.cert.Certificate;
import java.util.Collections;
import java.util.Enumeration;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;

/**
 * Defines the hidden core from {@code inst/**.classdata} in the agent jar, so the host never sees
 * the core, its relocated libraries or its service files.
 */
final class AgentClassLoader extends ClassLoader {

  static {
    registerAsParallelCapable();
  }

  private static final String PREFIX = "inst/";

  private final JarFile jar;
  private final URL jarUrl;
  private final ProtectionDomain domain;

  /**
   * @param parent the platform loader inside a host JVM, so the core sees the JDK and the
   *     bootstrap bridge but none of the host's classes; the system loader for the command line
   */
  AgentClassLoader(File jarFile, ClassLoader parent) throws IOException {
    super("mcpauth", parent);
    this.jar = new JarFile(jarFile, false);
    this.jarUrl = jarFile.toURI().toURL();
    this.domain = new ProtectionDomain(new CodeSource(jarUrl, (Certificate[]) null), null, this, null);
  }

  @Override
  protected Class<?> findClass(String name) throws ClassNotFoundException {
    JarEntry entry = jar.getJarEntry(PREFIX + name.replace('.', '/') + ".classdata");
    if (entry == null) {
      throw new ClassNotFoundException(name);
    }
    byte[] bytes;
    try (InputStream in = jar.getInputStream(entry)) {
      // The jar stores its entries uncompressed and their sizes are known: one exact read, no
      // inflater and no growing buffers, for the ~200 classes the agent defines while the JVM starts.
      long size = entry.getSize();
      bytes = size < 0 ? in.readAllBytes() : new byte[(int) size];
      if (size >= 0 && in.readNBytes(bytes, 0, bytes.length) != bytes.length) {
        throw new IOException("short read of " + entry.getName());
      }
    } catch (IOException e) {
      throw new ClassNotFoundException(name, e);
    }
    definePackageOf(name);
    return defineClass(name, bytes, 0, bytes.length, domain);
  }

  private void definePackageOf(String className) {
    int dot = className.lastIndexOf('.');
    if (dot > 0) {
      String pkg = className.substring(0, dot);
      if (getDefinedPackage(pkg) == null) {
        try {
          definePackage(pkg, null, null, null, null, null, null, null);
        } catch (IllegalArgumentException racedWithAnotherThread) {
          // defined meanwhile: fine
        }
      }
    }
  }

  @Override
  protected URL findResource(String name) {
    // Byte Buddy reads class files as resources: map them to the hidden .classdata entries.
    String path = name.endsWith(".class")
        ? PREFIX + name.substring(0, name.length() - ".class".length()) + ".classdata"
        : PREFIX + name;
    if (jar.getJarEntry(path) == null) {
      return null;
    }
    try {
      return new URL("jar:" + jarUrl + "!/" + path);
    } catch (MalformedURLException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  protected Enumeration<URL> findResources(String name) {
    URL url = findResource(name);
    return url == null ? Collections.emptyEnumeration() : Collections.enumeration(Collections.singleton(url));
  }

  @Override
  public InputStream getResourceAsStream(String name) {
    URL url = getResource(name);
    if (url == null) {
      return null;
    }
    try {
      if (url.getProtocol().equals("jar") && url.getPath().startsWith(jarUrl + "!/")) {
        // read our own jar directly: no URL connection caches, no file handle per read
        JarEntry entry = jar.getJarEntry(url.getPath().substring(jarUrl.toString().length() + 2));
        return entry == null ? null : new java.io.ByteArrayInputStream(readAll(jar.getInputStream(entry)));
      }
      return url.openStream();
    } catch (IOException e) {
      return null;
    }
  }

  private static byte[] readAll(InputStream in) throws IOException {
    try (in; ByteArrayOutputStream out = new ByteArrayOutputStream()) {
      in.transferTo(out);
      return out.toByteArray();
    }
  }
}
