package io.mcpauth.core.instrumentation;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Checks, when a servlet transport loads, that it builds its per-stream session objects through the
 * constructor the SSE binding hooks ({@link SessionStartedEpilogue}). Those inner classes load only
 * at the first stream, long after start-up; a changed constructor found then would leave the first
 * sessions unbound. Checking the outer class's reference to it refuses the transport at once instead.
 */
final class SessionConstructions {

  private SessionConstructions() {}

  /**
   * What is missing from {@code transport}: for each session class nested in it, a call of its
   * constructor with the expected descriptor. Empty for a transport with no such session class.
   *
   * @param constructors each session class's internal name and its hooked constructor's descriptor
   */
  static List<String> missing(String transport, byte[] classFile, Map<String, String> constructors) {
    List<String> missing = new ArrayList<>();
    ClassFile file = null;
    for (Map.Entry<String, String> session : constructors.entrySet()) {
      if (!session.getKey().startsWith(transport + "$")) {
        continue;
      }
      if (file == null) {
        file = new ClassFile(classFile);
      }
      if (!constructs(file, session.getKey(), session.getValue())) {
        missing.add("construction of " + session.getKey().substring(transport.length() + 1) + session.getValue());
      }
    }
    return missing;
  }

  /** Whether the constant pool holds a Methodref to {@code owner.<init>descriptor}. */
  private static boolean constructs(ClassFile file, String owner, String descriptor) {
    for (int index = 1; index < file.poolCount; index++) {
      int offset = file.entries[index];
      if (offset == 0 || file.in[offset] != 10) {
        continue;
      }
      int nameAndType = file.entries[file.u2(offset + 3)];
      if (owner.equals(file.className(file.u2(offset + 1)))
          && "<init>".equals(file.utf8(file.u2(nameAndType + 1)))
          && descriptor.equals(file.utf8(file.u2(nameAndType + 3)))) {
        return true;
      }
    }
    return false;
  }
}
