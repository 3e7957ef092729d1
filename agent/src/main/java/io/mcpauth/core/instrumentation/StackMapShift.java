package io.mcpauth.core.instrumentation;

/**
 * Moves a method's {@code StackMapTable} behind a prologue: the prologue's frame goes first, the
 * original's first offset delta then counts from it, and the offsets of {@code new} instructions in
 * Uninitialized_variable_info move with the code.
 */
final class StackMapShift {

  private StackMapShift() {}

  /**
   * Our frame, then the original's: the first one's offset delta now counts from ours, and the
   * offsets of {@code new} instructions in Uninitialized_variable_info move with the code.
   */
  static void write(byte[] in, ByteOutput out, int attribute, PrologueShape shape, int objectClass) {
    int p = shape.length;
    int lengthAt = out.length + 2;
    out.bytes(in, attribute, 2);
    out.u4(0);
    int start = out.length;
    int offset = attribute + 6;
    int frames = u2(in, offset);
    offset += 2;
    out.u2(frames + 1);
    shape.writeFrame(out, objectClass);
    for (int f = 0; f < frames; f++) {
      int type = in[offset++] & 0xFF;
      int delta;
      if (type < 64) {
        delta = type;
      } else if (type < 128) {
        delta = type - 64;
      } else if (type < 247) {
        throw new IllegalArgumentException("reserved stack map frame type " + type);
      } else {
        delta = u2(in, offset);
        offset += 2;
      }
      if (f == 0) {
        delta = delta + p - shape.frameOffset - 1;
      }
      if (type < 64) {
        if (delta < 64) {
          out.u1(delta);
        } else {
          out.u1(251).u2(delta); // same_frame_extended
        }
      } else if (type < 128) {
        if (delta < 64) {
          out.u1(64 + delta);
        } else {
          out.u1(247).u2(delta); // same_locals_1_stack_item_frame_extended
        }
        offset = copyType(in, out, offset, p);
      } else {
        out.u1(type).u2(delta);
        if (type == 247) {
          offset = copyType(in, out, offset, p);
        } else if (type >= 252 && type <= 254) {
          for (int t = 0; t < type - 251; t++) {
            offset = copyType(in, out, offset, p);
          }
        } else if (type == 255) {
          for (int list = 0; list < 2; list++) {
            int n = u2(in, offset);
            out.u2(n);
            offset += 2;
            for (int t = 0; t < n; t++) {
              offset = copyType(in, out, offset, p);
            }
          }
        }
      }
    }
    if (offset != attribute + 6 + u4(in, attribute + 2)) {
      throw new IllegalArgumentException("malformed StackMapTable");
    }
    out.set4(lengthAt, out.length - start);
  }

  /** Copies one verification_type_info; Uninitialized(offset) names an instruction, which moved. */
  private static int copyType(byte[] in, ByteOutput out, int offset, int p) {
    int tag = in[offset] & 0xFF;
    out.u1(tag);
    if (tag == 7) {
      out.bytes(in, offset + 1, 2);
      return offset + 3;
    }
    if (tag == 8) {
      out.u2(u2(in, offset + 1) + p);
      return offset + 3;
    }
    if (tag > 8) {
      throw new IllegalArgumentException("unknown verification type " + tag);
    }
    return offset + 1;
  }

  private static int u2(byte[] in, int offset) {
    return ((in[offset] & 0xFF) << 8) | (in[offset + 1] & 0xFF);
  }

  private static int u4(byte[] in, int offset) {
    return (u2(in, offset) << 16) | u2(in, offset + 2);
  }
}
