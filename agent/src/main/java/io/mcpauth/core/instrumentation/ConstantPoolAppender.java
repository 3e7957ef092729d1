package io.mcpauth.core.instrumentation;

import java.util.HashMap;
import java.util.Map;

/** The entries appended to the constant pool, each once. */
final class ConstantPoolAppender {
  final ByteOutput bytes = new ByteOutput(256);
  final Map<String, Integer> indexes = new HashMap<>();
  int count;

  ConstantPoolAppender(int count) {
    this.count = count;
  }

  int utf8(String value) {
    Integer known = indexes.get("U" + value);
    if (known != null) {
      return known;
    }
    bytes.u1(1);
    int lengthAt = bytes.length;
    bytes.u2(0);
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c >= 1 && c < 0x80) {
        bytes.u1(c);
      } else if (c < 0x800) {
        bytes.u1(0xC0 | (c >> 6)).u1(0x80 | (c & 0x3F));
      } else {
        bytes.u1(0xE0 | (c >> 12)).u1(0x80 | ((c >> 6) & 0x3F)).u1(0x80 | (c & 0x3F));
      }
    }
    bytes.set2(lengthAt, bytes.length - lengthAt - 2);
    return add("U" + value);
  }

  int classRef(String internalName) {
    Integer known = indexes.get("C" + internalName);
    if (known != null) {
      return known;
    }
    int name = utf8(internalName);
    bytes.u1(7).u2(name);
    return add("C" + internalName);
  }

  int methodRef(String owner, String name, String descriptor) {
    String key = "M" + owner + '.' + name + descriptor;
    Integer known = indexes.get(key);
    if (known != null) {
      return known;
    }
    int ownerClass = classRef(owner);
    int nameAndType = nameAndType(name, descriptor);
    bytes.u1(10).u2(ownerClass).u2(nameAndType);
    return add(key);
  }

  int nameAndType(String name, String descriptor) {
    Integer known = indexes.get("N" + name + descriptor);
    if (known != null) {
      return known;
    }
    int nameIndex = utf8(name);
    int descriptorIndex = utf8(descriptor);
    bytes.u1(12).u2(nameIndex).u2(descriptorIndex);
    return add("N" + name + descriptor);
  }

  /** A CONSTANT_MethodHandle of kind REF_invokeStatic (6) to a class's static method. */
  int staticMethodHandle(String owner, String name, String descriptor) {
    String key = "H" + owner + '.' + name + descriptor;
    Integer known = indexes.get(key);
    if (known != null) {
      return known;
    }
    int method = methodRef(owner, name, descriptor);
    bytes.u1(15).u1(6).u2(method);
    return add(key);
  }

  /** A CONSTANT_InvokeDynamic naming entry {@code bootstrap} of the class's BootstrapMethods. */
  int invokeDynamic(int bootstrap, String name, String descriptor) {
    String key = "D" + bootstrap + name + descriptor;
    Integer known = indexes.get(key);
    if (known != null) {
      return known;
    }
    int nameAndType = nameAndType(name, descriptor);
    bytes.u1(18).u2(bootstrap).u2(nameAndType);
    return add(key);
  }

  private int add(String key) {
    int index = count++;
    indexes.put(key, index);
    return index;
  }
}
